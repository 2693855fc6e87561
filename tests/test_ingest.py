"""Ingest: idempotent, atomic, several reports side by side, removal (real store, fake embedder)."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from corpus import ReportError
from graph.export import export
from graph.store import current_generation, list_graphs, open_store
from graph.trusted_query import trusted_select
from search.embedder import FakeEmbedder
from search.index_store import SearchIndex
from tests.conftest import REPORT_PATH
from tests.second_report import write_second_report
from web.pipeline.ingest import index_dir, ingest, remove_report, store_dir

BASE = "https://w3id.org/bokslut/id/"
GRAPH_2025 = BASE + "graf/rapport/sodertalje-2025"
GRAPH_2026 = BASE + "graf/rapport/sodertalje-2026"


def quiet(_: str) -> None:
    """Swallow progress lines."""


def report_graph(data: Path, graph: str) -> Graph:
    """One named graph of the store as an rdflib graph."""
    return Graph().parse(data=export(store_dir(data), "nt", [graph]), format="nt")


@pytest.fixture()
def data(fake_data_copy: Path) -> Path:
    """A data directory with the 2025 report ingested (a private copy of one ingest a run)."""
    return fake_data_copy


@pytest.mark.slow  # two full ingests
def test_reingest_gives_an_isomorphic_graph_and_no_duplicates(data: Path) -> None:
    """Same report twice: same IRIs, same triples."""
    first = report_graph(data, GRAPH_2025)
    ingest([REPORT_PATH], data, BASE, FakeEmbedder(), progress=quiet)
    second = report_graph(data, GRAPH_2025)
    assert len(first) == len(second) > 6000
    assert isomorphic(first, second)


def test_project_graphs_are_present(data: Path) -> None:
    """Ontology, reference and curated graphs beside the report graph."""
    graphs = set(list_graphs(store_dir(data)))
    assert {BASE + g for g in ("graf/ontologi", "graf/referens", "graf/kurerat")} <= graphs
    assert GRAPH_2025 in graphs


def test_a_bad_report_changes_nothing(data: Path, tmp_path_factory) -> None:
    """A failing ingest leaves the store generation and the index as they were."""
    before = current_generation(store_dir(data))
    index_before = (index_dir(data) / "manifest.json").read_text()
    bad = tmp_path_factory.mktemp("bad") / "trasig.txt"
    bad.write_text("Detta är inget bokslut.\n", encoding="utf-8")
    with pytest.raises(ReportError):
        ingest([REPORT_PATH, bad], data, BASE, FakeEmbedder(), progress=quiet)
    assert current_generation(store_dir(data)) == before
    assert (index_dir(data) / "manifest.json").read_text() == index_before


@pytest.mark.slow  # two full ingests
def test_second_report_coexists_and_gives_a_time_series(data: Path, tmp_path_factory) -> None:
    """Adding 2026 leaves 2025 untouched; a shared indicator has observations from both."""
    graph_2025 = report_graph(data, GRAPH_2025)
    second = write_second_report(tmp_path_factory.mktemp("second"))
    ingest([second], data, BASE, FakeEmbedder(), progress=quiet)
    assert isomorphic(report_graph(data, GRAPH_2025), graph_2025)
    rows = trusted_select(open_store(store_dir(data)), """
        PREFIX bk: <https://w3id.org/bokslut/def#>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        PREFIX sdmx-dimension: <http://purl.org/linked-data/sdmx/2009/dimension#>
        PREFIX sdmx-measure: <http://purl.org/linked-data/sdmx/2009/measure#>
        SELECT ?year ?value ?reportYear WHERE {
          ?ind skos:prefLabel "Andel barn i familjer med låg inkomststandard"@sv .
          ?o bk:indicator ?ind ; bk:year ?year ; sdmx-measure:obsValue ?value ;
             sdmx-dimension:refArea <https://w3id.org/bokslut/id/omrade/sodertalje> ;
             bk:report/bk:year ?reportYear .
        } ORDER BY ?year""")
    found = [(r["year"].toPython(), str(r["value"]), r["reportYear"].toPython()) for r in rows]
    assert found == [(2024, "9.1", 2025), (2025, "8.7", 2026)]
    index = SearchIndex.load(index_dir(data))
    assert {p["year"] for p in index.passages} == {2025, 2026}


@pytest.mark.slow  # ingest, second report, removal
def test_remove_report_drops_graph_and_passages(data: Path, tmp_path_factory) -> None:
    """Removing 2026 leaves exactly the 2025 state behind."""
    passages_2025 = len(SearchIndex.load(index_dir(data)).passages)
    second = write_second_report(tmp_path_factory.mktemp("second"))
    ingest([second], data, BASE, FakeEmbedder(), progress=quiet)
    removed = remove_report(data, "rapport/sodertalje-2026", BASE, FakeEmbedder())
    assert removed == passages_2025
    assert GRAPH_2026 not in list_graphs(store_dir(data))
    assert len(SearchIndex.load(index_dir(data)).passages) == passages_2025
    with pytest.raises(ReportError):
        remove_report(data, "rapport/sodertalje-2026", BASE, FakeEmbedder())


CRASH_SCRIPT = """
import os, signal, sys
from pathlib import Path
import graph.store_writer
from search.embedder import FakeEmbedder
from web.pipeline.ingest import ingest

def crash(step):
    if step == sys.argv[3]:
        os.kill(os.getpid(), signal.SIGKILL)  # like kill -9: no cleanup of any kind

graph.store_writer.fault_hook = crash
ingest([Path(sys.argv[2])], Path(sys.argv[1]), sys.argv[4], FakeEmbedder(), progress=print)
"""
CRASH_STEPS = ("copied", "index-built", "graphs-written", "index-saved", "closed", "renamed",
               "published")


def live_pair(data: Path) -> tuple[set[str], set[str]]:
    """The reports the live store generation holds, and those its search index holds."""
    graphs = {g.removeprefix(BASE + "graf/") for g in list_graphs(store_dir(data))
              if g.startswith(BASE + "graf/rapport/")}
    passages = SearchIndex.load(index_dir(data)).passages
    return graphs, {p["report"] for p in passages}


@pytest.mark.slow  # a process killed per step
def test_ingest_killed_at_every_step_leaves_a_matching_store_and_index(
        data: Path, tmp_path_factory) -> None:
    """kill -9 at each step of a second ingest: store and index describe the same reports."""
    second = write_second_report(tmp_path_factory.mktemp("second"))
    before = {"rapport/sodertalje-2025"}
    assert live_pair(data) == (before, before)
    outcomes = {}
    for step in CRASH_STEPS:
        done = subprocess.run([sys.executable, "-c", CRASH_SCRIPT, str(data), str(second), step,
                               BASE], capture_output=True, text=True, timeout=600)
        assert done.returncode == -signal.SIGKILL, (step, done.stderr[-2000:])
        graphs, indexed = live_pair(data)
        assert graphs == indexed, step
        outcomes[step] = graphs
        if graphs != before:  # published: put the old state back for the next step
            remove_report(data, "rapport/sodertalje-2026", BASE, FakeEmbedder())
    assert outcomes["renamed"] == before  # renamed but not yet the live one
    assert outcomes["published"] == before | {"rapport/sodertalje-2026"}
    ingest([second], data, BASE, FakeEmbedder(), progress=quiet)  # the next start tidies up
    assert live_pair(data)[0] == live_pair(data)[1] == before | {"rapport/sodertalje-2026"}
    assert list(store_dir(data).glob("*.new")) == []
