"""Indicator tables: 73 rows in 15 tables, every number of every cell placed or reported."""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal

from hypothesis import assume, given
from hypothesis import strategies as st

from corpus.cells import parse_cell
from tests.conftest import REPORT_PATH

RAW = REPORT_PATH.read_text(encoding="utf-8").split("\n")
NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
YEAR_GROUP = re.compile(r"\((?:19|20)\d{2}\)")

PER_GOAL = dict(zip("ABCDEFGHIJKLMNO", [3, 4, 4, 5, 7, 5, 5, 5, 5, 5, 4, 5, 8, 3, 5], strict=True))


def raw_rows() -> dict[int, tuple[str, list[str]]]:
    """Line -> (mål letter, the six raw cells) for every indicator row, read from the file."""
    rows: dict[int, tuple[str, list[str]]] = {}
    goal, in_table = "", False
    for n, line in enumerate(RAW, start=1):
        if m := re.match(r"^Mål ([A-O])\. ", line):
            goal = m.group(1)
        if line.startswith("Indikator\t"):
            in_table = True
            continue
        if not line.strip():
            in_table = False
        elif in_table:
            rows[n] = (goal, line.split("\t"))
    return rows


ROWS = raw_rows()


def o(column, area, value, year, sex=None, breakdown=None):
    """An expected observation as a comparable tuple."""
    return (column, area, Decimal(value), year, sex, breakdown)


def observed(indicator):
    return [(x.column, x.area, x.value, x.year, x.sex, x.breakdown)
            for x in indicator.observations]


V, J, S = "Värde", "Jämförelse", "Södertälje"

