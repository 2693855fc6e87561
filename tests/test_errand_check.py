"""An errand the search cannot answer is refused (round 24, GT24): the service direction reads
it as a municipal errand and hybrid's best passage is not the best of both sides."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import search.domain_gate as dg
from search.domain_gate import DomainGate
from search.embedder import FakeEmbedder
from search.fusion import Ranked
from search.hybrid import HybridSearcher
from search.index_store import SearchIndex
from tests.test_query_memory import voting_for

PASSAGES = [
    "Förändrade rutiner för äldre minskar nattfastan och ger bättre sömn.",
    "Fritidsgårdar och föreningar får stöd till idrott och kultur.",
    "Skolan arbetar med elevhälsa och närvaro i alla årskurser.",
    "Parker, lekplatser och belysning på torget har rustats upp.",
]
QUERY = "boka hämtning av grovsopor"  # an errand of a dev off-topic file (held-out 5)
DIM = FakeEmbedder().dimension
FIRST_LOGIT = 5.0  # in domain by meaning: the service direction is not asked at the gate


def gate(service: float) -> DomainGate:
    """A gate accepting every vector, whose service logit is `service` for every vector."""
    zero = np.zeros(DIM, dtype=np.float32)
    return DomainGate(zero, FIRST_LOGIT, DomainGate(zero, service))


def searcher(service: float, lists: dict[str, Ranked] | None = None,
             monkeypatch: pytest.MonkeyPatch | None = None, votes: tuple[str, ...] = (),
             **options: float) -> HybridSearcher:
    """A searcher over PASSAGES with that gate; `lists` (when given) are both sides' rankings
    whatever the query, so the fused scores are known; `votes`: passages a judged question
    near every query was judged relevant to (a memory; none without); `options` the
    searcher's."""
    rows = [{"id": f"p/{i}", "heading": None, "kind": "narrative", "text": t}
            for i, t in enumerate(PASSAGES)]
    embedder = FakeEmbedder()
    index = dataclasses.replace(SearchIndex.build(rows, embedder), gate=gate(service), memory=None)
    found = HybridSearcher(voting_for(index, list(votes)) if votes else index, embedder, **options)
    if lists is not None and monkeypatch is not None:
        def ranked(query: str, vector: np.ndarray | None, fetch: int, *_: object,
                   **__: object) -> dict[str, Ranked]:
            return {name: rows for name, rows in lists.items()
                    if (name == "bm25" and query) or (name == "dense" and vector is not None)}
        monkeypatch.setattr(found, "ranked", ranked)
        # BM25's top passage holds all of the query: its weight is the full W_MAX
        monkeypatch.setattr(found, "coverage", lambda text, match: 1.0)
    return found


# BM25 and the dense side disagree: BM25's first is 0, dense's first is 3 (fused tops under 1)
APART = {"bm25": [(0, 4.0), (1, 1.0)], "dense": [(3, 0.90), (2, 0.85), (1, 0.80), (0, 0.70)]}
# both sides put passage 3 first: its fused score is 1.0
TOGETHER = {"bm25": [(3, 4.0), (1, 1.0)], "dense": [(3, 0.90), (2, 0.85), (1, 0.80), (0, 0.70)]}


def test_reads_as_errand_under_the_service_floor_only() -> None:
    vector = np.ones(DIM, dtype=np.float32)
    assert gate(dg.ERRAND_SERVICE_SCORE - 0.1).reads_as_errand([vector])
    assert not gate(dg.ERRAND_SERVICE_SCORE + 0.1).reads_as_errand([vector])
    assert not gate(-9.0).reads_as_errand([])  # no reading: nothing to read
    zero = np.zeros(DIM, dtype=np.float32)
    assert not DomainGate(zero, 1.0).reads_as_errand([vector])  # no service direction


def test_an_errand_the_sides_disagree_on_is_refused_in_every_mode(
        monkeypatch: pytest.MonkeyPatch) -> None:
    errand = searcher(dg.ERRAND_SERVICE_SCORE - 1.0, APART, monkeypatch)
    page = errand.search_page(QUERY, 10)
    assert page.off_topic and page.hits == [] and page.total == 0
    assert errand.search_page(QUERY, 10, "dense").off_topic  # one verdict in every mode
    assert errand.search_page(QUERY, 2, offset=2).off_topic  # and on every page
    assert not errand.search_page(QUERY, 10, "bm25").off_topic  # bm25 mode has no gate


def test_the_same_lists_answer_when_the_query_is_not_errand_like(
        monkeypatch: pytest.MonkeyPatch) -> None:
    plain = searcher(dg.ERRAND_SERVICE_SCORE + 1.0, APART, monkeypatch)
    page = plain.search_page(QUERY, 10)
    assert not page.off_topic and page.hits[0].score < dg.ERRAND_TOP_SCORE
    assert plain.search_page(QUERY, 10, "dense").hits


def test_an_errand_like_query_both_sides_answer_alike_keeps_its_hits(
        monkeypatch: pytest.MonkeyPatch) -> None:
    found = searcher(dg.ERRAND_SERVICE_SCORE - 1.0, TOGETHER, monkeypatch)
    page = found.search_page(QUERY, 10)
    assert not page.off_topic and page.hits[0].passage["id"] == "p/3"
    assert page.hits[0].score >= dg.ERRAND_TOP_SCORE
    assert found.search_page(QUERY, 10, "dense").hits



def test_a_judged_question_near_it_keeps_it_answered_whatever_the_fusion_weight(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # the memory votes for BM25's first passage: a judged question like this one had an answer
    for weight in (None, 0.0):  # the shipped weight, and a searcher that fuses without it
        options = {} if weight is None else {"memory_weight": weight}
        found = searcher(dg.ERRAND_SERVICE_SCORE - 1.0, APART, monkeypatch, ("p/0",), **options)
        assert not found.search_page(QUERY, 10).off_topic, weight
        assert not found.search_page(QUERY, 10, "dense").off_topic, weight
