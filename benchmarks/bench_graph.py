"""Graph benchmark: ingest of the 2025 report into the store, and every example query's
median time on rdflib's in-memory store and on the Oxigraph store, side by side.

Run: .venv/bin/python benchmarks/bench_graph.py
Prints figures and ratios; the target (each example query under 50 ms on Oxigraph) is
reported, not asserted: shared machines are noisy.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from rdflib import Dataset, URIRef

from corpus import read_report
from corpus.ids import report_graph_id
from corpus.passages import report_key
from graph.build import report_graph
from graph.examples import load_examples
from graph.reference import project_graphs
from graph.store import open_store
from graph.store_writer import rebuild
from web.pipeline.ingest import bundled_reports

BASE = "https://w3id.org/bokslut/id/"
RUNS = 7


def consume(result: object) -> object:
    """Drain a query result (ASK answers are not iterable)."""
    return result if isinstance(result, bool) or not hasattr(result, "__iter__") \
        else list(result)


def median_ms(run, runs: int = RUNS) -> float:
    """Median wall time of a callable in ms (one warm-up run first)."""
    run()
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        run()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def graphs() -> dict[str, object]:
    """Every named graph of a full ingest (project graphs and the bundled reports)."""
    out = {BASE + name: g for name, g in project_graphs(BASE).items()}
    for path in bundled_reports():
        report = read_report(path)
        out[BASE + report_graph_id(report_key(report))] = report_graph(report, BASE)
    return out


def main() -> None:
    """Measure and print."""
    t = time.perf_counter()
    built = graphs()
    read_build = time.perf_counter() - t
    folder = Path(tempfile.mkdtemp(prefix="bench-graph-"))
    t = time.perf_counter()
    with rebuild(folder) as builder:
        for name, graph in built.items():
            builder.replace_graph(name, graph)
    write = time.perf_counter() - t
    triples = sum(len(g) for g in built.values())
    print(f"ingest of the 2025 report: read + build RDF {read_build:.2f} s, "
          f"write store generation {write:.2f} s ({triples} triples in {len(built)} graphs)")
    store = open_store(folder)
    dataset = Dataset(default_union=True)
    for name, graph in built.items():
        target = dataset.graph(URIRef(name))
        for triple in graph:
            target.add(triple)
    print(f"\n{'query':<38}{'rdflib ms':>11}{'oxigraph ms':>13}{'ratio':>8}  < 50 ms")
    for ex in load_examples():
        rdf = median_ms(lambda q=ex.text: consume(dataset.query(q)), runs=3)
        ox = median_ms(lambda q=ex.text: consume(store.query(q)))
        ok = "ja" if ox < 50 else "NEJ"
        print(f"{ex.name:<38}{rdf:>11.1f}{ox:>13.2f}{rdf / ox:>7.0f}×  {ok}")


if __name__ == "__main__":
    main()