# line: (name, unit, observations in cell order); read off the report by hand
EXPECTED = {
    127: ("Andel barn i familjer med låg inkomststandard", "%", [
        o(V, S, "9.1", 2024), o(J, "Länet", "5.7", 2024), o(J, "Riket", "6.0", 2024),
        o(J, "Huddinge", "5.7", 2024), o(J, "Botkyrka", "9.7", 2024),
        o(J, "Haninge", "6.4", 2024)]),
    129: ("Andel barn som ingår i familjer med ekonomiskt bistånd", "%", [
        o(V, S, "2", 2024), o(J, "Länet", "2", 2024), o(J, "Riket", "4", 2024)]),
    150: ("Barn och unga 0–20 år som har varit placerade på HVB eller Familjehem någon gång "
          "under året, antal/1000 inv", "antal/1000 inv", [
              o(V, S, "11", 2024), o(J, "Länet", "7", 2024), o(J, "Riket", "10", 2024)]),
    151: ("Genomsnittligt antal uttagna föräldrapenningdagar (netto) när barnet fyllt två år, "
          "kvinnor/män", "dagar", [
              o(V, S, "329", 2025), o(V, S, "265", 2025, "F"), o(V, S, "87", 2025, "M"),
              o(J, "Länet", "336", 2025), o(J, "Länet", "250", 2025, "F"),
              o(J, "Länet", "109", 2025, "M"),
              o(J, "Riket", "334", 2025), o(J, "Riket", "257", 2025, "F"),
              o(J, "Riket", "99", 2025, "M")]),
    186: ("Flickors deltagande i Ung fritid, andel", "%", [o(V, S, "20", 2025)]),
    269: ("Inskrivna barn per årsarbetare i förskolan, kommunal regi, antal", "antal", [
        o(V, S, "5", 2024), o(J, "Länet", "5", 2024), o(J, "Riket", "5", 2024)]),
    271: ("Vårdnadshavares nöjdhet med förskolan", "%", [o(V, S, "96.5", 2025)]),
    310: ("Elevers genomsnittliga frånvaro i grundskola, vårtermin", "%", [o(V, S, "11", 2025)]),
    361: ("Personer som arbetar året efter avslutad utbildning inom sfi, i huvudmannens "
          "skolenheter, andel (%)", "%", [
              o(V, S, "67", 2022), o(J, "Länet", "63", 2022), o(J, "Riket", "32", 2022)]),
    440: ("Valdeltagande i senaste kommunvalet, regionvalet, riksdagsvalet och "
          "Europaparlamentsvalet, andel (%)", "%", [
              o(V, S, "63", 2022, None, "Kommun"), o(V, S, "63", 2022, None, "Region"),
              o(V, S, "72", 2022, None, "Riksdag"), o(V, S, "37", 2025, None, "EU"),
              o(J, "Länet", "79", 2022, None, "Kommun"), o(J, "Riket", "80", 2022, None, "Kommun"),
              o(J, "Länet", "79", 2022, None, "Region"), o(J, "Riket", "80", 2022, None, "Region"),
              o(J, "Länet", "85", 2022, None, "Riksdag"),
              o(J, "Riket", "85", 2022, None, "Riksdag"),
              o(J, "Länet", "56", 2025, None, "EU"), o(J, "Riket", "53", 2025, None, "EU")]),
    441: ("Skillnad mellan valdistrikt med lägst respektive högst valdeltagande i senaste val "
          "till kommunfullmäktige, procentenheter", "procentenheter", [
              o(V, S, "54", 2022), o(J, "Länet", "35", 2022), o(J, "Riket", "65", 2022)]),
    442: ("Eleverna får vara med och påverka undervisningen, andel (%)", "%", [
        o(V, S, "86.9", 2025, None, "Åk F-3"), o(V, S, "90", 2025, None, "Åk 4-6"),
        o(V, S, "81.1", 2025, None, "Åk 7-9"), o(V, S, "71.2", 2025, None, "Gymnasieskolan")]),
    559: ("Trångboddhet i flerbostadshus, enligt norm 2, andel (%)", "%", [
        o(V, S, "22", 2024), o(J, "Länet", "17", 2024), o(J, "Riket", "15", 2024),
        o(J, "Huddinge", "23", 2024), o(J, "Botkyrka", "27", 2024),
        o(J, "Haninge", "24", 2024)]),
    560: ("Bostäder totalt, antal/1000 inv", "antal/1000 inv", [
        o(V, S, "437", 2024), o(J, "Länet", "441", 2024), o(J, "Riket", "497", 2024)]),
    561: ("Verkställda vräkningar/avhyssningar som berör barn/100 000 inv", "antal/100 000 inv", [
        o(V, S, "23", 2025), o(J, "Länet", "8", 2025), o(J, "Riket", "8", 2025)]),
    562: ("Hushåll som innehåller minst en person som flyttat, dvs bytt folkbokföringsadress, "
          "minst en gång om året under de senaste tre åren, andel (%)", "%", [
              o(V, S, "1.8", 2023), o(J, "Länet", "1.9", 2023), o(J, "Riket", "1.7", 2023)]),
    563: ("Balans för olika grupper på bostadsmarknaden i kommunen (2 = överskott) (1 = balans) "
          "(0 = underskott)", "kod", [
              o(V, S, "1", 2025, None, "Nyanlända"), o(V, S, "0", 2025, None, "Ungdomar"),
              o(V, S, "2", 2024, None, "Studenter"),
              o(V, S, "0", 2025, None, "Utbud av särskilt boende för äldre"),
              o(V, S, "0", 2025, None,
                "Personer med funktionsnedsättning som behöver särskilt boende"),
              o(J, "Länet", "0", 2025, None, "Nyanlända"),
              o(J, "Länet", "0", 2025, None, "Ungdomar"),
              o(J, "Länet", "0", 2025, None, "Studenter"),
              o(J, "Länet", "1", 2025, None, "Utbud av särskilt boende för äldre"),
              o(J, "Länet", "0", 2025, None,
                "Personer med funktionsnedsättning som behöver särskilt boende")]),
    681: ("Invånare med bra självskattat hälsotillstånd, andel (%)", "%", [
        o(V, S, "68", 2024), o(V, S, "66", 2024, "F"), o(V, S, "69", 2024, "M"),
        o(J, "Länet", "74", 2024), o(J, "Länet", "70", 2024, "F"),
        o(J, "Länet", "73", 2024, "M"),
        o(J, "Riket", "71", 2024), o(J, "Riket", "69", 2024, "F"),
        o(J, "Riket", "73", 2024, "M")]),
    683: ("Kvinnor och män som lider av psykisk ohälsa, andel (%)", "%", [
        o(V, S, "26", 2021), o(V, S, "29", 2021, "F"), o(V, S, "23", 2021, "M"),
        o(J, "Länet", "24", 2021), o(J, "Länet", "28", 2021, "F"),
        o(J, "Länet", "21", 2021, "M")]),
    685: ("Grad av god psykisk hälsa, index 0-100, åk 9, flickor och pojkar", "index", [
        o(V, S, "47", 2024, "F", "Flickor"), o(V, S, "66", 2024, "M", "Pojkar"),
        o(J, "Stadsövergripande", "46", 2024, "F", "Flickor"),
        o(J, "Stadsövergripande", "63", 2024, "M", "Pojkar")]),
    716: ("Exponering för tobaksrök vid 8 månaders ålder, andel (%)", "%", [
        o(V, S, "10", 2024), o(J, "Länet", "4", 2024)]),
    720: ("Elever som röker/snuser åk 9, andel (%)", "%", [
        o(V, S, "12", 2024, "M", "Pojkar"), o(V, S, "18", 2024, "F", "Flickor"),
        o(J, "Stadsövergripande", "8", 2024, "M", "Pojkar"),
        o(J, "Stadsövergripande", "9", 2024, "F", "Flickor")]),
    816: ("Andel som upplever sig otrygga på kvällen i sitt bostadsområde, andel (%)", "%", [
        o(V, S, "30", 2025), o(J, "Polisregion Stockholm", "18", 2025)]),
    817: ("Andel som uppger att det går att lita på människor i området där de bor, andel (%)",
          "%", [o(V, S, "35", 2025), o(J, "Länet", "50", 2025)]),
    876: ("Individer 16-84 år utsatta för sexualbrott, andel (%)", "%", [
        o(V, S, "2.0", 2025), o(V, S, "2.5", 2025, "F"), o(V, S, "1.5", 2025, "M"),
        o(J, "Polisregion Stockholm Syd", "3.5", 2025),
        o(J, "Polisregion Stockholm Syd", "5.5", 2025, "F"),
        o(J, "Polisregion Stockholm Syd", "1.1", 2025, "M")]),
    879: ("Förhör med barn, där barn är målsägande vid våld och övergrepp, antal", "antal", [
        o(V, S, "199", 2025), o(V, S, "104", 2025, "M", "Pojkar"),
        o(V, S, "95", 2025, "F", "Flickor")]),
    880: ("Anmälda misshandelsbrott mot kvinna, inomhus, bekant med offret, antal/100 000 inv",
          "antal/100 000 inv", [
              o(V, S, "285.7", 2024), o(J, "Länet", "203.0", 2024),
              o(J, "Riket", "208.3", 2024)]),
}


