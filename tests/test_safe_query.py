"""Running vetted queries: the union default graph, deadlines, memory and row caps, formats."""

from __future__ import annotations

import csv
import io
import json
import os
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from graph.safe_query import Limits, QueryTimeout, QueryTooExpensive, run_query
from graph.store import StoreError, open_store
from graph.trusted_query import trusted_ask, trusted_select
from tests.sparql_support import EX, PREFIX, build_store


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shared fixture store, built once for this module."""
    return build_store(tmp_path_factory.mktemp("sparql") / "store")


def zombie_children() -> list[int]:
    """Children of this process that exited but were never waited for (Linux /proc)."""
    zombies = []
    for children in Path(f"/proc/{os.getpid()}/task").glob("*/children"):
        for pid in children.read_text().split():
            stat = Path(f"/proc/{pid}/stat")
            if stat.exists() and stat.read_text().rsplit(")", 1)[1].split()[0] == "Z":
                zombies.append(int(pid))
    return zombies


def test_default_graph_is_the_union(store_dir: Path) -> None:
    result = run_query(store_dir, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert json.loads(result.body)["results"]["bindings"][0]["n"]["value"] == "10020"


def test_cartesian_query_is_killed_at_the_deadline(store_dir: Path) -> None:
    budget = 2.0  # how soon after it the error comes: benchmarks/bench_deadlines.py
    with pytest.raises(QueryTimeout, match="2 seconds") as caught:
        run_query(store_dir, "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
                  limits=Limits(timeout=budget))
    assert caught.value.timeout == budget
    assert zombie_children() == []  # the killed child was reaped


def test_memory_hungry_query_fails_cleanly(store_dir: Path) -> None:
    with pytest.raises(QueryTooExpensive, match="more than 200 MB"):
        run_query(store_dir, "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f",
                  limits=Limits(timeout=60, memory_mb=200))


def test_row_cap_cuts_and_reports(store_dir: Path) -> None:
    query = PREFIX + "SELECT ?s ?n WHERE { ?s ex:n ?n } ORDER BY ?n"
    capped = run_query(store_dir, query, limits=Limits(row_cap=5))
    assert (capped.rows, capped.truncated) == (5, True)
    assert len(json.loads(capped.body)["results"]["bindings"]) == 5
    assert "first 5" in capped.truncation_note
    exact = run_query(store_dir, query, limits=Limits(row_cap=20))
    assert (exact.rows, exact.truncated, exact.truncation_note) == (20, False, None)
    graph = run_query(store_dir, PREFIX + "CONSTRUCT WHERE { ?s ex:n ?n }",
                      limits=Limits(row_cap=5))
    assert (graph.rows, graph.truncated) == (5, True)
    assert len(Graph().parse(data=graph.body, format="turtle")) == 5


def test_result_size_cap(store_dir: Path) -> None:
    with pytest.raises(QueryTooExpensive, match="larger than"):
        run_query(store_dir, "SELECT * WHERE { ?s ?p ?o }",
                  limits=Limits(max_result_bytes=64 * 1024))


SELECT = PREFIX + "SELECT ?s ?n WHERE { ?s ex:n ?n } ORDER BY ?n"


def test_select_formats_parse_back(store_dir: Path) -> None:
    body = run_query(store_dir, SELECT, select_format="json").body
    assert len(json.loads(body)["results"]["bindings"]) == 20
    xml = ET.fromstring(run_query(store_dir, SELECT, select_format="xml").body)
    assert len(xml.findall(".//{http://www.w3.org/2005/sparql-results#}result")) == 20
    rows = list(csv.reader(io.StringIO(run_query(store_dir, SELECT, select_format="csv")
                                       .body.decode())))
    assert rows[0] == ["s", "n"] and rows[1] == [EX + "row/0", "0"] and len(rows) == 21
    tsv = run_query(store_dir, SELECT, select_format="tsv").body.decode().splitlines()
    assert tsv[0] == "?s\t?n" and tsv[1] == f"<{EX}row/0>\t0"
    table = run_query(store_dir, SELECT, select_format="table", prefixes={"ex": EX})
    assert table.media_type == "text/plain" and "ex:row/19" in table.body.decode()


@pytest.mark.parametrize("fmt,rdflib_format", [
    ("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld"), ("rdfxml", "xml")])
def test_graph_formats_parse_back(store_dir: Path, fmt: str, rdflib_format: str) -> None:
    result = run_query(store_dir, PREFIX + "CONSTRUCT WHERE { ?s ex:n ?n }", graph_format=fmt)
    assert result.query_type == "CONSTRUCT" and result.format == fmt
    parsed = Graph().parse(data=result.body.decode(), format=rdflib_format)
    assert len(parsed) == 20
    assert (URIRef(EX + "row/7"), URIRef(EX + "n"), Literal(7)) in parsed


def test_ask_and_describe(store_dir: Path) -> None:
    ask = run_query(store_dir, PREFIX + f"ASK {{ <{EX}row/3> ex:n 3 }}", graph_format="nt")
    assert json.loads(ask.body)["boolean"] is True and ask.query_type == "ASK"
    assert b"<boolean>false</boolean>" in run_query(
        store_dir, "ASK { <urn:x> ?p ?o }", select_format="xml").body
    describe = run_query(store_dir, f"DESCRIBE <{EX}row/3>", select_format="csv")
    assert describe.query_type == "DESCRIBE" and describe.media_type == "text/turtle"
    assert len(Graph().parse(data=describe.body, format="turtle")) == 1


def test_relative_iris_resolve_against_the_endpoint(store_dir: Path) -> None:
    result = run_query(store_dir, "SELECT (<x> AS ?u) WHERE {}",
                       base_iri="http://localhost:5000/sparql")
    value = json.loads(result.body)["results"]["bindings"][0]["u"]["value"]
    assert value == "http://localhost:5000/x"


def test_result_metadata(store_dir: Path) -> None:
    result = run_query(store_dir, SELECT)
    assert result.media_type == "application/sparql-results+json"
    assert result.query_type == "SELECT" and result.elapsed > 0
    assert isinstance(result.network_isolated, bool)


def test_trusted_queries_run_in_process(store_dir: Path) -> None:
    store = open_store(store_dir)
    rows = trusted_select(store, PREFIX + "SELECT ?s ?n WHERE { ?s ex:n ?n } ORDER BY ?n",
                          bindings={"n": Literal(4)})
    assert rows == [{"s": URIRef(EX + "row/4"), "n": Literal(4)}]
    assert trusted_ask(store, "ASK { ?s ex:n 19 }", prefixes={"ex": EX})


def test_a_missing_store_is_a_store_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="No store"):
        run_query(tmp_path / "none", "ASK {}")


def test_concurrent_queries_from_threads(store_dir: Path) -> None:
    """A threaded web server forks from many threads at once; each gets its own result."""
    store = open_store(store_dir)

    def one(i: int) -> int:
        trusted_select(store, "SELECT * WHERE { ?s ?p ?o } LIMIT 50")
        result = run_query(store_dir, PREFIX + f"SELECT ?s WHERE {{ ?s ex:n ?n FILTER(?n < {i}) }}")
        return result.rows

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(one, range(20))) == list(range(20))


def test_workers_follow_a_generation_swap(tmp_path: Path) -> None:
    """The pool's workers reopen the store when `current` moves to a new generation."""
    import pyoxigraph as ox

    from graph.query_pool import PoolConfig, WorkerPool
    from graph.store_writer import rebuild

    root = build_store(tmp_path / "store")
    pool = WorkerPool(PoolConfig(workers=1, queue=2))
    query = PREFIX + "SELECT (COUNT(*) AS ?n) WHERE { ?s ex:n ?n }"
    try:
        before = run_query(root, query, pool=pool)
        with rebuild(root) as builder:
            builder.replace_graph(EX + "graph/more", [(ox.NamedNode(EX + "extra"),
                                                       ox.NamedNode(EX + "n"), ox.Literal("x"))])
        after = run_query(root, query, pool=pool)
    finally:
        pool.close()
    count = [json.loads(r.body)["results"]["bindings"][0]["n"]["value"] for r in (before, after)]
    assert count == ["20", "21"]
