"""Open or (re)build the search index under a data directory, reusing what is still valid."""

from __future__ import annotations

import dataclasses
from functools import cache
from pathlib import Path

from corpus.passages import Passage
from search.domain_gate import gate_outdated
from search.embedder import Embedder, resolve_model
from search.hybrid import HybridSearcher
from search.index_store import SearchIndex, SearchIndexError, corpus_hash
from search.indicator_aliases import IndicatorAliases
from search.lexical_text import bm25_document
from search.memory_vouch import vouch_recipe
from search.onnx_loading import load_embedder
from search.passage_phrasings import PassagePhrasings
from search.query_adapter import QueryAdapter, load_judged, pairs_source, pseudo_pairs
from search.ranking_memory import RANKING_QUERIES


def index_dir(data_dir: Path) -> Path:
    """Where the search index lives."""
    return Path(data_dir) / "index"


@cache
def embedder_for(setting: str, data_dir: str, bulk: bool = False) -> Embedder:
    """The embedding model named by the setting (built offline if needed), loaded once.

    Its ONNX export (made once into the data directory) answers when the model allows it;
    otherwise the sentence-transformers model on torch does, with the same vectors. `bulk`:
    opened for ingest's bulk work at once (no serving session to load as well).
    """
    return load_embedder(resolve_model(setting, Path(data_dir)), Path(data_dir), bulk=bulk)


def saved_index(data_dir: Path) -> SearchIndex | None:
    """The saved index of a data directory, or None when there is none (or it is unusable)."""
    try:
        return SearchIndex.load(index_dir(data_dir))
    except SearchIndexError:
        return None


_LOAD = object()  # sync_index's default: read the saved index itself


def sync_index(data_dir: Path, passages: list[Passage] | list[dict], embedder: Embedder,
               progress: bool = False, save: bool = True,
               previous: SearchIndex | object | None = _LOAD) -> tuple[SearchIndex, str]:
    """The index for these passages: loaded as is, updated, or rebuilt. Returns (index, what).

    `previous` is the saved index when the caller has already read it (None: there is none).
    An index whose gate is out of date (saved before the service direction, or trained on
    other bank texts) or whose query adapter is missing (saved before round 10) or was fitted
    from other judged queries than the bundled ones (search/adapter_queries.jsonl), or that
    lacks the judged-query memory (saved before round 15) or its vouchers (before round 20), or
    whose BM25 read other documents than these passages give (before round 23), is updated
    although its corpus is the same: its vectors are reused.
    """
    rows = [p if isinstance(p, dict) else dataclasses.asdict(p) for p in passages]
    target = index_dir(data_dir)
    if previous is _LOAD:
        previous = saved_index(data_dir)
    assert previous is None or isinstance(previous, SearchIndex)
    if previous is not None and previous.manifest["model"] == embedder.fingerprint \
            and previous.manifest["corpus_hash"] == corpus_hash(rows) \
            and not gate_outdated(previous.gate, rows) \
            and not adapter_outdated(previous.adapter, rows) \
            and not memory_outdated(previous, rows) \
            and not lexical_outdated(previous, rows) \
            and not offtopic_outdated(previous) \
            and not aliases_outdated(previous) \
            and not ranking_outdated(previous):
        return previous, "unchanged"
    index = SearchIndex.build(rows, embedder, reuse=previous, progress=progress)
    if save:
        index.save(target)
    if previous is None:
        return index, "built"
    same_model = previous.manifest["model"] == embedder.fingerprint
    return index, "updated" if same_model else "rebuilt for a new model"


def adapter_outdated(adapter: QueryAdapter | None, passages: list[dict]) -> bool:
    """No saved adapter although these passages have pairs to fit one from (an index saved
    before round 10), or one fitted from other judged queries than those now bundled for
    these passages (an index saved before round 13, or before the pairs file changed)."""
    source = pairs_source(passages)
    if adapter is None:
        return bool(source) or bool(pseudo_pairs(passages))
    return adapter.source != source


def lexical_outdated(index: SearchIndex, passages: list[dict]) -> bool:
    """BM25 indexed other documents than search.lexical_text gives these passages (an index
    saved before round 23 read an indicator row's whole text)."""
    return index.bm25.texts != tuple(bm25_document(p) for p in passages)


def offtopic_outdated(index: SearchIndex) -> bool:
    """No known off-topic vectors beside a judged-query memory (an index saved before round
    25), or vectors of other strings than those now bundled (search.known_offtopic)."""
    if index.offtopic is None:
        return index.memory is not None
    return index.offtopic.outdated()


def aliases_outdated(index: SearchIndex) -> bool:
    """No vectors of the indicators' everyday names or of the passages' phrasings although a
    bundled file names a passage of the index (an index saved before round 31 or 32), or
    vectors of other texts than those now bundled (search.indicator_aliases,
    search.passage_phrasings)."""
    ids = {p["id"] for p in index.passages}
    for kind, saved in ((IndicatorAliases, index.aliases), (PassagePhrasings, index.phrasings)):
        if saved is None and any(pid in ids for pid, _ in kind.bundled()):
            return True
        if saved is not None and saved.outdated():
            return True
    return False


def ranking_outdated(index: SearchIndex) -> bool:
    """No ranking memory beside a judged-query memory although style questions are bundled
    (an index saved before round 33), or one of other judged queries than those now bundled
    (search.ranking_memory)."""
    if index.ranking is None:
        return index.memory is not None and bool(load_judged(RANKING_QUERIES))
    return index.ranking.outdated()


def memory_outdated(index: SearchIndex, passages: list[dict]) -> bool:
    """No saved judged-query memory, or one without its vouchers or marked under another
    recipe, although these passages have judged queries to build one from (an index saved
    before round 15, or before round 20, or before the gate's thresholds changed;
    search.query_memory, search.memory_vouch)."""
    memory = index.memory
    stale = memory is None or memory.vouchers is None or memory.vouch_recipe != vouch_recipe()
    return stale and bool(pairs_source(passages))


def open_searcher(data_dir: Path, embedder: Embedder) -> HybridSearcher:
    """A searcher over the saved index; refuses an index built by another model."""
    return HybridSearcher(SearchIndex.load(index_dir(data_dir), embedder), embedder)
