"""The ranking memory (round 33): the pool's and the style parts' judged questions, never
silent, heard by hybrid's fusion alone; the verdicts keep reading the judged-query memory."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest

from corpus import read_report
from corpus.passages import build_passages
from search import query_adapter, ranking_memory
from search.embedder import FakeEmbedder
from search.engine import ranking_outdated, sync_index
from search.hybrid import HybridSearcher
from search.index_store import SearchIndex, text_key
from search.query_memory import QueryMemory
from search.ranking_memory import FILE, RankingMemory, judged_source, ranking_judged
from tests.conftest import REPORT_PATH

AXES = {"a": 0, "b": 1, "c": 2}  # a judged query's text -> the unit axis it is embedded on


def rows() -> list[dict]:
    """Three passages, the second an indicator row."""
    return [{"id": "p1", "text": "Fritidsgårdar i Södertälje.", "kind": "text"},
            {"id": "i1", "text": "Andel trygga elever: 80 %.", "kind": "indicator"},
            {"id": "p2", "text": "Grannsamverkan med polisen.", "kind": "text"}]


def embed_axes(texts: list[str]) -> np.ndarray:
    """A judged query's text ('a', 'b', 'c') on its axis."""
    return np.stack([np.eye(3, dtype=np.float32)[AXES[t]] for t in texts])


def write_judged(path: Path, judged: dict[str, dict[str, int]]) -> Path:
    """A pairs file of these (query text -> passage id -> grade), hashed as the rows hold them."""
    texts = {p["id"]: p for p in rows()}
    lines = ["# a header line"] + [json.dumps(
        {"query": text, "relevant": relevant,
         "hashes": {pid: text_key(texts[pid]) for pid in relevant}}, ensure_ascii=False)
        for text, relevant in judged.items()]
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


@pytest.fixture
def bundled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The pool's file with one judged question (on axis a, for the indicator row) and the
    style parts' with one (on axis b); returns the style file."""
    monkeypatch.setattr(query_adapter, "QUERIES",
                        write_judged(tmp_path / "pool.jsonl", {"a": {"i1": 3, "p1": 1}}))
    style = write_judged(tmp_path / "style.jsonl", {"b": {"p2": 3}})
    monkeypatch.setattr(ranking_memory, "RANKING_QUERIES", style)
    return style


def near_a() -> list[np.ndarray]:
    """A query reading at cosine 0.95 to axis a."""
    return [np.array([0.95, np.sqrt(1 - 0.95 ** 2), 0.0], dtype=np.float32)]


# ---------------------------------------------------------------- build, silence, save


def test_it_holds_the_pool_s_and_the_style_parts_judged_questions(bundled: Path) -> None:
    memory = RankingMemory.of(rows(), embed_axes)
    assert memory is not None and isinstance(memory, RankingMemory)
    assert memory.judged == ((("i1", 3), ("p1", 1)), (("p2", 3),))
    assert memory.source == judged_source(ranking_judged()) and not memory.outdated()


def test_it_votes_where_the_judged_query_memory_falls_silent(bundled: Path) -> None:
    # the neighbour's grade-3 weight is all on an indicator row: the memory's silence (round 15)
    pool = QueryMemory.build(rows(), embed_axes)
    ranking = RankingMemory.of(rows(), embed_axes)
    assert pool is not None and ranking is not None
    assert pool.scores(near_a()) == {}
    assert ranking.scores(near_a()) == pytest.approx({"i1": 1.0, "p1": 1 / 3})


def test_without_style_questions_there_is_none(bundled: Path) -> None:
    bundled.unlink()
    assert RankingMemory.of(rows(), embed_axes) is None


def test_other_style_questions_make_it_outdated(bundled: Path) -> None:
    memory = RankingMemory.of(rows(), embed_axes)
    assert memory is not None and not memory.outdated()
    write_judged(bundled, {"b": {"p2": 2}})  # a grade changed
    assert memory.outdated()


def test_save_and_load_keep_its_kind_file_and_source(bundled: Path, tmp_path: Path) -> None:
    memory = RankingMemory.of(rows(), embed_axes)
    assert memory is not None
    memory.save(tmp_path)
    assert (tmp_path / FILE).is_file() and not (tmp_path / "query_memory.npz").exists()
    loaded = RankingMemory.load(tmp_path)
    assert isinstance(loaded, RankingMemory) and loaded.source == memory.source
    assert loaded.judged == memory.judged and loaded.scores(near_a()) == memory.scores(near_a())
    assert QueryMemory.load(tmp_path) is None  # the judged-query memory's file is its own


# ---------------------------------------------------------------- the index and hybrid


@pytest.fixture(scope="module")
def built() -> SearchIndex:
    """An index of the real 2025 report's passages, embedded by the fake model."""
    return SearchIndex.build(build_passages(read_report(REPORT_PATH)), FakeEmbedder())


