"""HybridSearcher.prepare() works out every passage's snippet term spans at load (issue 12's
speed-up outside the encoder), in the searcher's own SpanCache: the hits must be exactly
those of a searcher that works them out per query, as before."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from corpus import read_report
from corpus.passages import build_passages
from search.embedder import FakeEmbedder
from search.engine import embedder_for, open_searcher
from search.hybrid import HybridSearcher
from search.index_store import SearchIndex
from search.snippets import SpanCache, snippet
from tests.conftest import REPORT_PATH

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
    before = snippet(text, {"unga", "höras"}, SpanCache(lazy).of)
    assert lazy.calls > 0 and "<mark>unga</mark>" in before
    ready = Counting()
    spans = SpanCache(ready)
    spans.warm([text])
    made = ready.calls
    assert snippet(text, {"unga", "höras"}, spans.of) == before
    assert ready.calls == made  # the query's snippet analysed no word of the passage


def test_a_full_cache_forgets_its_oldest_passage_first() -> None:
    counting = Counting()
    spans = SpanCache(counting, limit=2)
    spans.warm(["Barn och unga", "i Södertälje", "ska höras"])
    assert len(spans) == 2
    made = counting.calls
    assert spans.of("ska höras")["höras"] == ((4, 9),) and counting.calls == made  # kept
    spans.of("Barn och unga")  # the oldest went: analysed again
    assert counting.calls == made + 3


def test_each_searcher_prepares_its_own_spans_and_hits_stay_the_same() -> None:
    """The spans live with the searcher (an index reload drops them with it), and a
    prepared searcher's hits, snippets included, are those of one that is not."""
    embedder = FakeEmbedder()
    index = SearchIndex.build(build_passages(read_report(REPORT_PATH)), embedder)
    lazy, ready = HybridSearcher(index, embedder), HybridSearcher(index, embedder)
    ready.prepare()
    assert len(ready.spans) == len({p["text"] for p in index.passages}) and len(lazy.spans) == 0
    for query in ("trygg uppväxt", "föreningsbidrag till idrott", "våld i nära relationer"):
        assert hits(ready, query, "bm25") == hits(lazy, query, "bm25")
        assert "<mark>" in hits(ready, query, "bm25")[2][0][3]


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
    lazy = open_searcher(index_home(built_data), embedder)  # per query, as before prepare()
    before = {(q, m): hits(lazy, q, m) for q in queries for m in ("hybrid", "bm25")}
    ready = open_searcher(index_home(built_data), embedder)
    ready.prepare()
    assert len(ready.spans) == len({p["text"] for p in ready.index.passages})
    after = {(q, m): hits(ready, q, m) for q in queries for m in ("hybrid", "bm25")}
    assert after == before
    assert any(page[2] for page in after.values())  # the comparison saw real hits
