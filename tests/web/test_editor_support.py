"""The editor page's helpers: Swedish parser errors, short share links, line or bar charts."""

from __future__ import annotations

from decimal import Decimal

from web.sparql.chart import bar_chart, line_svg
from web.sparql.errors_sv import swedish
from web.sparql.share import pack, unpack
from web.sparql.table import Cell, Table


def test_syntax_errors_are_translated_with_their_position() -> None:
    text = swedish("Syntax error at line 3, column 7: expected one of HAVING, OFFSET, VALUES")
    assert text == "Syntaxfel på rad 3, kolumn 7: förväntade HAVING, OFFSET eller VALUES."


def test_character_classes_are_left_out_and_long_lists_cut() -> None:
    message = ("Syntax error at line 1, column 30: expected one of \"$\", \"(\", \".\", "
               "['0'..='9'], ['A' ..= 'Z' | 'a' ..= 'z'], [_], \"{\", \"}\", \"<\", \"?\", "
               "\"[\", \"+\"")
    text = swedish(message)
    assert text.startswith("Syntaxfel på rad 1, kolumn 30: förväntade ”$”, ”(”, ”.”")
    assert "'0'" not in text and text.endswith("m.fl.")
    assert "Prefix" not in swedish("Syntax error at line 1, column 28: expected one of "
                                   "Prefix not found, [':']")


def test_other_refusals_in_swedish_and_unknown_ones_kept() -> None:
    assert swedish("Unknown prefix 'foo:'; declare it with PREFIX foo: <…>.").startswith(
        "Okänt prefix ”foo:”")
    assert swedish("The query is empty.") == "Frågan är tom."
    assert swedish("something new") == "something new"


def test_share_tokens_round_trip_and_are_short() -> None:
    query = "SELECT ?m WHERE { ?m a bk:Goal ; skos:prefLabel ?l } ORDER BY ?l"
    token = pack(query)
    assert unpack(token) == query and len(token) < len(query)
    assert unpack("1" + "A" * 40) is None and unpack("x") is None and unpack("1@@") is None


def test_a_decompression_bomb_is_refused() -> None:
    assert unpack(pack("#" * 40_000)) is None  # past the 32 KB query limit once unpacked


def _table(rows: list[tuple]) -> Table:
    cells = [[Cell(str(v), number=Decimal(v) if isinstance(v, int | float) else None)
              for v in row] for row in rows]
    return Table(columns=["x", "y"], rows=cells)


def test_two_numeric_columns_make_a_line_and_labels_make_bars() -> None:
    series = _table([(2021, 3), (2019, 1), (2020, 2)])
    svg = line_svg(series)
    assert svg.startswith("<svg") and "Linjediagram: y per x" in svg and "polyline" in svg
    labelled = _table([("a", 1), ("b", 2)])
    assert line_svg(labelled) == "" and bar_chart(labelled) is not None
    assert line_svg(_table([(1.5, 1), (2.5, 2)])) == ""  # not whole steps: no line
