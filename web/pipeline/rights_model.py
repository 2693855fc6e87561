"""A learned pointwise ranker over the rights signals: per-pair features and an L2 logistic fit.

Every feature of an (article, action) pair is computed from the deployed signals of the run
(rights_score), none from a judgement: the deployed relevance, its dense and lexical parts, the
best sentence alone, the relevance on the scale shared by all articles, and whether the report
states the link. A model's score is the logit w·x, standardised per article over the run's
actions, so the class thresholds live on the same kind of scale as the deployed relevance.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize

from web.pipeline.rights_score import Features, action_columns, mixed_signal, per_article, top_mean

FEATURES = ("rel", "dense", "lex", "top1", "general", "stated")


@dataclass(frozen=True)
class Table:
    """Feature values per (article, action): rows articles (IRIs), columns actions (IRIs)."""

    articles: list[str]
    actions: list[str]
    values: dict[str, np.ndarray]  # feature name -> (articles, actions)

    def matrix(self, names: tuple[str, ...]) -> np.ndarray:
        """Shape (articles, actions, len(names))."""
        return np.stack([self.values[n] for n in names], axis=-1)


def feature_table(feats: Features, stated: set[tuple[str, str]], lexical_weight: float,
                  top: int, centre: bool = True) -> Table:
    """Every feature of every (article, action) pair of the run; `stated` holds
    (action IRI, article IRI) pairs."""
    mixed, dense, lexical = mixed_signal(feats, lexical_weight, centre)
    columns = action_columns(feats.sentences)
    general = top_mean(mixed, columns, top)[0]
    articles, actions = [a.iri for a in feats.articles], list(columns)
    flags = np.array([[float((act, art) in stated) for act in actions] for art in articles])
    return Table(articles, actions, {
        "rel": per_article(general),
        "dense": per_article(top_mean(dense, columns, top)[0]),
        "lex": per_article(top_mean(lexical, columns, top)[0]),
        "top1": per_article(top_mean(mixed, columns, 1)[0]),
        "general": general,
        "stated": flags})


def fit(x: np.ndarray, y: np.ndarray, lam: float) -> tuple[np.ndarray, float]:
    """(weights on x's own scale, intercept) of mean log-loss + lam/2·|w|² on standardised
    columns (the intercept not penalised), by L-BFGS."""
    mean, std = x.mean(axis=0), x.std(axis=0)
    std = np.where(std > 0, std, 1.0)
    z = (x - mean) / std

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        logit = z @ theta[1:] + theta[0]
        p = 1.0 / (1.0 + np.exp(-logit))
        # log(1 + e^t) − y·t, written stably
        value = np.mean(np.logaddexp(0.0, logit) - y * logit) + lam / 2 * theta[1:] @ theta[1:]
        residual = (p - y) / len(y)
        grad = np.concatenate([[residual.sum()], z.T @ residual + lam * theta[1:]])
        return float(value), grad

    theta = minimize(loss, np.zeros(x.shape[1] + 1), jac=True, method="L-BFGS-B").x
    weights = theta[1:] / std
    return weights, float(theta[0] - weights @ mean)


def learned_relevance(table: Table, names: tuple[str, ...], weights: np.ndarray) -> np.ndarray:
    """The logit w·x of every pair, standardised per article over the run's actions."""
    return per_article(table.matrix(names) @ np.asarray(weights, dtype=float))
