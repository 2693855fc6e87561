"""The SPARQL endpoint over real HTTP (waitress in a subprocess), driven by SPARQLWrapper."""

from __future__ import annotations

import csv
import io
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from SPARQLWrapper import CSV, JSON, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from graph.examples import load_examples
from tests.web.conftest import serve

BK = Namespace("https://w3id.org/bokslut/def#")
GOAL_C = URIRef("https://w3id.org/bokslut/id/strategi/sodertalje-2025-2030/mal/C")
GOALS = """PREFIX bk: <https://w3id.org/bokslut/def#>
SELECT ?mal ?bokstav WHERE { ?mal a bk:Goal ; bk:letter ?bokstav } ORDER BY ?mal"""
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def client(base: str, query: str, fmt: str, method: str = "GET") -> SPARQLWrapper:
    """A SPARQLWrapper for the endpoint with one query."""
    sparql = SPARQLWrapper(base + "/sparql")
    sparql.setQuery(query)
    sparql.setReturnFormat(fmt)
    sparql.setMethod(method)
    sparql.setTimeout(30)
    return sparql


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_select_json(live_server, method):
    result = client(live_server, GOALS, JSON, method).queryAndConvert()
    rows = result["results"]["bindings"]
    assert len(rows) == 15
    assert {"type": "literal", "value": "C"} in [r["bokstav"] for r in rows]


def test_select_xml(live_server):
    document = client(live_server, GOALS, XML).queryAndConvert()
    uris = [node.firstChild.data for node in document.getElementsByTagName("uri")]
    assert str(GOAL_C) in uris and len(uris) == 15


def test_select_csv(live_server):
    body = client(live_server, GOALS, CSV).queryAndConvert()
    rows = list(csv.reader(io.StringIO(body.decode("utf-8"))))
    assert rows[0] == ["mal", "bokstav"] and [str(GOAL_C), "C"] in rows


def test_ask(live_server):
    sparql = client(live_server, f"ASK {{ <{GOAL_C}> a bk:Goal }}", JSON)
    assert sparql.queryAndConvert()["boolean"] is True


def test_construct_turtle(live_server):
    query = f"CONSTRUCT {{ <{GOAL_C}> ?p ?o }} WHERE {{ <{GOAL_C}> ?p ?o }}"
    body = client(live_server, query, TURTLE).queryAndConvert()
    graph = Graph().parse(data=body, format="turtle")
    assert (GOAL_C, BK.letter, Literal("C")) in graph and len(graph) == 10


def test_syntax_error_is_query_bad_formed(live_server):
    with pytest.raises(QueryBadFormed) as raised:
        client(live_server, "SELECT ?x WHERE {\n  ?x a bk:Goal }\nLIMT 5", JSON).query()
    assert "line 3" in str(raised.value)


def test_every_example_query_answers(live_server):
    for example in load_examples():
        sparql = client(live_server, example.text, TURTLE if example.form in (
            "CONSTRUCT", "DESCRIBE") else JSON)
        response = sparql.query()
        assert response.response.status == 200, example.name
        assert response.convert(), example.name


class Canary:
    """A loopback HTTP server that records every request it gets."""

    def __init__(self) -> None:
        self.paths: list[str] = []
        paths = self.paths

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                paths.append(self.path)
                self.send_response(200)
                self.end_headers()

            do_POST = do_GET

            def log_message(self, *args: object) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)


@pytest.fixture()
def canary() -> Iterator[Canary]:
    """A running canary server."""
    server = Canary()
    server.thread.start()
    yield server
    server.server.shutdown()
    server.server.server_close()


def test_service_is_refused_and_nothing_is_fetched(live_server, canary):
    with urllib.request.urlopen(f"http://127.0.0.1:{canary.port}/probe", timeout=5):
        pass
    assert canary.paths == ["/probe"]  # the canary itself works
    for silent in ("", "SILENT "):
        target = f"<http://127.0.0.1:{canary.port}/x>"
        query = f"SELECT * WHERE {{ SERVICE {silent}{target} {{ ?s ?p ?o }} }}"
        with pytest.raises(QueryBadFormed) as raised:
            client(live_server, query, JSON).query()
        assert "SERVICE" in str(raised.value)
    time.sleep(0.5)
    assert canary.paths == ["/probe"]


@pytest.fixture(scope="module")
def slow_limit_server(built_data: Path) -> Iterator[str]:
    """A server whose SPARQL time budget is 2 seconds."""
    with serve(built_data, sparql_timeout=2) as base:
        yield base


def test_timeout_is_a_503_and_the_server_stays_fine(slow_limit_server):
    url = slow_limit_server + "/sparql?" + urllib.parse.urlencode({"query": CARTESIAN})
    request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    with pytest.raises(urllib.error.HTTPError) as raised:  # how soon: bench_deadlines.py
        urllib.request.urlopen(request, timeout=30)
    assert raised.value.code == 503
    assert raised.value.headers["Retry-After"] == "2"
    assert "2 seconds" in raised.value.read().decode("utf-8")
    sparql = client(slow_limit_server, GOALS, JSON)  # the server is still fine afterwards
    assert len(sparql.queryAndConvert()["results"]["bindings"]) == 15
