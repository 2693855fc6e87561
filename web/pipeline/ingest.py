"""`bokslut ingest`: reports -> store (one named graph each) and search index, atomically."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from corpus import ReportError, read_report
from corpus.ids import report_graph_id
from corpus.passages import build_passages, report_key
from corpus.records import Report
from graph.build import report_graph
from graph.reference import project_graphs
from graph.store import list_graphs
from graph.store_writer import StoreBuilder, rebuild
from search.embedder import Embedder
from search.engine import index_dir, saved_index, sync_index
from search.index_store import SearchIndex
from web.pipeline.inferred import add_inferred

Progress = Callable[[str], None]


def bundled_reports() -> list[Path]:
    """Every report shipped in corpus/reports/."""
    folder = Path(str(resources.files("corpus") / "reports"))
    return sorted(folder.glob("*.txt"))


def store_dir(data_dir: Path) -> Path:
    """Where the quad store lives."""
    return Path(data_dir) / "store"


@dataclass
class IngestResult:
    """What one ingest did, for the CLI to print."""

    reports: list[tuple[str, str, int]] = field(default_factory=list)  # key, file, triples
    index_status: str = ""
    passages: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


def other_reports_passages(previous: SearchIndex | None, replaced: set[str]) -> list[dict]:
    """Passages already indexed for reports that this change leaves alone."""
    if previous is None:
        return []
    return [p for p in previous.passages if p["report"] not in replaced]


def write_graphs(data_dir: Path, reports: list[Report], base: str,
                 result: IngestResult, progress: Progress,
                 finish: Callable[[StoreBuilder], object] | None = None) -> None:
    """One new store generation holding the project graphs and these reports' graphs."""
    with rebuild(store_dir(data_dir)) as builder:
        for name, graph in project_graphs(base).items():
            builder.replace_graph(base + name, graph)
        for report in reports:
            key = report_key(report)
            count = builder.replace_graph(base + report_graph_id(key), report_graph(report, base))
            result.reports.append((key, report.file_name, count))
            progress(f"graf {key}: {count} tripler")
        if finish is not None:  # e.g. graf/harlett, computed from the graphs just written
            finish(builder)


def ingest(paths: list[Path], data_dir: Path, base: str,
           embedder: Embedder | Callable[[], Embedder], progress: Progress = print) -> IngestResult:
    """Read every report first (nothing changes on a bad one), then update store and index.

    `embedder` may be a factory, called only once every report has been read: a bad report
    is then reported at once, without loading the model.
    """
    result, started = IngestResult(), time.perf_counter()
    reports = []
    for path in paths:
        progress(f"läser {path}")
        reports.append(read_report(path))
    result.seconds["read"] = time.perf_counter() - started
    if not isinstance(embedder, Embedder):
        embedder = embedder()
    # the index is built in memory first: a model failure must not leave a half-updated pair
    t = time.perf_counter()
    keys = {report_key(r) for r in reports}
    previous = saved_index(data_dir)
    kept = other_reports_passages(previous, keys)
    fresh = [p for r in reports for p in build_passages(r)]
    progress(f"sökindex: {len(kept)} behållna + {len(fresh)} nya textavsnitt")
    index, status = sync_index(data_dir, [*kept, *fresh], embedder, progress=True, save=False,
                               previous=previous)
    result.index_status, result.passages = status, len(index.passages)
    result.seconds["index"] = time.perf_counter() - t
    t = time.perf_counter()
    write_graphs(data_dir, reports, base, result, progress,
                 lambda builder: add_inferred(builder, index, embedder, base, progress))
    result.seconds["graph"] = time.perf_counter() - t
    if status != "unchanged":
        index.save(index_dir(data_dir))
    return result


def remove_report(data_dir: Path, key: str, base: str, embedder: Embedder) -> int:
    """Drop one report's named graph and its passages; returns passages removed."""
    graph_iri = base + report_graph_id(key)
    if graph_iri not in list_graphs(store_dir(data_dir)):
        raise ReportError(key, "no such report in the store")
    previous = saved_index(data_dir)
    kept = other_reports_passages(previous, {key})
    removed = len(previous.passages) - len(kept) if previous else 0
    index, status = sync_index(data_dir, kept, embedder, save=False, previous=previous)
    with rebuild(store_dir(data_dir)) as builder:
        builder.drop_graph(graph_iri)
        add_inferred(builder, index, embedder, base, lambda _: None)  # no links to removed actions
    if status != "unchanged":
        index.save(index_dir(data_dir))
    return removed
