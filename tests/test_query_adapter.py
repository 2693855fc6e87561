"""The query adapter: pseudo-query pairs, the ridge fit, persistence, and where hybrid uses it."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from corpus import read_report
from corpus.passages import build_passages
from search.embedder import FakeEmbedder
from search.hybrid import HybridSearcher
from search.index_store import SearchIndex, SearchIndexError
from search.query_adapter import FILE, RIDGE, QueryAdapter, fit_ridge, pseudo_pairs
from tests.conftest import REPORT_PATH

QUERIES = ["hjälpfond för barn", "grannsamverkan med polisen", "förskolans språkutveckling",
           "how are evictions of families prevented", "barnfamiljer vrakningar"]


class CountingEmbedder(FakeEmbedder):
    """A fake embedder that records every query text it embeds."""

    def __init__(self, dimension: int = 64) -> None:
        super().__init__(dimension)
        self.queries: list[str] = []

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        self.queries.extend(texts)
        return super().embed_queries(texts)


@pytest.fixture(scope="module")
def built() -> tuple[SearchIndex, CountingEmbedder]:
    """An index of the real 2025 report's passages, embedded by the fake model."""
    embedder = CountingEmbedder()
    return SearchIndex.build(build_passages(read_report(REPORT_PATH)), embedder), embedder


def passage(heading: str | None, goal: str | None, area: int | None = 1) -> dict:
    """The fields pseudo_pairs reads."""
    return {"heading": heading, "goal": goal, "goal_area": area, "text": "x"}


# ---------------------------------------------------------------- pairs and fit


def test_a_heading_under_one_goal_is_a_pseudo_query_and_a_generic_one_is_not() -> None:
    rows = [passage("Arenor för fritid", "C"), passage("Arenor för fritid", "C"),
            passage("Exempel på utvecklingsområden", "A"),
            passage("Exempel på utvecklingsområden", None, 2), passage(None, "C"),
            passage("Andel barn i familjer med låg inkomststandard", "A")]
    assert pseudo_pairs(rows) == [("Arenor för fritid", 0), ("Arenor för fritid", 1),
                                  ("Andel barn i familjer med låg inkomststandard", 5)]
    assert pseudo_pairs([passage(None, None)]) == []


def as_matrix(factors: tuple[np.ndarray, np.ndarray | None]) -> np.ndarray:
    """W from fit_ridge's factors of W − I."""
    left, right = factors
    return np.eye(left.shape[0]) + (left if right is None else left @ right)


def test_a_large_ridge_keeps_the_identity_and_a_small_one_fits_the_pairs() -> None:
    rng = np.random.default_rng(0)
    queries, targets = rng.standard_normal((200, 8)), rng.standard_normal((200, 8))
    assert np.allclose(as_matrix(fit_ridge(queries, targets, ridge=1e9)), np.eye(8), atol=1e-5)
    exact = targets @ np.diag(np.arange(1.0, 9.0))
    w = as_matrix(fit_ridge(targets, exact, ridge=1e-9))  # a linear map the pairs determine
    assert np.allclose(w, np.diag(np.arange(1.0, 9.0)), atol=1e-4)
    assert fit_ridge(queries, targets)[0].dtype == np.float32


def test_repeated_pseudo_queries_give_low_rank_factors_of_the_same_map() -> None:
    rng = np.random.default_rng(2)
    distinct = rng.standard_normal((5, 16))
    queries = distinct[[0, 0, 1, 2, 2, 2, 3, 4, 4]]  # five headings, nine passages
    targets = rng.standard_normal((9, 16))
    left, right = fit_ridge(queries, targets)
    assert left.shape == (16, 5) and right is not None and right.shape == (5, 16)
    q, p, lam = queries, targets, RIDGE * 9 / 16 * np.eye(16)  # λ = RIDGE × n / d
    full = np.linalg.solve(q.T @ q + lam, q.T @ p + lam)
    assert np.allclose(as_matrix((left, right)), full, atol=1e-5)
    many = rng.standard_normal((12, 16))  # r >= d/2: the whole map is kept
    whole, none = fit_ridge(many, rng.standard_normal((12, 16)))
    assert whole.shape == (16, 16) and none is None


def test_the_searched_vector_is_a_unit_mix_of_query_and_map() -> None:
    rng = np.random.default_rng(1)
    left, right = rng.standard_normal((6, 2)), rng.standard_normal((2, 6))
    adapter = QueryAdapter(left.astype(np.float32), right.astype(np.float32), alpha=0.25)
    matrix = np.eye(6) + left @ right
    q = rng.standard_normal(6).astype(np.float32)
    want = 0.75 * q + 0.25 * (q @ matrix)
    got = adapter.apply(q)
    assert np.allclose(got, want / np.linalg.norm(want), atol=1e-6)
    assert np.linalg.norm(got) == pytest.approx(1.0, abs=1e-6)
    assert np.allclose(adapter.matrix, matrix, atol=1e-6)
    assert np.allclose(dataclasses.replace(adapter, alpha=0.0).apply(q), q / np.linalg.norm(q))


