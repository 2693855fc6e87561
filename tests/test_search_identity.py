"""HybridSearcher.prepare() works out every passage's snippet term spans at load (issue 12's
speed-up outside the encoder): the hits must be exactly those of a searcher that works them
out per query, as before."""

from __future__ import annotations

import gc
import json
import weakref
from pathlib import Path

import pytest

from search.engine import embedder_for, open_searcher
from search.hybrid import HybridSearcher
from search.snippets import cached_spans, forget_spans, snippet, term_spans, warm

DATA = Path(__file__).parent / "data"


class Counting:
    """A word analyser that lower-cases and counts its calls."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, word: str) -> frozenset[str]:
        self.calls += 1
        return frozenset({word.lower()})


def test_warm_spans_make_the_same_snippet_without_analysing_again() -> None:
    text = "Barn och unga i Södertälje ska ha en trygg uppväxt. " * 12 + "Unga ska höras."
    lazy = Counting()
    forget_spans()
    before = snippet(text, {"unga", "höras"}, lazy)
    assert lazy.calls > 0 and "<mark>unga</mark>" in before
    forget_spans()
    ready = Counting()
    warm([text], ready)
    made = ready.calls
    assert snippet(text, {"unga", "höras"}, ready) == before
    assert ready.calls == made  # the query's snippet analysed no word of the passage


class Analyzer:
    """A stand-in analyser object holding a big table, as the index's does."""

    def __init__(self) -> None:
        self.table = bytearray(1_000_000)

    def word_terms(self, word: str) -> frozenset[str]:
        """The word lower-cased."""
        return frozenset({word.lower()})


def test_remembered_spans_do_not_keep_an_old_analyzer_alive() -> None:
    text = "Barn och unga i Södertälje ska ha en trygg uppväxt."
    forget_spans()
    old = Analyzer()
    warm([text], old.word_terms)
    assert cached_spans(old.word_terms) == 1
    before = snippet(text, {"unga"}, old.word_terms)
    gone = weakref.ref(old)
    del old  # an index reload drops the old searcher and its analyser
    gc.collect()
    assert gone() is None
    new = Analyzer()
    assert cached_spans(new.word_terms) == 0
    assert snippet(text, {"unga"}, new.word_terms) == before
    assert term_spans(text, new.word_terms)["unga"] == ((9, 13),)


def hits(searcher: HybridSearcher, query: str, mode: str) -> list[tuple]:
    """Everything a page of hits shows, scores exact."""
    page = searcher.search_page(query, 10, mode)
    return [page.total, page.off_topic, [(h.rank, h.passage["id"], h.score, h.snippet,
                                          h.sources, h.same_text) for h in page.hits]]


def some_judged_queries() -> list[str]:
    """The first few queries of every judged dev set."""
    out = []
    for path in sorted(DATA.glob("search_*.jsonl")):
        lines = [x for x in path.read_text("utf-8").splitlines()
                 if x.strip() and not x.startswith("#")]
        out += [json.loads(x)["query"] for x in lines[:4]]
    return out


@pytest.mark.slow
def test_prepared_searcher_returns_the_same_hits(built_data: Path) -> None:
    from web.pipeline.layout import index_home
    from web.settings import resolve

    embedder = embedder_for(resolve({"data": built_data})["embed_model"], str(built_data))
    queries = some_judged_queries()
    assert len(queries) >= 20
    forget_spans()  # per query, as before prepare() existed
    lazy = open_searcher(index_home(built_data), embedder)
    before = {(q, m): hits(lazy, q, m) for q in queries for m in ("hybrid", "bm25")}
    forget_spans()
    ready = open_searcher(index_home(built_data), embedder)
    ready.prepare()
    texts = {p["text"] for p in ready.index.passages}
    assert cached_spans(ready.index.bm25.analyzer.word_terms) >= len(texts)
    after = {(q, m): hits(ready, q, m) for q in queries for m in ("hybrid", "bm25")}
    assert after == before
    assert any(page[2] for page in after.values())  # the comparison saw real hits
