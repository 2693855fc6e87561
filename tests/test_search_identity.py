"""HybridSearcher.prepare() works out every passage's snippet term spans at load (issue 12's
speed-up outside the encoder): the hits must be exactly those of a searcher that works them
out per query, as before."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from search.engine import embedder_for, open_searcher
from search.hybrid import HybridSearcher
from search.snippets import snippet, term_spans, warm

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
    term_spans.cache_clear()
    before = snippet(text, {"unga", "höras"}, lazy)
    assert lazy.calls > 0 and "<mark>unga</mark>" in before
    term_spans.cache_clear()
    ready = Counting()
    warm([text], ready)
    made = ready.calls
    assert snippet(text, {"unga", "höras"}, ready) == before
    assert ready.calls == made  # the query's snippet analysed no word of the passage


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
    term_spans.cache_clear()  # per query, as before prepare() existed
    lazy = open_searcher(index_home(built_data), embedder)
    before = {(q, m): hits(lazy, q, m) for q in queries for m in ("hybrid", "bm25")}
    term_spans.cache_clear()
    ready = open_searcher(index_home(built_data), embedder)
    ready.prepare()
    assert term_spans.cache_info().currsize >= len({p["text"] for p in ready.index.passages})
    after = {(q, m): hits(ready, q, m) for q in queries for m in ("hybrid", "bm25")}
    assert after == before
    assert any(page[2] for page in after.values())  # the comparison saw real hits
