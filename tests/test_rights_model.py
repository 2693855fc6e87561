"""The learned rights ranker's parts: features, fit and ordering, on tiny inputs."""

from __future__ import annotations

import numpy as np

from search.embedder import FakeEmbedder
from web.pipeline.rights_model import FEATURES, Table, feature_table, fit, learned_relevance
from web.pipeline.rights_score import features, pair_scores
from web.pipeline.rights_text import ArticleText, Sentence

BASE = "https://w3id.org/bokslut/id/"


def article(iri: str, title: str, definition: str) -> ArticleText:
    """A small article text."""
    return ArticleText(BASE + iri, iri.upper(), title, (), definition)


def sentence(action: str, text: str) -> Sentence:
    """A sentence of action `action`."""
    return Sentence(BASE + "atgard/" + action, BASE + f"passage/{action}", 3, text)


def small_features():
    """Three articles and three actions with a few sentences each (fake embedder)."""
    articles = [article("crc/31", "Lek och fritid", "Barns rätt till lek, vila och fritid."),
                article("crc/28", "Utbildning", "Rätt till skola och utbildning."),
                article("crc/24", "Hälsa", "Rätt till hälsa och sjukvård.")]
    sentences = [sentence("A-1", "Fritidsgårdar och lek i parker för barn."),
                 sentence("A-1", "Sommarlovsaktiviteter med idrott och fritid."),
                 sentence("A-2", "Skolan stärker elevernas utbildning och lärande."),
                 sentence("A-3", "Vårdcentralen når fler barn med hälsa och vård."),
                 sentence("A-3", "Tandvård och sjukvård för unga.")]
    return features(articles, sentences, FakeEmbedder(16))


def test_the_relevance_feature_is_the_deployed_relevance() -> None:
    feats = small_features()
    table = feature_table(feats, {(BASE + "atgard/A-2", BASE + "crc/28")}, 0.2, 3)
    assert set(table.values) == set(FEATURES)
    pairs = pair_scores(feats, 0.2, 3)
    for p in pairs:
        i, k = table.articles.index(p.article), table.actions.index(p.action)
        assert np.isclose(table.values["rel"][i, k], p.relevance)
        assert np.isclose(table.values["general"][i, k], p.general)
    assert table.values["stated"].sum() == 1.0
    assert table.values["stated"][1, 1] == 1.0


def test_the_models_ordering_follows_its_weights() -> None:
    values = {"rel": np.array([[1.0, 0.0, -1.0]]), "stated": np.array([[0.0, 1.0, 0.0]])}
    table = Table(["a"], ["x", "y", "z"], values)
    names = ("rel", "stated")
    # a small stated weight keeps the relevance order, a large one lifts the stated action
    assert list(np.argsort(-learned_relevance(table, names, np.array([1.0, 0.5]))[0])) == [0, 1, 2]
    assert list(np.argsort(-learned_relevance(table, names, np.array([1.0, 2.0]))[0])) == [1, 0, 2]
    # per article standardised: mean 0, unit spread
    scores = learned_relevance(table, names, np.array([1.0, 2.0]))[0]
    assert np.isclose(scores.mean(), 0.0) and np.isclose(scores.std(), 1.0)


def test_the_fit_weights_the_informative_feature_and_shrinks_with_l2() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(400, 2))
    y = (x[:, 0] + 0.3 * rng.normal(size=400) > 0).astype(float)
    weak, _ = fit(x, y, 0.1)
    strong, _ = fit(x, y, 0.001)
    assert strong[0] > abs(strong[1]) * 5 and strong[0] > 0
    assert abs(weak[0]) < abs(strong[0])
