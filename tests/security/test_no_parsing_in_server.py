"""#8.2: user text is never parsed in the server process; a hostile query stalls nothing.

A 32 KB `ASK{FILTER(1 IN (1,1,…))}` took rdflib 48 s to parse in the server (under a
process-wide lock) whenever the Accept header named a single result kind.
"""

from __future__ import annotations

import threading
import time

import pytest
from flask import Flask
from rdflib.plugins.sparql import parser as sparql_parser

import graph.query_guard
from graph.safe_query import PoolConfig, shared_pool
from tests.security.support import small_data, warm
from web.app import create_app
from web.pipeline.ingest import store_dir

HOSTILE = "ASK{FILTER(1 IN (" + ",".join(["1"] * 16_000) + "))}"
GENEROUS = 5.0  # seconds; the real figure is in benchmarks/bench_sparql_pool.py


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """The app over the small store, with room for the hostile query and a cheap one."""
    data = small_data(tmp_path_factory.mktemp("noparse"))
    app = create_app({"data": data, "testing": True, "sparql_timeout": 4,
                      "sparql_workers": 2, "sparql_per_client": 8})
    warm(shared_pool(PoolConfig.from_settings(app.config["BOKSLUT"])), store_dir(data))
    return app


def test_the_hostile_query_fits_the_size_limit() -> None:
    assert 30_000 < len(HOSTILE.encode()) <= 32 * 1024


@pytest.mark.parametrize("how", [
    {"format": "json"},
    {"headers": {"Accept": "application/sparql-results+json"}},
    {"headers": {"Accept": "text/turtle"}},
    {"headers": {"Accept": "text/html"}},
])
def test_no_query_text_is_parsed_in_the_server(app: Flask, monkeypatch: pytest.MonkeyPatch,
                                               how: dict) -> None:
    """Every parser entry point of this process fails the test if called."""
    calls: list[str] = []

    def forbidden(text: str, *args: object, **kwargs: object) -> None:
        calls.append(text)
        raise AssertionError("parsed in the server process")

    monkeypatch.setattr(sparql_parser, "parseQuery", forbidden)
    monkeypatch.setattr(graph.query_guard, "check_query", forbidden)
    args = {"query": "PREFIX ex: <http://example.org/> CONSTRUCT WHERE { ?s ex:n ?n }"}
    if "format" in how:
        args["format"] = how["format"]
    response = app.test_client().get("/sparql", query_string=args,
                                     headers=how.get("headers", {}))
    assert response.status_code in (200, 406)
    assert calls == []


def test_cheap_requests_answer_while_a_hostile_query_runs(app: Flask) -> None:
    client = app.test_client()
    hostile: dict[str, object] = {}

    def send_hostile() -> None:
        started = time.monotonic()
        response = client.post("/sparql", data={"query": HOSTILE, "format": "json"})
        hostile.update(status=response.status_code, seconds=time.monotonic() - started)

    thread = threading.Thread(target=send_hostile)
    thread.start()
    time.sleep(0.5)  # the hostile query is on a worker now
    for path, args in (("/sparql", {"query": "ASK {}", "format": "json"}), ("/", {})):
        started = time.monotonic()
        response = client.get(path, query_string=args)
        assert response.status_code == 200
        assert time.monotonic() - started < GENEROUS, path
    assert thread.is_alive()  # the cheap answers came while it was still being handled
    thread.join()
    assert hostile["status"] in (400, 503)  # refused or stopped at the deadline, never a hang
