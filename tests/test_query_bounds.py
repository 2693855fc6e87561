"""The row cap on Oxigraph's own serializer: a LIMIT bounds the work, a count enforces the cap.

Every query here is also answered the plain way (every row through Python, cut at the cap),
and both answers must agree row for row, with the same count and truncation flag.
"""

from __future__ import annotations

import csv
import io
import json

import pyoxigraph as ox
import pytest

import graph.query_executor as executor
from graph.query_executor import Job, bounded_text, evaluate
from graph.query_guard import check_query
from graph.query_results import count_json_rows, serialize_bounded, serialize_solutions
from graph.store import current_generation
from tests.sparql_support import PREFIX, build_store

ROWS = PREFIX + "SELECT ?s ?n WHERE { ?s ex:n ?n } ORDER BY ?n"
QUERIES = {
    "ordered": ROWS,
    "offset without limit": ROWS + " OFFSET 3",
    "own limit over the cap": ROWS + " LIMIT 7",
    "own limit under the cap": ROWS + " LIMIT 3",
    "own limit at the cap": ROWS + " LIMIT 5",
    "limit then offset": ROWS + " LIMIT 9 OFFSET 2",
    "trailing values": PREFIX + "SELECT ?s ?n WHERE { ?s ex:n ?n } VALUES ?n { 1 2 3 4 5 6 7 }",
    "limited subquery": PREFIX + "SELECT * WHERE { { SELECT ?s ?n WHERE { ?s ex:n ?n } "
                                 "ORDER BY ?n LIMIT 10 } } ORDER BY DESC(?n)",
    "closing comment": ROWS + " # LIMIT 1 } stays a comment",
    "grouped": PREFIX + "SELECT ?p (COUNT(*) AS ?c) WHERE { ?s ?p ?o } GROUP BY ?p "
                        "HAVING (COUNT(*) > 1) ORDER BY ?p",
    "language literals": PREFIX + "SELECT ?s ?o WHERE { ?s ?p ?o FILTER(lang(?o) = 'sv') } "
                                  "ORDER BY ?o",
    "no rows": PREFIX + "SELECT ?s WHERE { ?s ex:none ?o }",
}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> ox.Store:
    """The shared 20-row fixture store, opened read-only as a worker opens it."""
    root = build_store(tmp_path_factory.mktemp("bounds") / "store")
    return ox.Store.read_only(str(current_generation(root)))


def plain(store: ox.Store, query: str, fmt: str, cap: int) -> tuple[bytes, int, bool]:
    """The answer the plain way: every row through Python, cut at the cap."""
    return serialize_solutions(store.query(check_query(query, ()).text), fmt, cap)


def bindings(body: bytes) -> list[dict]:
    """The rows of a SPARQL JSON body."""
    return json.loads(body)["results"]["bindings"]


@pytest.mark.parametrize("name", QUERIES)
@pytest.mark.parametrize("cap", [1, 5, 19, 20, 21])
def test_bounded_answers_match_the_plain_way(store: ox.Store, name: str, cap: int) -> None:
    header, body = evaluate(store, (), Job(query=QUERIES[name], row_cap=cap))
    expected, rows, truncated = plain(store, QUERIES[name], "json", cap)
    assert (header["rows"], header["truncated"]) == (rows, truncated)
    assert bindings(body) == bindings(expected)
    assert len(bindings(body)) == rows <= cap


def test_the_cap_cuts_and_says_so(store: ox.Store) -> None:
    header, body = evaluate(store, (), Job(query=ROWS, row_cap=5))
    assert (header["rows"], header["truncated"]) == (5, True)
    assert [b["n"]["value"] for b in bindings(body)] == ["0", "1", "2", "3", "4"]
    header, _ = evaluate(store, (), Job(query=ROWS + " LIMIT 5", row_cap=5))
    assert (header["rows"], header["truncated"]) == (5, False)  # the query asked for five


