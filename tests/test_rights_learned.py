"""The learned rights relevance: its signals on small inputs, its fit, and the shipped weights."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from search.embedder import FakeEmbedder
from web.pipeline.rights_learned import (
    WEIGHTS,
    combined,
    goal_signal,
    learned,
    scope_term_signal,
    signals,
)
from web.pipeline.rights_score import features, pair_scores
from web.pipeline.rights_text import ArticleText, Sentence

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))  # the fitter is a script there
import rights_fit  # noqa: E402

BASE = "https://w3id.org/bokslut/id/"


def articles() -> list[ArticleText]:
    """Two small articles with scope notes."""
    return [ArticleText(BASE + "crc/31", "CRC 31", "Lek och fritid", (),
                        "Barnet har rätt till lek.", "Fritidsgårdar, lekplatser och idrott."),
            ArticleText(BASE + "udhr/23", "UDHR 23", "Arbete", (),
                        "Var och en har rätt till arbete.", "Arbetsmarknadsinsatser och praktik.")]


def sentences() -> list[Sentence]:
    """Three actions, one sentence each."""
    texts = ["Nya lekplatser och fritidsgårdar byggs.",
             "Fler får praktik genom arbetsmarknadsinsatser.",
             "Skolan arbetar med läsning i alla klasser."]
    return [Sentence(a, BASE + f"p/{n}", n, t)
            for n, (a, t) in enumerate(zip(ACTIONS, texts, strict=True), 1)]


ACTIONS = [BASE + "a/C-1", BASE + "a/F-1", BASE + "a/E-1"]


def test_scope_terms_find_the_action_that_uses_the_articles_typical_work() -> None:
    m = scope_term_signal(features(articles(), sentences(), FakeEmbedder()), ACTIONS)
    assert m.shape == (2, 3)
    assert m[0, 0] > m[0, 1] and m[0, 0] > m[0, 2]  # lek: lekplatser, fritidsgårdar
    assert m[1, 1] > m[1, 0] and m[1, 1] > m[1, 2]  # arbete: praktik, arbetsmarknadsinsatser


def test_the_goal_signal_is_zero_for_an_action_without_a_goal_and_equal_within_one() -> None:
    feats = features(articles(), sentences(), FakeEmbedder())
    goals = dict.fromkeys(ACTIONS[:2], "Fritid för alla. Barn och unga.")
    m = goal_signal(feats, ACTIONS, goals, FakeEmbedder())
    assert np.all(m[:, 2] == 0)
    assert m[:, 0] == pytest.approx(m[:, 1])
    assert np.abs(m[:, 0]).max() > 0  # centred over the articles, not constant


def test_the_learned_relevance_is_the_standardised_weighted_sum_of_the_signals() -> None:
    feats = features(articles(), sentences(), FakeEmbedder())
    goals = {a: f"Mål {a[-3]}. Område." for a in ACTIONS}
    pairs = pair_scores(feats, 0.2, 3, True, learned(feats, goals, FakeEmbedder()))
    relevance = np.array([[p.relevance for p in pairs if p.article == a.iri]
                          for a in feats.articles])
    assert relevance.mean(axis=1) == pytest.approx([0, 0], abs=1e-9)
    assert relevance.std(axis=1) == pytest.approx([1, 1])
    general = np.array([[p.general for p in pairs if p.article == a.iri]
                        for a in feats.articles])
    standard = signals(feats, general, ACTIONS, goals, FakeEmbedder())
    assert relevance == pytest.approx(combined(standard, WEIGHTS))
    assert relevance != pytest.approx(combined(standard, {"sentences": 1.0}))


def test_pairwise_logistic_ranks_by_the_informative_signal_at_its_optimum() -> None:
    rng = np.random.default_rng(7)
    grades = rng.integers(0, 4, size=(6, 20)).astype(float)
    x = np.stack([grades + rng.normal(0, 0.5, grades.shape),  # informative
                  rng.normal(0, 1, grades.shape)], -1)  # noise
    w = rights_fit.pairwise_logistic(x, grades)
    assert w[0] > 5 * abs(w[1])
    d = rights_fit.pair_differences(x, grades)
    gradient = w - 2 * rights_fit.PENALTY_C * d.T @ (1 - 1 / (1 + np.exp(-(d @ w))))
    assert np.abs(gradient).max() < 1e-8


def test_the_shipped_weights_are_what_the_fitter_gives_from_its_recorded_signals() -> None:
    saved = np.load(rights_fit.DESIGN)
    assert list(saved["names"]) == list(WEIGHTS)
    assert saved["x"].shape[:2] == saved["grades"].shape and len(saved["articles"]) == 42
    assert rights_fit.fitted_weights(saved["x"].astype(float), saved["grades"]) == WEIGHTS
    assert sum(abs(w) for w in WEIGHTS.values()) == pytest.approx(1, abs=0.002)