def by_line(report):
    return {i.line: i for i in report.indicators}


def test_seventy_three_rows_in_fifteen_tables(report):
    assert len(report.indicators) == 73
    assert sum(1 for g in report.goals if g.indicators) == 15
    assert {g.letter: len(g.indicators) for g in report.goals} == PER_GOAL
    # the rows the reader found are exactly the raw table rows, each under its own mål
    assert {i.line: i.goal for i in report.indicators} == {n: g for n, (g, _) in ROWS.items()}


def test_no_unparsed_cells(report):
    assert report.unparsed == []


def test_expected_observations(report):
    assert len(EXPECTED) >= 20
    rows = by_line(report)
    for line, (name, unit, observations) in EXPECTED.items():
        indicator = rows[line]
        assert (indicator.name, indicator.unit) == (name, unit), line
        assert observed(indicator) == observations, line


def test_every_unit_kind_is_covered():
    units = {unit for _, unit, _ in EXPECTED.values()}
    assert units == {"%", "antal", "antal/1000 inv", "antal/100 000 inv", "dagar", "index",
                     "procentenheter", "kod"}


def test_decimal_values_keep_their_written_precision(report):
    rows = by_line(report)
    assert [str(x.value) for x in rows[880].observations] == ["285.7", "203.0", "208.3"]
    assert str(rows[127].observations[2].value) == "6.0"  # "Riket: 6,0 %"
    assert str(rows[876].observations[0].value) == "2.0"  # "2,0 % (K 2,5 %, M 1,5 %)"
    assert all(isinstance(x.value, Decimal) for i in report.indicators for x in i.observations)


def test_name_repaired_from_broken_word(report):
    raw_name = ROWS[816][1][0]
    assert raw_name.startswith("Andel som upp- lever sig otrygga")
    assert by_line(report)[816].name.startswith("Andel som upplever sig otrygga")
    # a real hyphen before "och" in a name stays
    assert "idrotts- och motionsanläggningar" in by_line(report)[188].name