def test_no_heading_gives_no_adapter() -> None:
    rows = [passage(None, "C")]
    assert QueryAdapter.fit(rows, np.zeros((1, 4)), FakeEmbedder(4).embed_queries) is None


# ---------------------------------------------------------------- the index


def test_ingest_fits_it_embedding_the_headings_once(built) -> None:
    index, embedder = built
    assert index.adapter is not None and index.adapter.matrix.shape == (64, 64)
    assert index.adapter.right is None  # more headings than half the fake's 64 dimensions
    headings = {p["heading"] for p in index.passages if p.get("heading")}
    asked = [t for t in embedder.queries if t in headings]
    assert sorted(asked) == sorted(set(asked))  # the gate's and the adapter's: one call
    again = SearchIndex.build(index.passages, FakeEmbedder())
    assert np.array_equal(again.adapter.matrix, index.adapter.matrix)  # deterministic


def test_it_is_saved_and_loaded_with_the_index(built, tmp_path: Path) -> None:
    index, _ = built
    index.save(tmp_path / "index")
    assert (tmp_path / "index" / FILE).is_file()
    loaded = SearchIndex.load(tmp_path / "index", FakeEmbedder())
    assert np.array_equal(loaded.adapter.matrix, index.adapter.matrix)
    assert loaded.adapter.alpha == index.adapter.alpha
    factored = QueryAdapter(np.ones((64, 3), np.float32), np.ones((3, 64), np.float32), 0.5)
    factored.save(tmp_path / "index")
    again = SearchIndex.load(tmp_path / "index", FakeEmbedder()).adapter
    assert np.array_equal(again.left, factored.left) and np.array_equal(again.right,
                                                                        factored.right)


def test_an_index_saved_without_it_loads_and_searches_as_before(built, tmp_path: Path) -> None:
    index, _ = built
    index.save(tmp_path / "index")
    (tmp_path / "index" / FILE).unlink()
    old = SearchIndex.load(tmp_path / "index", FakeEmbedder())
    assert old.adapter is None
    bare = HybridSearcher(index, FakeEmbedder(), adapt=False)
    for query in QUERIES:
        assert results(HybridSearcher(old, FakeEmbedder()), query) == results(bare, query)


def test_a_damaged_adapter_is_a_clear_error(built, tmp_path: Path) -> None:
    index, _ = built
    index.save(tmp_path / "index")
    (tmp_path / "index" / FILE).write_bytes(b"not a zip")
    with pytest.raises(SearchIndexError, match="ingest"):
        SearchIndex.load(tmp_path / "index", FakeEmbedder())
    QueryAdapter(np.zeros((8, 8), np.float32), None).save(tmp_path / "index")
    with pytest.raises(SearchIndexError, match="adapter"):
        SearchIndex.load(tmp_path / "index", FakeEmbedder())
    QueryAdapter(np.zeros((64, 3), np.float32), np.zeros((2, 64), np.float32)).save(
        tmp_path / "index")
    with pytest.raises(SearchIndexError, match="ingest"):
        SearchIndex.load(tmp_path / "index", FakeEmbedder())


# ---------------------------------------------------------------- where search uses it


def results(searcher: HybridSearcher, query: str, mode: str = "hybrid") -> list:
    """(id, score) of a page."""
    return [(h.passage["id"], h.score) for h in searcher.search(query, 10, mode)]


@pytest.mark.parametrize("mode", ["dense", "bm25"])
def test_dense_and_bm25_modes_never_use_it(built, mode: str) -> None:
    index, _ = built
    adapted = HybridSearcher(index, FakeEmbedder())
    bare = HybridSearcher(index, FakeEmbedder(), adapt=False)
    for query in QUERIES:
        assert results(adapted, query, mode) == results(bare, query, mode)


def test_folded_rows_score_the_mapped_query() -> None:
    rng = np.random.default_rng(3)
    for right in (rng.standard_normal((3, 12)), None):
        left = rng.standard_normal((12, 3 if right is not None else 12))
        adapter = QueryAdapter(left.astype(np.float32),
                               None if right is None else right.astype(np.float32), 0.25)
        q, rows = rng.standard_normal(12), rng.standard_normal((5, 12))
        assert np.allclose(adapter.folded(rows) @ q, rows @ adapter.mapped(q), atol=1e-4)
        assert adapter.norm(q) == pytest.approx(np.linalg.norm(adapter.mapped(q)), rel=1e-5)


