"""`bokslut ingest`: reports -> store (one named graph each) and search index, atomically."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from corpus import ReportError
from corpus.document import read_document
from corpus.ids import report_graph_id
from corpus.passages import build_passages, report_key
from corpus.records import Report
from corpus.unstructured import Metadata
from graph import (
    StoreBuilder,
    StoreLocation,
    checkpoint,
    open_reader,
    project_graphs,
    rebuild,
    report_graph,
    sparql_prologue,
)
from search.embedder import Embedder, for_indexing, with_missing_embedded
from search.engine import sync_index
from search.index_store import SearchIndex, SearchIndexError
from search.initiative_names import InitiativeNames
from search.onnx_precision import recording
from search.shipped_vectors import export_of, save_shipped, updated
from search.text_vectors import TextVectors
from search.textnorm import use_lemma_copy
from web.pipeline.inferred import add_inferred, store_articles
from web.pipeline.ingest_vectors import (
    remember_passages,
    remembering,
    sentence_vectors,
    shipped_texts,
)
from web.pipeline.layout import INDEX, index_dir, store_dir
from web.pipeline.rights_score import query_texts

__all__ = ["IngestResult", "bundled_reports", "index_dir", "ingest", "remove_report",
           "store_dir"]

Progress = Callable[[str], None]
T = TypeVar("T")
# the graph's named initiatives (graph/build.py add_initiatives), whichever report's graph
INITIATIVES = sparql_prologue() + """
SELECT DISTINCT ?name WHERE { GRAPH ?g { ?i a bk:Initiative ; skos:prefLabel ?name } }"""


def initiative_names(store: Any) -> InitiativeNames:
    """The named initiatives of every report in the store being built, for the domain gate's
    rescue (search/initiative_names.py): the graph's own, one source of truth."""
    rows = store.select(INITIATIVES, trusted=True)
    return InitiativeNames([str(getattr(r["name"], "value", r["name"])) for r in rows])


def bundled_reports() -> list[Path]:
    """Every report shipped in corpus/reports/."""
    folder = Path(str(resources.files("corpus") / "reports"))
    return sorted(folder.glob("*.txt"))


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


def write_graphs(builder: StoreBuilder, reports: list[Report], base: str,
                 result: IngestResult, progress: Progress) -> None:
    """The project graphs and these reports' graphs, into the generation being built."""
    for name, graph in project_graphs(base).items():
        builder.replace_graph(base + name, graph)
    for report in reports:
        key = report_key(report)
        count = builder.replace_graph(base + report_graph_id(key), report_graph(report, base))
        result.reports.append((key, report.file_name, count))
        progress(f"graf {key}: {count} tripler")


def ingest(paths: list[Path], data_dir: Path, base: str,
           embedder: Embedder | Callable[[], Embedder], progress: Progress = print,
           location: StoreLocation | None = None, given: Metadata | None = None,
           precision: str | None = None) -> IngestResult:
    """Read every report first (nothing changes on a bad one), then update store and index.

    Store and index change under one lock, in one generation, published by one rename: every
    crash leaves the previous pair or the new one. `embedder` may be a factory, called only
    once every report has been read (a bad report is reported without loading the model).
    Text or PDF; `given` (--municipality/--year/--title) names a document outside the format.
    `precision` (the encoder's, chosen once by the caller, which also built `embedder` at it)
    is recorded for the data directory with the index: under the lock, only if it publishes.
    """
    result, started = IngestResult(), time.perf_counter()
    use_lemma_copy(Path(data_dir) / "models")  # the parsed lemma table kept beside the model
    reports = read_reports(paths, given, progress)
    result.seconds["read"] = time.perf_counter() - started
    keys = {report_key(r) for r in reports}
    fresh = [dataclasses.asdict(p) for r in reports for p in build_passages(r)]
    # Threads beside this one: the model loads while the store opens and the graphs are
    # written (which need no vectors); then the index embeds its passages and the rights
    # ranking its sentences side by side (ONNX Runtime releases the GIL), while this thread
    # writes the graphs and embeds the article queries. All embed through one Remembered:
    # no (prompt, text) is embedded twice, and the shipped texts' saved vectors answer first.
    # The lock first: a busy store is reported at once, not after the model has loaded.
    with recording(data_dir, precision) as record, \
            rebuild(location or StoreLocation(store_dir(data_dir))) as builder, \
            ThreadPoolExecutor(4, thread_name_prefix="ingest") as pool:
        model = pool.submit(indexing_embedder, embedder)
        previous = previous_index(builder, data_dir)
        passages = [*other_reports_passages(previous, keys), *fresh]
        # which texts are embedded again is sync_index's to say ("unchanged", "updated")
        progress(f"sökindex: {len(fresh)} textavsnitt ur de inlästa rapporterna + "
                 f"{len(passages) - len(fresh)} ur andra rapporter")
        memory = pool.submit(lambda: remembering(model.result(), previous, data_dir, progress))
        indexing = pool.submit(lambda: timed(sync_index, data_dir, passages, memory.result()[0],
                                             progress=True, save=False, previous=previous))
        # a sentence that is a whole passage takes the passage's vector (same prompt, text)
        whole = {p["text"] for p in passages}
        sentences = pool.submit(lambda: timed(sentence_vectors, passages, base,
                                              memory.result()[0], {}, skip=whole))
        t = time.perf_counter()
        write_graphs(builder, reports, base, result, progress)
        articles = store_articles(builder, base)[0]
        remembered, shipped = memory.result()
        queries = with_missing_embedded(query_texts(articles), {}, remembered.embed_queries)
        graphs_seconds = time.perf_counter() - t
        (index, status), result.seconds["index"] = indexing.result()
        result.index_status, result.passages = status, len(index.passages)
        checkpoint("index-built")
        checkpoint("graphs-written")
        _, result.seconds["rights"] = sentences.result()
        remember_passages(remembered, index, whole)  # the sentences left these to the index
        index.texts = TextVectors(remembered.fingerprint, {
            "passage": sentence_vectors(passages, base, remembered, {}),  # all remembered
            "query": queries})
        t = time.perf_counter()
        # graf/harlett from the graphs just written; search's signal for rights questions
        index.rights = add_inferred(builder, index, remembered, base, progress)
        index.initiatives = initiative_names(builder)  # the gate's rescue by a named initiative
        result.seconds["graph"] = graphs_seconds + time.perf_counter() - t
        save_index(builder, index, status)
        save_shipped(data_dir, remembered.fingerprint, shipped,
                     updated(shipped, {"query": remembered.queries},
                             {"query": shipped_texts(articles)}), progress,
                     export_of(remembered))
        record()  # the last step before the publish; undone if the publish fails
    return result