def test_empty_comparison_cells_give_no_comparison(report):
    empty = [n for n, (_, cells) in ROWS.items() if not cells[4].strip()]
    assert len(empty) == 13
    rows = by_line(report)
    for line in empty:
        assert rows[line].comparison_cell == ""
        assert {x.column for x in rows[line].observations} == {"Värde"}


def cell_numbers(cell: str, breakdowns: set[str]) -> Counter[Decimal]:
    """Numbers of a raw cell that are values: not '(2022)' years, not inside a label."""
    for label in sorted(breakdowns, key=len, reverse=True):
        cell = cell.replace(label, " ")
    cell = YEAR_GROUP.sub(" ", cell)
    return Counter(Decimal(n.replace(",", ".")) for n in NUMBER.findall(cell))


def test_every_number_of_every_row_is_placed(report):
    rows = by_line(report)
    unparsed = {(u.line, u.column) for u in report.unparsed}
    for line, (_, cells) in ROWS.items():
        assert len(cells) == 6, line
        indicator = rows[line]
        _, value, year, _, comparison, _ = cells
        for column, cell in (("Värde", value), ("Jämförelse", comparison)):
            obs = [x for x in indicator.observations if x.column == column]
            labels = {x.breakdown for x in obs if x.breakdown}
            known = {x.value for x in obs} | {Decimal(x.year) for x in obs if x.year}
            known |= {Decimal(n) for label in labels for n in NUMBER.findall(label)}
            for number in NUMBER.findall(cell):
                assert (Decimal(number.replace(",", ".")) in known
                        or (line, column) in unparsed), (line, column, number)
            # and nothing more: the values are exactly the cell's value numbers
            assert Counter(x.value for x in obs) == cell_numbers(cell, labels), (line, column)
            assert all(x.raw and x.raw in cell for x in obs), (line, column)
        years = {x.year for x in indicator.observations}
        if year.strip() == "-":
            assert len(years) > 1 or YEAR_GROUP.search(value), line
        else:
            assert years == {int(year)}, line


# --- the cell parser on generated cells -------------------------------------------------------

LABELS = st.from_regex(r"[A-ZÅÄÖ][a-zåäö]{1,10}( [a-zåäö]{1,8})?", fullmatch=True)
SEX_WORDS = {"flickor", "pojkar", "kvinnor", "män"}


@st.composite
def numbers(draw) -> tuple[str, Decimal]:
    """A Swedish-written number and its value: '12,5' -> Decimal('12.5')."""
    whole = draw(st.integers(min_value=0, max_value=99_999))
    decimals = draw(st.sampled_from(["", "0", "5", "25", "07"]))
    text = f"{whole},{decimals}" if decimals else str(whole)
    return text, Decimal(text.replace(",", "."))


@given(st.lists(st.tuples(LABELS, numbers()), min_size=1, max_size=6, unique_by=lambda t: t[0]),
       st.sampled_from(["", " %"]))
def test_labelled_values_round_trip(items, unit):
    assume(all(label.lower() not in SEX_WORDS for label, _ in items))
    cell = " ".join(f"{label}: {text}{unit}" for label, (text, _) in items)
    figures = parse_cell(cell, comparison=False)
    assert [(f.breakdown, f.value, f.area, f.sex) for f in figures] == [
        (label, value, None, None) for label, (_, value) in items]


@given(st.lists(st.tuples(st.sampled_from(["Riket", "Huddinge", "Botkyrka", "Haninge",
                                           "Polisregion Stockholm Syd"]), numbers()),
                min_size=1, max_size=5, unique_by=lambda t: t[0]),
       st.sampled_from(["", " %"]))
def test_comparison_areas_round_trip(items, unit):
    cell = " ".join(f"{area}: {text}{unit}" for area, (text, _) in items)
    figures = parse_cell(cell, comparison=True)
    assert [(f.area, f.value, f.breakdown) for f in figures] == [
        (area, value, None) for area, (_, value) in items]


@given(numbers(), numbers(), numbers(), st.sampled_from(["", " %"]),
       st.one_of(st.none(), st.integers(min_value=1990, max_value=2039)))
def test_sex_split_round_trips(total, female, male, unit, year):
    cell = f"{total[0]}{unit} (K {female[0]}{unit}, M {male[0]}{unit})"
    if year is not None:
        cell += f" ({year})"
    figures = parse_cell(cell, comparison=False)
    assert [(f.value, f.sex, f.year) for f in figures] == [
        (total[1], None, year), (female[1], "F", year), (male[1], "M", year)]
