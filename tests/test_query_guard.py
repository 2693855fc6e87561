"""The guard in front of the endpoint: refusals, and no outbound request ever leaves."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph.query_guard import check_query
from graph.safe_query import QueryRefused, run_query
from graph.store import open_store
from tests.sparql_support import EX, G_ROWS, PREFIX, Canary, service_probe

ROOT = Path(__file__).resolve().parents[1]


SERVICE_QUERIES = {
    "plain": "SELECT * WHERE { SERVICE <{url}> { ?s ?p ?o } }",
    "silent": "SELECT * WHERE { SERVICE SILENT <{url}> { ?s ?p ?o } }",
    "lowercase": "select * where { service silent <{url}> { ?s ?p ?o } }",
    "optional": "SELECT * WHERE { ?s ex:n ?n OPTIONAL { SERVICE SILENT <{url}> { ?s ?p ?o } } }",
    "union": "SELECT * WHERE { { ?s ex:n ?n } UNION { SERVICE SILENT <{url}> { ?s ?p ?o } } }",
    "subquery": "SELECT * WHERE { { SELECT ?s WHERE { SERVICE SILENT <{url}> { ?s ?p ?o } } } }",
    "filter_exists": "SELECT * WHERE { ?s ex:n ?n FILTER EXISTS { SERVICE SILENT <{url}> {} } }",
    "not_exists": "ASK { ?s ex:n ?n FILTER NOT EXISTS { SERVICE <{url}> { ?s ?p ?o } } }",
    "minus": "SELECT * WHERE { ?s ex:n ?n MINUS { SERVICE SILENT <{url}> { ?s ?p ?o } } }",
    "graph": "SELECT * WHERE { GRAPH ?g { SERVICE SILENT <{url}> { ?s ?p ?o } } }",
    "bind_exists": "SELECT * WHERE { BIND(EXISTS { SERVICE SILENT <{url}> {} } AS ?x) }",
    "construct": "CONSTRUCT { ?s ?p ?o } WHERE { SERVICE SILENT <{url}> { ?s ?p ?o } }",
    "describe": "DESCRIBE ?s WHERE { SERVICE SILENT <{url}> { ?s ?p ?o } }",
    "variable": "SELECT * WHERE { VALUES ?e { <{url}> } SERVICE SILENT ?e { ?s ?p ?o } }",
}


@pytest.mark.parametrize("name", sorted(SERVICE_QUERIES))
def test_service_is_refused_and_nothing_is_sent(sparql_store: Path, canary: Canary,
                                                name: str) -> None:
    query = PREFIX + SERVICE_QUERIES[name].replace("{url}", canary.url)
    with pytest.raises(QueryRefused, match="SERVICE"):
        run_query(sparql_store, query)
    time.sleep(0.05)
    assert canary.requests == []


def test_an_escaped_quote_cannot_hide_service(sparql_store: Path, canary: Canary) -> None:
    # rdflib expands \u005C before parsing (it sees one string); Oxigraph sees SERVICE.
    query = ('SELECT * WHERE { BIND("a\\u005C" AS ?x) SERVICE <' + canary.url +
             '> { ?s ?p ?o } BIND(" AS ?y) } #" AS ?y) }')
    with pytest.raises(QueryRefused, match="escape"):
        run_query(sparql_store, query)
    assert canary.requests == []


@pytest.mark.slow  # a fresh interpreter
def test_query_processes_have_no_network(canary: Canary) -> None:
    """Behind the guard: even Oxigraph executing SERVICE after isolate() reaches nothing."""
    done = subprocess.run([sys.executable, "-c", service_probe(canary.url)],
                          capture_output=True, text=True, timeout=60, cwd=ROOT)
    isolation, verdict = done.stdout.split()
    assert isolation != "none", done.stderr
    assert verdict == "blocked"
    assert canary.requests == []


@pytest.mark.parametrize("query", [
    "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
    "SELECT * FROM NAMED <http://127.0.0.1:9/g> WHERE { GRAPH ?g { ?s ?p ?o } }",
    "BASE <file:///etc/> SELECT * FROM <passwd> WHERE { ?s ?p ?o }",
])
def test_from_outside_the_store_is_refused(sparql_store: Path, query: str) -> None:
    with pytest.raises(QueryRefused, match="not in this store"):
        run_query(sparql_store, query)


def test_from_a_graph_in_the_store_restricts_the_dataset(sparql_store: Path) -> None:
    result = run_query(sparql_store, f"SELECT * FROM <{G_ROWS}> WHERE {{ ?s ?p ?o }}")
    assert result.rows == 20
    named = run_query(sparql_store, f"SELECT ?g (COUNT(*) AS ?n) FROM NAMED <{G_ROWS}> "
                                    "WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    bindings = json.loads(named.body)["results"]["bindings"]
    assert [(b["g"]["value"], b["n"]["value"]) for b in bindings] == [(G_ROWS, "20")]


def test_protocol_graph_parameters(sparql_store: Path) -> None:
    result = run_query(sparql_store, "SELECT * WHERE { ?s ?p ?o }", default_graphs=[G_ROWS])
    assert result.rows == 20
    with pytest.raises(QueryRefused, match="default-graph-uri"):
        run_query(sparql_store, "ASK {}", default_graphs=["file:///etc/passwd"])
    with pytest.raises(QueryRefused, match="named-graph-uri"):
        run_query(sparql_store, "ASK {}", named_graphs=[EX + "missing"])


@pytest.mark.parametrize("update", [
    "INSERT DATA { <http://a> <http://b> <http://c> }",
    "PREFIX ex: <http://example.org/> DELETE WHERE { ?s ex:n ?o }",
    "LOAD <file:///etc/passwd>",
    "LOAD <http://127.0.0.1:9/data.ttl> INTO GRAPH <http://g>",
    "CLEAR ALL",
    "DROP GRAPH <http://example.org/graph/rows>",
    "INSERT DATA { broken",
])
def test_updates_are_refused(sparql_store: Path, update: str) -> None:
    with pytest.raises(QueryRefused, match="read-only"):
        run_query(sparql_store, update)
    assert open_store(sparql_store).contains_named_graph(ox.NamedNode(G_ROWS))


def test_syntax_error_has_line_and_column(sparql_store: Path) -> None:
    with pytest.raises(QueryRefused) as caught:
        run_query(sparql_store, "SELECT ?s\nWHERE { ?s ?p }")
    assert caught.value.line is not None and caught.value.column is not None
    assert f"line {caught.value.line}, column {caught.value.column}" in caught.value.message


def test_unknown_prefix_is_named(sparql_store: Path) -> None:
    with pytest.raises(QueryRefused, match="Unknown prefix 'bk:'"):
        run_query(sparql_store, "SELECT * WHERE { ?s bk:year ?y }")
    result = run_query(sparql_store, "SELECT * WHERE { ?s ex:n 3 }", prefixes={"ex": EX})
    assert result.rows == 1


def test_oversized_and_empty_queries_are_refused(sparql_store: Path) -> None:
    with pytest.raises(QueryRefused, match="limit is 32768 bytes"):
        run_query(sparql_store, "ASK {}" + " " * 33_000)
    with pytest.raises(QueryRefused, match="empty"):
        run_query(sparql_store, "  \n")


def test_long_flat_queries_still_parse(sparql_store: Path) -> None:
    """rdflib's grammar recurses per triple pattern; 200 patterns must not be refused."""
    patterns = " ".join(f"<{EX}row/{i % 20}> ex:n ?v{i} ." for i in range(200))
    result = run_query(sparql_store, PREFIX + f"SELECT * WHERE {{ {patterns} }}")
    assert result.rows == 1


def test_declared_namespaces_keep_their_hash() -> None:
    checked = check_query("PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
                          "PREFIX rel: <#>\nSELECT * WHERE { ?s skos:prefLabel ?o }", (),
                          base_iri="http://localhost:5000/sparql")
    assert checked.prefixes["skos"] == "http://www.w3.org/2004/02/skos/core#"
    assert checked.prefixes["rel"] == "http://localhost:5000/sparql#"
