"""The domain gate's corroborated near miss: just under its floor, where both sides agree."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import search.domain_gate as dg
from search.domain_gate import CORROBORATED_MARGIN, DomainGate, sides_agree
from search.embedder import FakeEmbedder
from search.hybrid import HybridSearcher
from search.index_store import SearchIndex

PASSAGES = [
    {"text": "Förändrade rutiner för äldre minskar nattfastan och ger bättre sömn."},
    {"text": "Fritidsgårdar och föreningar får stöd till idrott och kultur."},
    {"text": "Skolan arbetar med elevhälsa och närvaro i alla årskurser."},
    {"text": "Parker, lekplatser och belysning på torget har rustats upp."},
]
# round 14's case (held-out 6): one rare word of three, å/ä missing; the lexical match is a third
TYPO = "nattfastan pa aldreboenden"
VECTOR = np.ones(FakeEmbedder().dimension, dtype=np.float32)  # any vector: the gates are constant


def constant(logit: float, service: float | None = None) -> DomainGate:
    """A gate whose first logit is `logit` for every vector (and service logit `service`)."""
    zero = np.zeros(FakeEmbedder().dimension, dtype=np.float32)
    second = None if service is None else DomainGate(zero, service)
    return DomainGate(zero, logit, second)


def test_a_near_miss_is_within_the_margin_of_its_languages_floor() -> None:
    swedish, english = dg.MIN_DOMAIN_SCORE, dg.MIN_DOMAIN_SCORE_ENGLISH
    near, far = CORROBORATED_MARGIN / 2, CORROBORATED_MARGIN * 1.5
    assert not constant(swedish - near).accepts(VECTOR, 0.0, False, "stöd till äldre")
    assert constant(swedish - near).near_miss(VECTOR, "stöd till äldre")
    assert not constant(swedish - far).near_miss(VECTOR, "stöd till äldre")
    assert constant(english - near).near_miss(VECTOR, "gambling among teenage boys")
    assert not constant(english - far).near_miss(VECTOR, "gambling among teenage boys")
    # the service direction is asked as in accepts (the first logit is under 0)
    errand = constant(swedish - near, service=dg.MIN_SERVICE_SCORE - 1.0)
    assert not errand.near_miss(VECTOR, "anmäla trasig gatlykta")
    assert not constant(swedish - near).near_miss(VECTOR, "jjjjjjjj")  # non-words never pass
    assert not constant(swedish - near).near_miss(None, "stöd till äldre")


def test_the_sides_agree_when_their_best_two_share_a_passage() -> None:
    assert sides_agree([4, 7, 1], [7, 2])
    assert sides_agree([4, 7], [4])
    assert not sides_agree([4, 7, 1], [1, 2])  # the third does not count
    assert not sides_agree([], [1, 2])


def searcher_with(gate: DomainGate) -> HybridSearcher:
    """A searcher over PASSAGES with this gate."""
    rows = [{"id": f"p/{i}", "heading": None, "kind": "narrative", **p}
            for i, p in enumerate(PASSAGES)]
    embedder = FakeEmbedder()
    return HybridSearcher(dataclasses.replace(SearchIndex.build(rows, embedder), gate=gate),
                          embedder)


def verdict(searcher: HybridSearcher, text: str) -> bool:
    """in_domain for `text` as search_page asks it."""
    vector = searcher.embedder.embed_queries([text])[0]
    return searcher.in_domain(text, [vector, None], searcher.lexical_match(text, {}))


def test_a_corroborated_near_miss_passes_in_the_searcher(monkeypatch: pytest.MonkeyPatch) -> None:
    near = searcher_with(constant(dg.MIN_DOMAIN_SCORE - CORROBORATED_MARGIN / 2))
    assert verdict(near, TYPO)
    page = near.search_page(TYPO, 10)
    assert not page.off_topic and page.hits[0].passage["id"] == "p/0"
    assert near.search_page(TYPO, 10, "dense").hits  # the same verdict in every mode
    assert not near.search_page(TYPO, 10, "bm25").off_topic
    assert not near.search_page(TYPO, 1, offset=1).off_topic  # and on every page
    far = searcher_with(constant(dg.MIN_DOMAIN_SCORE - CORROBORATED_MARGIN * 1.5))
    assert not verdict(far, TYPO) and far.search_page(TYPO, 10).off_topic
    # the dense side names other passages first: no agreement, refused
    monkeypatch.setattr(near, "dense_hits", lambda *args, **kwargs: [(3, 0.9), (2, 0.8)])
    assert not verdict(near, TYPO)
