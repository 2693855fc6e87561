"""A query's lexical work beside its encoder call (search.beside) changes no result.

Fast tier: the real report's index searched with the fake embedder. The overlapped path must
return exactly the sequential path's pages (ids, order, scores, snippets, counts, off-topic
flag) in every mode, when the worker is free (the work runs on it, during the encoder call)
and when it is busy (the caller does the work itself).
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

import numpy as np
import pytest

from search.beside import BESIDE, Beside, Job
from search.embedder import FakeEmbedder
from search.hybrid import HybridSearcher
from search.index_store import SearchIndex
from web.pipeline.layout import index_dir

TUNE = Path(__file__).with_name("data") / "search_tune.jsonl"
# beside tuning queries: a misspelt word (a second, repaired vector), a right named by
# number, a development question, an English question and nonsense (the gate)
EXTRA = ["trangboddhet bland barnfamiljer", "Barnkonventionen artikel 12",
         "vad behöver utvecklas för att öka valdeltagandet", "What is done against violence?",
         "qwtz xkcd jjjjjj"]


def queries() -> list[str]:
    """The tuning queries' texts and the extra cases."""
    lines = [line for line in TUNE.read_text("utf-8").splitlines()
             if line.strip() and not line.startswith("#")]
    return [json.loads(line)["query"] for line in lines][:20] + EXTRA


class WaitingEmbedder(FakeEmbedder):
    """The fake embedder, waiting (up to a second) for the query's lexical work to have run
    before it answers, as the real encoder is still running when that work is done."""

    def __init__(self) -> None:
        super().__init__()
        self.side_done = threading.Event()
        self.saw_side_done: list[bool] = []

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        self.saw_side_done.append(self.side_done.wait(timeout=1.0))
        return super().embed_queries(texts)


def page(searcher: HybridSearcher, query: str, mode: str, offset: int = 0) -> tuple:
    """Everything a result page shows, comparable with ==."""
    found = searcher.search_page(query, 10, mode, offset=offset)
    return (found.total, found.off_topic,
            [(h.rank, h.score, h.passage["id"], h.snippet, h.sources, h.same_text)
             for h in found.hits])


def searchers(data: Path, embedder: FakeEmbedder) -> tuple[HybridSearcher, HybridSearcher]:
    """The same saved index opened twice: sequential and overlapped, no cache shared."""
    return (HybridSearcher(SearchIndex.load(index_dir(data), embedder), embedder, overlap=False),
            HybridSearcher(SearchIndex.load(index_dir(data), embedder), embedder))


def test_the_overlapped_path_returns_the_sequential_pages(fake_data: Path) -> None:
    embedder = WaitingEmbedder()
    sequential, overlapped = searchers(fake_data, embedder)
    side_threads: list[threading.Thread] = []
    inner = overlapped.query_side

    def recorded(*args, **kwargs):
        side_threads.append(threading.current_thread())
        try:
            return inner(*args, **kwargs)
        finally:
            embedder.side_done.set()

    overlapped.query_side = recorded
    for query in queries():
        for mode in ("hybrid", "dense", "bm25"):
            for offset in (0, 10):
                embedder.side_done.set()  # the sequential side does its work after the encoder
                expected = page(sequential, query, mode, offset)
                embedder.side_done.clear()
                embedder.saw_side_done.clear()
                assert page(overlapped, query, mode, offset) == expected, (query, mode)
                if mode != "bm25":  # the work ran while the encoder call was under way
                    assert embedder.saw_side_done == [True]
    assert {t.name for t in side_threads} == {"search-beside", threading.current_thread().name}


def test_a_busy_worker_leaves_the_work_to_the_caller(fake_data: Path) -> None:
    sequential, overlapped = searchers(fake_data, FakeEmbedder())
    release = threading.Event()
    blocker = BESIDE.submit(lambda: release.wait(timeout=10))
    assert blocker is not None
    try:
        assert BESIDE.submit(lambda: None) is None  # busy
        for query in queries()[:8]:
            assert page(overlapped, query, "hybrid") == page(sequential, query, "hybrid")
    finally:
        release.set()
        assert blocker.result() is True
    assert BESIDE.submit(lambda: 7).result() == 7  # free again once the job is done


def test_a_job_returns_its_value_and_raises_its_error() -> None:
    worker = Beside()
    assert worker.submit(lambda: "svar").result() == "svar"

    def fails() -> None:
        raise KeyError("borta")

    job = worker.submit(fails)
    assert job is not None
    with pytest.raises(KeyError, match="borta"):
        job.result()
    assert worker.submit(lambda: 1).result() == 1  # an error does not keep the worker busy


def test_the_worker_is_free_before_its_caller_wakes(monkeypatch) -> None:
    """A caller's next query, submitted as soon as result() returns, never finds it busy."""
    worker = Beside()
    free_at_finish: list[bool] = []
    finish = Job.finish

    def recorded(job: Job) -> None:
        free_at_finish.append(not worker._free.locked())
        finish(job)

    monkeypatch.setattr(Job, "finish", recorded)
    assert worker.submit(lambda: 2).result() == 2
    assert free_at_finish == [True]
