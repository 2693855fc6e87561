"""The graph on an external SPARQL server (a real Oxigraph server): the same answers as the
embedded store, the guard in front, our deadline, publishing through SPARQL Update."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic

from graph import (
    Limits,
    QueryRefused,
    QueryTimeout,
    StoreError,
    StoreLocation,
    drop_graph,
    open_reader,
    rebuild,
)
from tests.remote_server import oxigraph_server

pytestmark = pytest.mark.slow  # a real server process

EX = "http://example.org/"
G1, G2 = EX + "graph/one", EX + "graph/two"
SHARED = (URIRef(EX + "shared"), URIRef(EX + "label"), Literal("delad", lang="sv"))


def items(tag: str, n: int) -> Graph:
    """n items with a number each, plus one triple both graphs hold."""
    g = Graph()
    for i in range(n):
        g.add((URIRef(f"{EX}{tag}/{i}"), URIRef(EX + "value"), Literal(i)))
    g.add(SHARED)
    return g


def fill(location: StoreLocation) -> None:
    """Two named graphs sharing one triple."""
    with rebuild(location) as builder:
        builder.replace_graph(G1, items("a", 5))
        builder.replace_graph(G2, items("b", 3))


@pytest.fixture(scope="module")
def backends(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, StoreLocation]]:
    """The same data in the embedded store and on a real Oxigraph server."""
    root = tmp_path_factory.mktemp("remote")
    with oxigraph_server(root / "server") as url:
        embedded = StoreLocation(root / "embedded" / "store")
        remote = StoreLocation(root / "local" / "store", url)
        fill(embedded)
        fill(remote)
        yield {"embedded": embedded, "remote": remote}


QUERIES = [
    "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",  # the union: the shared triple once
    "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g",
    f"SELECT ?s WHERE {{ ?s <{EX}value> ?v FILTER(?v > 2) }} ORDER BY ?s",
    f"ASK {{ <{EX}shared> ?p ?o }}",
    f"SELECT (COUNT(*) AS ?n) FROM <{G2}> WHERE {{ ?s ?p ?o }}",
]


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("trusted", [True, False])
def test_both_backends_give_the_same_answers(backends, query: str, trusted: bool) -> None:
    embedded, remote = (open_reader(backends[k]) for k in ("embedded", "remote"))
    if query.startswith("ASK"):
        assert embedded.ask(query, trusted=trusted) == remote.ask(query, trusted=trusted) is True
    else:
        assert embedded.select(query, trusted=trusted) == remote.select(query, trusted=trusted)


def test_the_default_graph_is_the_set_union(backends) -> None:
    remote = open_reader(backends["remote"])
    rows = remote.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", trusted=True)
    assert int(rows[0]["n"]) == 5 + 3 + 1
    assert remote.graph_sizes() == open_reader(backends["embedded"]).graph_sizes()
    assert remote.list_graphs() == [G1, G2]


def test_bound_values_and_construct(backends) -> None:
    query = f"SELECT ?s ?v WHERE {{ ?s <{EX}value> ?v }}"
    bound = {"s": URIRef(EX + "a/4")}
    for name in ("embedded", "remote"):
        reader = open_reader(backends[name])
        assert reader.select(query, bound, trusted=True) == [bound | {"v": Literal(4)}], name
    built = [open_reader(backends[k]).construct(
        f"CONSTRUCT {{ ?s <{EX}v> ?v }} WHERE {{ ?s <{EX}value> ?v }}") for k in backends]
    assert len(built[0]) == 8 and isomorphic(built[0], built[1])


def test_exports_agree(backends) -> None:
    quads = []
    for name in ("embedded", "remote"):
        dataset = Dataset()
        dataset.parse(data=open_reader(backends[name]).export("nq").decode(), format="nquads")
        quads.append({(s, p, o, str(g)) for s, p, o, g in dataset.quads() if g is not None})
    assert len(quads[0]) == 5 + 3 + 2 and quads[0] == quads[1]
    unions = [Graph().parse(data=open_reader(backends[k]).export("ttl").decode(), format="turtle")
              for k in ("embedded", "remote")]
    assert len(unions[0]) == 9 and isomorphic(unions[0], unions[1])


def test_the_guard_stays_in_front_of_the_server(backends) -> None:
    remote = open_reader(backends["remote"])
    with pytest.raises(QueryRefused, match="SERVICE"):
        remote.select("SELECT * WHERE { # c\rSERVICE <http://127.0.0.1:9/x> { ?a ?b ?c }\n}")
    with pytest.raises(QueryRefused):
        remote.select("SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }")
    with pytest.raises(QueryRefused):
        remote.run("INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }")
    assert remote.list_graphs() == [G1, G2]


def test_our_deadline_stops_a_runaway_query_on_the_server(backends) -> None:
    remote = open_reader(backends["remote"], Limits(timeout=2.0))
    # the fixture holds about ten triples: a 14-way product (~1e14 rows) can never finish in 2 s
    patterns = " . ".join(f"?s{i} ?p{i} ?o{i}" for i in range(14))
    cartesian = f"SELECT (COUNT(*) AS ?n) WHERE {{ {patterns} }}"
    with pytest.raises(QueryTimeout):
        remote.run(cartesian)
    assert open_reader(backends["remote"]).ask("ASK { ?s ?p ?o }", trusted=True)


def test_publishing_a_drop_and_a_refused_build(backends) -> None:
    location = backends["remote"]
    assert drop_graph(location, G2) is True
    remote = open_reader(location)
    assert remote.list_graphs() == [G1]
    assert int(remote.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
                             trusted=True)[0]["n"]) == 6
    with pytest.raises(StoreError), rebuild(location) as builder:
        builder.drop_graph(G1)
        raise RuntimeError("validation failed")
    assert remote.list_graphs() == [G1]  # nothing reached the server
    fill(location)
    assert remote.list_graphs() == [G1, G2]


def test_an_unreachable_server_is_a_clear_store_error(tmp_path: Path) -> None:
    from tests.remote_server import free_port

    location = StoreLocation(tmp_path / "store", f"http://127.0.0.1:{free_port()}")
    with pytest.raises(StoreError, match=r"127\.0\.0\.1"):
        open_reader(location).list_graphs()
    with pytest.raises(StoreError, match="previous store is unchanged"):
        fill(location)