@pytest.mark.parametrize("fmt", ["csv", "tsv", "xml"])
def test_other_formats_keep_the_cap(store: ox.Store, fmt: str) -> None:
    header, body = evaluate(store, (), Job(query=ROWS, row_cap=4, select_format=fmt))
    assert (header["rows"], header["truncated"]) == (4, True)
    assert body == plain(store, ROWS, fmt, 4)[0]
    if fmt == "csv":
        assert len(list(csv.reader(io.StringIO(body.decode())))) == 5  # a header and 4 rows


def test_the_count_holds_the_cap_even_without_a_bound(store: ox.Store) -> None:
    unbounded = store.query(check_query(ROWS, ()).text)  # 20 rows, no LIMIT in the text
    body, rows, truncated = serialize_bounded(unbounded, "json", 6)
    assert (rows, truncated, len(bindings(body))) == (6, True, 6)


def test_only_an_open_select_gets_a_limit() -> None:
    def bound(query: str, cap: int = 5) -> str | None:
        return bounded_text(check_query(query, ()), cap)

    assert bound(ROWS) == check_query(ROWS, ()).text + "\nLIMIT 6"
    assert bound(ROWS + " OFFSET 3").endswith("OFFSET 3\nLIMIT 6")
    assert bound(ROWS + " LIMIT 5") == check_query(ROWS + " LIMIT 5", ()).text
    assert bound(ROWS + " LIMIT 6") is None  # the plain way cuts it
    assert bound(QUERIES["trailing values"]) is None
    assert bound("ASK { ?s ?p ?o }") is None
    assert bound("CONSTRUCT WHERE { ?s ?p ?o }") is None
    assert bound(PREFIX + "DESCRIBE ex:row") is None


def test_the_guard_reads_only_the_outermost_limit() -> None:
    checked = check_query(QUERIES["limited subquery"], ())
    assert (checked.limit, checked.open_end) == (None, True)
    checked = check_query(ROWS + " LIMIT 9 OFFSET 2", ())
    assert (checked.limit, checked.open_end) == (9, False)


def test_a_bound_the_engine_refuses_falls_back(store: ox.Store,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(executor, "bounded_text", lambda checked, cap: checked.text + " }")
    header, body = evaluate(store, (), Job(query=ROWS, row_cap=5))
    assert (header["rows"], header["truncated"]) == (5, True)
    assert bindings(body) == bindings(plain(store, ROWS, "json", 5)[0])


# literals that look like JSON structure, escapes, unbound rows and a triple term
AWKWARD_VALUES = ['a},{"b":{"type":"x"}}', "back\\", '\\"', 'q"', "},{", "{}", "nl\nx},{",
                  "ü ☃", '\\\\"},{', "[]}}"]
AWKWARD_QUERIES = [
    "SELECT * WHERE { ?s ?p ?o }",
    "SELECT ?x WHERE { ?s ?p ?o OPTIONAL { ?s <http://example.org/none> ?x } }",
    "SELECT * WHERE { ?s <http://example.org/none> ?o }",
    "SELECT * WHERE {}",
    "SELECT ?o WHERE { ?s ?p ?o FILTER(isTriple(?o)) }",
    "SELECT ?s (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?s",
]


@pytest.mark.parametrize("query", AWKWARD_QUERIES)
def test_json_rows_are_counted_without_decoding(query):
    store = ox.Store()
    predicate = ox.NamedNode("http://example.org/p")
    for i, value in enumerate(AWKWARD_VALUES):
        store.add(ox.Quad(ox.NamedNode(f"http://example.org/{i}"), predicate, ox.Literal(value)))
    store.add(ox.Quad(ox.NamedNode("http://example.org/t"), predicate, ox.Triple(
        ox.NamedNode("http://example.org/a"), predicate, ox.Literal('c},{"'))))
    body = store.query(query).serialize(format=ox.QueryResultsFormat.JSON)
    assert count_json_rows(body) == len(bindings(body))