def test_ingest_builds_it_beside_the_memory_and_saves_it(built, tmp_path: Path) -> None:
    assert built.memory is not None and built.ranking is not None
    style = len(query_adapter.judged_texts(ranking_memory.RANKING_QUERIES))
    assert style > 600 and len(built.ranking) == len(built.memory) + style
    built.save(tmp_path / "index")
    loaded = SearchIndex.load(tmp_path / "index", FakeEmbedder())
    assert loaded.ranking is not None and loaded.ranking.judged == built.ranking.judged
    assert loaded.memory is not None and loaded.memory.judged == built.memory.judged


def test_an_index_saved_without_it_gains_it_at_the_next_sync(tmp_path: Path, built) -> None:
    sync_index(tmp_path, built.passages, FakeEmbedder())
    (tmp_path / "index" / FILE).unlink()
    old = SearchIndex.load(tmp_path / "index")
    assert old.ranking is None and ranking_outdated(old)
    index, status = sync_index(tmp_path, built.passages, FakeEmbedder())
    assert status == "updated" and index.ranking is not None and not ranking_outdated(index)
    _, status = sync_index(tmp_path, built.passages, FakeEmbedder())
    assert status == "unchanged"


def loud(index: SearchIndex) -> SearchIndex:
    """The index with a ranking memory whose one judged query, near every query, votes for
    every passage."""
    vectors = np.ones((1, index.dense.dimension), np.float32) / np.sqrt(index.dense.dimension)
    every = tuple((p["id"], 3) for p in index.passages)
    return dataclasses.replace(index, ranking=RankingMemory(vectors, (every,), floor=-1.0))


def page(searcher: HybridSearcher, query: str, mode: str = "hybrid") -> list:
    """(id, score) of a page."""
    return [(h.passage["id"], h.score) for h in searcher.search(query, 10, mode)]


QUERIES = ["hjälpfond för barn", "grannsamverkan med polisen", "förskolans språkutveckling"]


def test_hybrid_s_fusion_hears_it_and_no_other_mode_does(built) -> None:
    # compared without a gate, which refuses these queries under the fake model (the vouch of
    # a loud judged-query memory lets them in: it is not this memory's to vouch)
    ungated = dataclasses.replace(built, gate=None)
    voting = loud(ungated)
    heard, plain = HybridSearcher(voting, FakeEmbedder()), HybridSearcher(ungated, FakeEmbedder())
    assert heard.memory is voting.ranking and plain.memory is built.ranking
    for query in QUERIES:
        assert page(heard, query) != page(plain, query)
        for mode in ("dense", "bm25"):
            assert page(heard, query, mode) == page(plain, query, mode)
    assert HybridSearcher(voting, FakeEmbedder(), rrf=True).memory is None


def test_the_verdicts_read_the_judged_query_memory_not_it(built) -> None:
    # the errand check's ranking and the vouch's memory are the index's memory's, whatever
    # the ranking memory votes for
    voting = loud(built)
    heard, plain = HybridSearcher(voting, FakeEmbedder()), HybridSearcher(built, FakeEmbedder())
    for query in QUERIES:
        vectors = [FakeEmbedder().embed_queries([query])[0], None]
        assert heard.hybrid_ranking(query, vectors) == plain.hybrid_ranking(query, vectors)
        assert heard.search_page(query, 10).off_topic == plain.search_page(query, 10).off_topic


# ---------------------------------------------------------------- the real model


@pytest.mark.slow
def test_a_lay_indicator_question_finds_its_row_through_the_style_parts(built_data: Path) -> None:
    from search.engine import embedder_for, open_searcher
    from web.pipeline.layout import index_home
    from web.settings import resolve

    embedder = embedder_for(resolve({"data": built_data})["embed_model"], str(built_data))
    searcher = open_searcher(index_home(built_data), embedder)
    assert searcher.index.ranking is not None and searcher.memory is searcher.index.ranking
    # a rewording of outsider tuning question do38 (style11): evictions by the enforcement
    # authority, whose answer is the indicator row L561
    question = "hur ofta blir barnfamiljer vräkta av kronofogden här"
    answer = "rapport/sodertalje-2025/passage/L561"
    vector = embedder.embed_queries([question])[0]
    assert searcher.index.memory is not None and searcher.index.memory.scores([vector]) == {}
    votes = searcher.index.ranking.scores([vector])
    assert max(votes, key=votes.__getitem__) == answer
    assert searcher.search(question, 1)[0].passage["id"] == answer
    without = HybridSearcher(dataclasses.replace(searcher.index, ranking=None), embedder)
    assert without.search(question, 1)[0].passage["id"] != answer  # the ranking memory's