def dense_of(searcher: HybridSearcher, query: str, exact: bool) -> list:
    """Hybrid's dense candidates for a query, as rows and scores."""
    vector = FakeEmbedder().embed_queries([query])[0]
    return searcher.ranked("", vector, 50, adapted=True,
                           repaired=vector if exact else None)["dense"]


def test_the_folded_vectors_rank_as_the_mapped_query_does(built) -> None:
    index, _ = built
    strong = dataclasses.replace(index, adapter=dataclasses.replace(index.adapter, alpha=0.9))
    folded = HybridSearcher(strong, FakeEmbedder())
    assert folded.folded is not None
    mapped = HybridSearcher(strong, FakeEmbedder())
    mapped.folded = None  # the query-side product instead
    bare = HybridSearcher(strong, FakeEmbedder(), adapt=False)
    for query in QUERIES:
        got, want = dense_of(folded, query, True), dense_of(mapped, query, True)
        assert [r for r, _ in got] == [r for r, _ in want]
        assert np.allclose([s for _, s in got], [s for _, s in want], atol=1e-5)
        scaled = dense_of(folded, query, False)  # one reading: scaled by |qM|, same order
        assert [r for r, _ in scaled] == [r for r, _ in want]
        assert [r for r, _ in dense_of(bare, query, True)] != [r for r, _ in want]
        page, same = results(folded, query), results(mapped, query)  # the fused page
        assert [i for i, _ in page] == [i for i, _ in same]
        assert np.allclose([x for _, x in page], [x for _, x in same], atol=1e-5)


def test_hybrid_gates_the_bare_vector(built, monkeypatch: pytest.MonkeyPatch) -> None:
    index, _ = built
    searcher = HybridSearcher(index, FakeEmbedder())
    gated: list[np.ndarray] = []
    in_domain = searcher.in_domain
    monkeypatch.setattr(searcher, "in_domain",
                        lambda t, vs, m, shared=None: gated.extend(vs)
                        or in_domain(t, vs, m, shared))
    searcher.search(QUERIES[0], 10)
    assert np.allclose(gated[0], FakeEmbedder().embed_queries([QUERIES[0]])[0])


def test_an_approximate_index_maps_the_query_instead(built) -> None:
    index, _ = built
    hnsw = SearchIndex.build(index.passages, FakeEmbedder(), exact_limit=10)
    assert hnsw.dense.kind == "hnsw" and hnsw.adapter is not None
    searcher = HybridSearcher(hnsw, FakeEmbedder())
    assert searcher.folded is None
    vector = FakeEmbedder().embed_queries([QUERIES[0]])[0]
    want = searcher.passage_hits(hnsw.adapter.apply(vector), 20)
    assert searcher.passage_hits(vector, 20, adapted=True) == want
    # hybrid's dense side then reads the indicators' names and the passages' phrasings with
    # the same mapped query
    mapped = hnsw.adapter.apply(vector)
    lifted = hnsw.phrasings.lifted(hnsw.aliases.lifted(want, mapped, 20), mapped, 20)
    assert searcher.dense_hits(vector, 20, adapted=True) == lifted
    # and it searches (without a gate: the fake model's gate reads nothing, and its errand
    # check, round 24, may refuse this query)
    assert HybridSearcher(dataclasses.replace(hnsw, gate=None), FakeEmbedder()).search(
        QUERIES[0], 10)


def test_the_rrf_baseline_never_uses_it(built) -> None:
    """The rrf baseline ranks alike with and without the adapter (not only its attribute)."""
    index, _ = built
    assert HybridSearcher(index, FakeEmbedder(), rrf=True).adapter is None
    assert HybridSearcher(index, FakeEmbedder()).adapter is index.adapter
    with_it = HybridSearcher(index, FakeEmbedder(), rrf=True)
    without = HybridSearcher(dataclasses.replace(index, adapter=None), FakeEmbedder(), rrf=True)
    for query in QUERIES:
        ranked = [[(h.passage["id"], round(h.score, 6)) for h in s.search(query, 10)]
                  for s in (with_it, without)]
        assert ranked[0] == ranked[1] and ranked[0], query


def test_searchers_over_one_index_share_its_folded_vectors(built) -> None:
    """Review finding 13: every searcher kept its own copy of the folded vectors."""
    index, _ = built
    first, second = HybridSearcher(index, FakeEmbedder()), HybridSearcher(index, FakeEmbedder())
    assert first.folded is not None and first.folded is second.folded
    other = HybridSearcher(dataclasses.replace(index), FakeEmbedder())
    assert other.folded is not first.folded  # another index object: its own
