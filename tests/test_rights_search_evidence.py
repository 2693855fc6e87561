"""The search engine's view as a second rights evidence (round 10), on a small index."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from search.embedder import FakeEmbedder
from search.hits import MAX_QUERY_CHARS
from search.hybrid import HybridSearcher
from search.index_store import SearchIndex
from web.pipeline.inferred import method_text
from web.pipeline.rights_rank import CHOSEN, Thresholds
from web.pipeline.rights_score import (
    actions_of,
    features,
    pair_scores,
    per_article,
    search_evidence,
    search_lists,
)
from web.pipeline.rights_text import ArticleText, Sentence

BASE = "https://w3id.org/bokslut/id/"
TEXTS = {  # action -> its one narrative passage
    "C-1": "Nya lekplatser och fritidsgårdar ger barnen mer lek och fritid efter skolan.",
    "F-1": "Arbetsmarknadsinsatser och praktik ger fler vuxna ett arbete och egen försörjning.",
    "E-1": "Skolan arbetar med läsning och studiero så att fler elever når målen.",
}


def article(iri: str, title: str, definition: str, scope: str = "") -> ArticleText:
    """A small article text."""
    return ArticleText(BASE + iri, iri.upper().replace("/", " "), title, (), definition, scope)


ARTICLES = [article("crc/31", "Lek, vila och fritid", "Barnet har rätt till lek och fritid.",
                    "Lekplatser, fritidsgårdar och lovaktiviteter."),
            article("udhr/23", "Arbete", "Var och en har rätt till arbete och försörjning.")]


@pytest.fixture(scope="module")
def searcher() -> HybridSearcher:
    """An index of the three actions' passages and one passage that renders no action."""
    rows = [{"id": f"p/{a}", "text": t, "year": 2025, "municipality": "X", "goal_area": 1,
             "goal": a[0], "kind": "narrative", "heading": None, "source": f"atgard/{a}"}
            for a, t in TEXTS.items()]
    rows.append({"id": "p/list", "text": "Barnets rätt till lek och fritid, rätt till arbete.",
                 "year": 2025, "municipality": "X", "goal_area": 1, "goal": None,
                 "kind": "rights", "heading": None, "source": None})
    embedder = FakeEmbedder()
    return HybridSearcher(SearchIndex.build(rows, embedder), embedder)


@pytest.fixture(scope="module")
def feats():
    """The rights features of the three actions (one sentence each)."""
    sents = [Sentence(BASE + f"atgard/{a}", BASE + f"p/{a}", 1, t) for a, t in TEXTS.items()]
    return features(ARTICLES, sents, FakeEmbedder())


def test_four_lists_score_every_passage_for_every_article(feats, searcher) -> None:
    lists = search_lists(feats, searcher)
    assert len(lists) == 4  # first and scope query, each in bm25 and dense mode
    for m in lists:
        assert m.shape == (len(ARTICLES), len(searcher.index.passages))
    assert (lists[0][0] > 0).sum() >= 2  # bm25: the lek and fritid words are found


def test_the_evidence_prefers_the_action_whose_passage_the_search_finds(feats, searcher) -> None:
    ev = search_evidence(feats, searcher, BASE)
    actions = [a.removeprefix(BASE + "atgard/") for a in actions_of(feats)]
    assert ev.shape == (len(ARTICLES), len(actions))
    assert actions[int(np.argmax(ev[0]))] == "C-1"  # lek och fritid
    assert actions[int(np.argmax(ev[1]))] == "F-1"  # arbete
    assert ev.mean(axis=1) == pytest.approx([0, 0], abs=1e-9)  # standardised per article


def test_a_passage_that_renders_no_action_gives_no_evidence(feats, searcher) -> None:
    """The rights list matches every article's words but belongs to no action."""
    ev = search_evidence(feats, searcher, BASE)
    assert ev.shape[1] == len(TEXTS)


def test_without_a_weight_the_relevance_is_the_sentences_own(feats, searcher) -> None:
    plain = pair_scores(feats, 0.2, top=1)
    ev = search_evidence(feats, searcher, BASE)
    assert pair_scores(feats, 0.2, 1, True, ev, 0.0) == plain
    mixed = pair_scores(feats, 0.2, 1, True, ev, 1.0)
    rel = np.array([[p.relevance for p in plain if p.article == a.iri] for a in ARTICLES])
    got = np.array([[p.relevance for p in mixed if p.article == a.iri] for a in ARTICLES])
    assert got == pytest.approx(per_article(rel + ev), abs=1e-6)
    # the general value (the härledd floor's shared scale) and the evidence sentence stay
    assert [(p.general, p.sentence) for p in mixed] == [(p.general, p.sentence) for p in plain]


def test_a_query_longer_than_search_allows_is_cut_not_refused(feats, searcher) -> None:
    long = dataclasses.replace(ARTICLES[0], definition="lek och fritid " * 400)
    assert len(long.query()) > MAX_QUERY_CHARS
    wide = dataclasses.replace(feats, articles=[long, ARTICLES[1]], queries=None)
    assert search_evidence(wide, searcher, BASE).shape == (2, len(TEXTS))


def test_the_deployed_design_uses_the_search_view_and_says_so() -> None:
    assert Thresholds(0.2, 2.0, 1.0, 0.75).search_weight == 0.0
    assert CHOSEN.search_weight > 0
    assert "sökmotorns" in method_text("modell", CHOSEN)
    assert "sökmotorns" not in method_text("modell", Thresholds(0.2, 2.0, 1.0, 0.75))