def read_reports(paths: list[Path], given: Metadata | None, progress: Progress) -> list[Report]:
    """Every report read (a bad one raises before anything changes), warnings said."""
    reports = []
    for path in paths:
        progress(f"läser {path}")
        reports.append(read_document(path, given))
        for item in reports[-1].skipped:  # kept as searchable text, but say so
            progress(f"varning: {path}:{item.line}: {item.expected}")
        if not reports[-1].structured:
            progress(f"{path}: ostrukturerad rapport, bara sökbara textavsnitt")
    return reports


def indexing_embedder(embedder: Embedder | Callable[[], Embedder]) -> Embedder:
    """The embedder itself, or the factory's; then the one ingest uses (graph and index
    never depend on the query encoder)."""
    if not isinstance(embedder, Embedder):
        embedder = embedder()
    return for_indexing(embedder)


def timed(function: Callable[..., T], *args: Any, **kwargs: Any) -> tuple[T, float]:
    """What `function` returns and the seconds it took (in the thread that ran it)."""
    started = time.perf_counter()
    return function(*args, **kwargs), time.perf_counter() - started


def remove_report(data_dir: Path, key: str, base: str, embedder: Embedder,
                  location: StoreLocation | None = None) -> int:
    """Drop one report's named graph and its passages; returns passages removed."""
    graph_iri = base + report_graph_id(key)
    location = location or StoreLocation(store_dir(data_dir))
    if graph_iri not in open_reader(location).list_graphs():
        raise ReportError(key, "no such report in the store")
    with rebuild(location) as builder:
        previous = previous_index(builder, data_dir)
        # the kept and shipped vectors answer: only the gate's headings are embedded again
        embedder, _ = remembering(for_indexing(embedder), previous, data_dir, lambda _: None)
        kept = other_reports_passages(previous, {key})
        removed = len(previous.passages) - len(kept) if previous else 0
        index, status = sync_index(data_dir, kept, embedder, save=False, previous=previous)
        builder.drop_graph(graph_iri)
        # no links to removed actions; search's rights signal over what is kept
        index.rights = add_inferred(builder, index, embedder, base, lambda _: None)
        index.initiatives = initiative_names(builder)
        # the kept rights vectors stay valid (keyed by text and model), so the next ingest
        # need not embed them again
        index.texts = previous.texts if previous is not None else None
        save_index(builder, index, status)
    return removed


def previous_index(builder: StoreBuilder, data_dir: Path) -> SearchIndex | None:
    """The index published with the live generation (read under the writer lock)."""
    folder = builder.previous_sidecar(INDEX) or Path(data_dir) / INDEX  # or the older layout
    try:
        return SearchIndex.load(folder)
    except SearchIndexError:
        return None


def save_index(builder: StoreBuilder, index: SearchIndex, status: str) -> None:
    """Put the index into the generation being built (unless the carried-over one is it)."""
    target = builder.sidecar(INDEX)
    if status != "unchanged" or not (target / "manifest.json").is_file():
        index.save(target)
    else:  # the ranked support, the rights texts and the names may change, the passages not
        for part in (index.rights, index.texts, index.initiatives):
            if part is not None:
                part.save(target)
    checkpoint("index-saved")
