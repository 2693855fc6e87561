"""Round 8's learned-ranking benchmark (benchmarks/rights_learned.py, a withdrawn design kept as
a record): its pairwise fitter and the scope-term signal it compared."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np

from search.embedder import FakeEmbedder
from web.pipeline.rights_score import centred, features, lexical_matrix
from web.pipeline.rights_text import ArticleText, Sentence

ROOT = Path(__file__).resolve().parents[1]
BASE = "https://w3id.org/bokslut/id/"
ACTIONS = [BASE + "a/C-1", BASE + "a/F-1", BASE + "a/E-1"]


def load_benchmark():
    """benchmarks/rights_learned.py as a module (it imports its sibling rights_eval.py)."""
    if str(ROOT / "benchmarks") not in sys.path:
        sys.path.insert(0, str(ROOT / "benchmarks"))
    spec = importlib.util.spec_from_file_location("rights_learned_bench", ROOT / "benchmarks"
                                                  / "rights_learned.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["rights_learned_bench"] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


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


def test_scope_terms_find_the_action_that_uses_the_articles_typical_work() -> None:
    feats = features(articles(), sentences(), FakeEmbedder())
    m = centred(lexical_matrix(feats.articles, feats.sentences, ArticleText.scope_query))
    assert m.shape == (2, 3)
    assert m[0, 0] > m[0, 1] and m[0, 0] > m[0, 2]  # lek: lekplatser, fritidsgårdar
    assert m[1, 1] > m[1, 0] and m[1, 1] > m[1, 2]  # arbete: praktik, arbetsmarknadsinsatser
    first = lexical_matrix(feats.articles, feats.sentences)  # the article's first query
    assert not np.allclose(first, lexical_matrix(feats.articles, feats.sentences,
                                                 ArticleText.scope_query))


def test_pairwise_logistic_ranks_by_the_informative_signal_at_its_optimum() -> None:
    bench = load_benchmark()
    rng = np.random.default_rng(7)
    grades = rng.integers(0, 4, size=(6, 20)).astype(float)
    x = np.stack([grades + rng.normal(0, 0.5, grades.shape),  # informative
                  rng.normal(0, 1, grades.shape)], -1)  # noise
    w = bench.pairwise(x, grades)
    assert w[0] > 5 * abs(w[1])
    d = bench.pair_differences(x, grades)
    gradient = w - 2 * bench.PENALTY_C * d.T @ (1 - 1 / (1 + np.exp(-(d @ w))))
    assert np.abs(gradient).max() < 1e-8
