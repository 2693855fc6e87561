"""The relevance of an (article, action) pair: a learned combination of three text signals.

Each signal is an (articles × actions) matrix, standardised per article over the run's actions;
the relevance is their weighted sum, standardised per article again (the scale the class
thresholds and the stated bonus of rights_rank.py use):

  sentences    the pooled relevance of the action's best sentences (rights_score.pair_scores'
               general value, round 6's design on its own)
  goal         cosine of the article's two queries to the title of the action's mål and
               målområde (passage prompt), centred per action over all articles: what the
               report files the action under, in the report's own words
  scope_terms  idf-weighted share of the terms of the article's scope query (its title and the
               municipal work that typically serves it) found anywhere in the action's text,
               centred per action over all articles

The weights are fitted by pairwise logistic regression on the judged articles (within each
article, which of two differently graded actions is better) by benchmarks/rights_fit.py, and
compared with other designs by leave-one-article-out CV in benchmarks/rights_learned.py
(benchmarks/results/rights_eval_round8_choices.txt). Grades are never used at run time: only
these weights ship.
"""

from __future__ import annotations

import numpy as np

from search.embedder import Embedder
from web.pipeline.rights_score import (
    Features,
    Relevance,
    centred,
    lexical_matrix,
    per_article,
)
from web.pipeline.rights_text import ArticleText, Sentence, joined

# Fitted by benchmarks/rights_fit.py on the 42 judged articles (sets 1-6), L1-normed.
WEIGHTS = {"sentences": 0.555, "goal": 0.179, "scope_terms": 0.266}


def goal_text(goal: str, area: str) -> str:
    """What the goal signal embeds for an action: its mål title, then its målområde title."""
    return joined([goal, area])


def goal_signal(feats: Features, actions: list[str], goals: dict[str, str],
                embedder: Embedder) -> np.ndarray:
    """Mean cosine of each article's two queries with each action's goal text, centred per
    action (0 for an action without one); each distinct text embedded once."""
    texts = list(dict.fromkeys(goals[a] for a in actions if goals.get(a)))
    if not texts or feats.queries is None:
        return np.zeros((len(feats.articles), len(actions)))
    row = {t: i for i, t in enumerate(texts)}
    vectors = embedder.embed_passages(texts)
    cosine = centred((feats.queries @ vectors.T).mean(axis=0))
    out = np.zeros((len(feats.articles), len(actions)))
    for k, action in enumerate(actions):
        if goals.get(action):
            out[:, k] = cosine[:, row[goals[action]]]
    return out


def scope_term_signal(feats: Features, actions: list[str]) -> np.ndarray:
    """Share of each article's scope-query terms in each action's whole text, centred per
    action (idf over the actions' texts)."""
    texts: dict[str, list[str]] = {a: [] for a in actions}
    for s in feats.sentences:
        texts[s.action].append(s.text)
    whole = [Sentence(a, a, None, " ".join(texts[a])) for a in actions]
    return centred(lexical_matrix(feats.articles, whole, ArticleText.scope_query))


def signals(feats: Features, general: np.ndarray, actions: list[str],
            goals: dict[str, str], embedder: Embedder) -> dict[str, np.ndarray]:
    """The three signals, each standardised per article over the actions."""
    raw = {"sentences": general,
           "goal": goal_signal(feats, actions, goals, embedder),
           "scope_terms": scope_term_signal(feats, actions)}
    return {name: per_article(m) for name, m in raw.items()}


def combined(standard: dict[str, np.ndarray], weights: dict[str, float]) -> np.ndarray:
    """The weighted sum of the standardised signals, standardised per article."""
    return per_article(sum(w * standard[name] for name, w in weights.items()))


def learned(feats: Features, goals: dict[str, str], embedder: Embedder,
            weights: dict[str, float] = WEIGHTS) -> Relevance:
    """A relevance function for rights_score.pair_scores: these signals under `weights`."""
    def relevance(general: np.ndarray, actions: list[str]) -> np.ndarray:
        return combined(signals(feats, general, actions, goals, embedder), weights)
    return relevance
