"""The on-disk store: atomic generation swaps, idempotent re-adds, drops, exports, live readers."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph, Literal, URIRef

from graph.export import export
from graph.generations import remove_leftovers
from graph.store import (
    LiveStore,
    StoreError,
    current_generation,
    generations,
    graph_sizes,
    list_graphs,
    open_dataset,
    open_store,
)
from graph.store_writer import drop_graph, rebuild, replace_graph

EX = "http://example.org/"
G_REPORT, G_VOCAB = EX + "graph/report", EX + "graph/vocab"


def triples(n: int, tag: str = "item") -> Graph:
    """A small rdflib graph of n items with a value and a Swedish label."""
    g = Graph()
    for i in range(n):
        s = URIRef(f"{EX}{tag}/{i}")
        g.add((s, URIRef(EX + "value"), Literal(i)))
        g.add((s, URIRef(EX + "label"), Literal(f"sak {i}", lang="sv")))
    return g


@pytest.fixture
def store_dir(tmp_path: Path) -> Path:
    """A store with two named graphs (20 and 6 triples)."""
    root = tmp_path / "store"
    with rebuild(root) as builder:
        builder.replace_graph(G_REPORT, triples(10))
        builder.replace_graph(G_VOCAB, triples(3, "term"))
    return root


def count(root: Path, graph: str | None = None) -> int:
    """Quads in the live store's named graphs (or in one graph); the default graph is their
    derived union and is not counted."""
    name = ox.NamedNode(graph) if graph else None
    return sum(1 for q in open_store(root).quads_for_pattern(None, None, None, name)
               if not isinstance(q.graph_name, ox.DefaultGraph))


def test_new_store_lists_its_graphs(store_dir: Path) -> None:
    assert list_graphs(store_dir) == [G_REPORT, G_VOCAB]
    # the default graph ('') is the materialised union of the named graphs
    assert graph_sizes(open_store(store_dir)) == {G_REPORT: 20, G_VOCAB: 6, "": 26}
    assert current_generation(store_dir).name == "gen-000001"


def test_missing_store_is_a_clear_error(tmp_path: Path) -> None:
    assert list_graphs(tmp_path / "nothing") == []
    with pytest.raises(StoreError, match="No store"):
        open_store(tmp_path / "nothing")


def test_re_adding_the_same_graph_is_idempotent(store_dir: Path) -> None:
    before = count(store_dir)
    assert replace_graph(store_dir, G_REPORT, triples(10)) == 20
    assert replace_graph(store_dir, G_REPORT, triples(10)) == 20
    assert count(store_dir) == before
    assert count(store_dir, G_REPORT) == 20


def test_replace_removes_the_old_triples(store_dir: Path) -> None:
    assert replace_graph(store_dir, G_REPORT, triples(2, "other")) == 4
    subjects = {q.subject.value for q in open_store(store_dir).quads_for_pattern(
        None, None, None, ox.NamedNode(G_REPORT))}
    assert subjects == {EX + "other/0", EX + "other/1"}
    assert count(store_dir, G_VOCAB) == 6


def failing_triples(after: int) -> Iterator[tuple]:
    """Triples that break part-way, like a parser failing mid-report."""
    for i, triple in enumerate(triples(50)):
        if i == after:
            raise ValueError("broken record")
        yield triple


def test_failure_mid_build_leaves_the_previous_store_intact(store_dir: Path) -> None:
    live = current_generation(store_dir)
    before = sorted(q.__repr__() for q in open_store(store_dir))
    with pytest.raises(StoreError, match="previous store is unchanged") as caught:
        replace_graph(store_dir, G_REPORT, failing_triples(after=7))
    assert "broken record" in str(caught.value)
    assert current_generation(store_dir) == live
    assert sorted(q.__repr__() for q in open_store(store_dir)) == before
    assert [p.name for p in store_dir.iterdir() if p.name.endswith(".new")] == []
    assert generations(store_dir) == [live]


def test_failure_after_several_changes_publishes_none_of_them(store_dir: Path) -> None:
    with pytest.raises(StoreError), rebuild(store_dir) as builder:
        builder.drop_graph(G_VOCAB)
        builder.replace_graph(EX + "graph/new", triples(1))
        raise RuntimeError("validation failed")
    assert list_graphs(store_dir) == [G_REPORT, G_VOCAB]


def test_drop_graph(store_dir: Path) -> None:
    assert drop_graph(store_dir, G_VOCAB) is True
    assert list_graphs(store_dir) == [G_REPORT]
    assert drop_graph(store_dir, G_VOCAB) is False
    assert count(store_dir) == 20


def test_a_second_writer_is_refused(store_dir: Path) -> None:
    with rebuild(store_dir), pytest.raises(StoreError, match="Another process"), \
            rebuild(store_dir):
        pass


def test_a_leaked_builder_reference_blocks_publishing(store_dir: Path) -> None:
    live = current_generation(store_dir)
    leaked = []
    with pytest.raises(StoreError, match="still open"), rebuild(store_dir) as builder:
        leaked.append(builder.store)
    leaked.clear()
    assert current_generation(store_dir) == live


def test_load_file_replaces_a_graph(store_dir: Path, tmp_path: Path) -> None:
    ttl = tmp_path / "vocab.ttl"
    ttl.write_text(f'<{EX}a> <{EX}label> "Ett"@sv .\n', encoding="utf-8")
    with rebuild(store_dir) as builder:
        assert builder.load_file(G_VOCAB, ttl) == 1
    assert graph_sizes(open_store(store_dir))[G_VOCAB] == 1


def test_live_store_follows_swaps_and_old_generations_are_pruned(store_dir: Path) -> None:
    live = LiveStore(store_dir)
    first = live.store()
    assert len(first) == 2 * 26  # named graphs plus their materialised union
    replace_graph(store_dir, G_VOCAB, triples(1, "term"))
    assert len(live.store()) == 2 * 22
    assert len(first) == 2 * 26  # an in-flight reader keeps its generation
    replace_graph(store_dir, G_VOCAB, triples(2, "term"))
    names = [p.name for p in generations(store_dir)]
    assert names == ["gen-000002", "gen-000003"]  # current and previous only


def test_rdflib_dataset_over_the_store(store_dir: Path) -> None:
    dataset = open_dataset(store_dir)
    rows = list(dataset.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s <{EX}value> ?o }}"))
    assert int(rows[0][0]) == 13
    assert (URIRef(EX + "item/1"), URIRef(EX + "value"), Literal(1)) in dataset.get_context(
        URIRef(G_REPORT))


def quads_of(dataset: Dataset) -> set[tuple]:
    """(s, p, o, graph) of every quad in named graphs."""
    return {(s, p, o, str(g)) for s, p, o, g in dataset.quads() if g is not None}


@pytest.mark.parametrize("fmt,rdflib_format", [("trig", "trig"), ("nq", "nquads")])
def test_dataset_export_round_trips(store_dir: Path, fmt: str, rdflib_format: str) -> None:
    data = export(store_dir, fmt)
    parsed = Dataset()
    parsed.parse(data=data.decode("utf-8"), format=rdflib_format)
    assert len(quads_of(parsed)) == 26
    assert {g for *_, g in quads_of(parsed)} == {G_REPORT, G_VOCAB}


def test_export_of_chosen_graphs(store_dir: Path) -> None:
    parsed = Dataset()
    parsed.parse(data=export(store_dir, "trig", graphs=[G_VOCAB]).decode(), format="trig")
    assert {g for *_, g in quads_of(parsed)} == {G_VOCAB}
    with pytest.raises(StoreError, match="Not in the store"):
        export(store_dir, "ttl", graphs=[EX + "nope"])


@pytest.mark.parametrize("fmt,rdflib_format", [
    ("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld"), ("rdfxml", "xml")])
def test_union_export_holds_each_triple_once(store_dir: Path, fmt: str,
                                             rdflib_format: str) -> None:
    replace_graph(store_dir, EX + "graph/copy", triples(10))  # same triples as the report
    data = export(store_dir, fmt)
    if fmt == "jsonld":
        json.loads(data)
    parsed = Graph().parse(data=data.decode("utf-8"), format=rdflib_format)
    assert len(parsed) == 26
    assert (URIRef(EX + "item/3"), URIRef(EX + "label"), Literal("sak 3", lang="sv")) in parsed


def test_single_graph_export(store_dir: Path) -> None:
    parsed = Graph().parse(data=export(store_dir, "ttl", graphs=[G_VOCAB]).decode(),
                           format="turtle")
    assert len(parsed) == 6


def test_unknown_export_format(store_dir: Path) -> None:
    with pytest.raises(ValueError, match="choose one of"):
        export(store_dir, "yaml")


def test_sidecars_are_published_with_their_generation_and_carried_over(store_dir: Path) -> None:
    """Derived files (the search index) live in the generation and swap with it."""
    with rebuild(store_dir) as builder:
        side = builder.sidecar("index")
        side.mkdir()
        (side / "manifest.json").write_text('{"n": 1}', encoding="utf-8")
        assert builder.previous_sidecar("index") is None
    first = current_generation(store_dir)
    assert (first / "index" / "manifest.json").read_text(encoding="utf-8") == '{"n": 1}'
    with rebuild(store_dir) as builder:  # a change that leaves the index alone keeps it
        builder.drop_graph(G_VOCAB)
        assert builder.previous_sidecar("index") == first / "index"
    second = current_generation(store_dir)
    assert (second / "index" / "manifest.json").read_text(encoding="utf-8") == '{"n": 1}'
    with pytest.raises(StoreError), rebuild(store_dir) as builder:
        (builder.sidecar("index") / "manifest.json").unlink()
        (builder.sidecar("index") / "manifest.json").write_text('{"n": 2}', encoding="utf-8")
        raise RuntimeError("embedding failed")
    assert current_generation(store_dir) == second
    assert (second / "index" / "manifest.json").read_text(encoding="utf-8") == '{"n": 1}'


def test_leftovers_of_a_crashed_writer_are_removed_at_the_next_start(store_dir: Path) -> None:
    debris = store_dir / "gen-000009.new"
    debris.mkdir()
    (debris / "000001.sst").write_bytes(b"x" * 1024)
    (store_dir / ".current.tmp").symlink_to("gen-000009")
    with rebuild(store_dir):  # a writer at work: leftovers cannot be told from its build
        assert remove_leftovers(store_dir) is False
        assert [p.name for p in store_dir.glob("gen-*.new")] != []
    debris.mkdir()
    assert remove_leftovers(store_dir) is True
    assert [p.name for p in store_dir.glob("gen-*.new")] == []
    assert not (store_dir / ".current.tmp").is_symlink()
    assert list_graphs(store_dir) == [G_REPORT, G_VOCAB]


DISK_FULL_SCRIPT = """
import resource, sys
from rdflib import Graph, Literal, URIRef
from graph.store import StoreError
from graph.store_writer import rebuild
big = Graph()
for i in range(20000):
    big.add((URIRef(f"http://example.org/b{i}"), URIRef("http://example.org/p"),
             Literal("y" * 60 + str(i))))
resource.setrlimit(resource.RLIMIT_FSIZE, (100_000, 100_000))
try:
    with rebuild(sys.argv[1]) as builder:
        builder.replace_graph("http://example.org/big", big)
except StoreError as error:
    print(error)
    sys.exit(1)
"""


@pytest.mark.slow  # a fresh interpreter on a full disk
def test_a_full_disk_is_a_clear_error_and_leaves_no_debris(store_dir: Path) -> None:
    """RLIMIT_FSIZE in a child stands in for a full disk: every large write fails."""
    live = current_generation(store_dir)
    done = subprocess.run([sys.executable, "-c", DISK_FULL_SCRIPT, str(store_dir)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 1, done.stderr
    assert "disken är full" in done.stdout
    assert "Traceback" not in done.stderr
    assert current_generation(store_dir) == live
    assert sorted(p.name for p in store_dir.iterdir()) == [".lock", "current", live.name]
    assert list_graphs(store_dir) == [G_REPORT, G_VOCAB]
