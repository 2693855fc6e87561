"""The two per-query weight models of round 25 (LW25), fitted LOPO with nested choices.

Reads learned_weight_curves.py's output (per pool query: nDCG@10 at w 0..1 and as shipped,
features). M1: per w a ridge regression of the curve on the standardised features; M2: the mean
curve of the k nearest training queries. A query gets the w of the best prediction, or the shipped
rule unless that w beats the shipped prediction by a margin. Every choice is made on the other
parts only. The figures: benchmarks/results/eval_round25_learned_weight.txt. Run:
    python benchmarks/learned_weight_fit.py {M1,M2} CURVES.json [CURVES.json ...]
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable

import numpy as np
from memory_lopo import pool

GRID = [str(round(0.1 * i, 1)) for i in range(11)]
SHIPPED = len(GRID)  # the curve's last column: the shipped rule
FEATURES = ["cov", "words", "bm25_top", "bm25_ratio", "dense_top", "dense_gap2", "dense_gap10",
            "agree5", "memory", "said"]
MARGINS = (0.0, 0.01, 0.02)
Model = Callable[[np.ndarray, np.ndarray, float], np.ndarray]


class Curves:
    """The pool's curves, features, refusals, parts and types, in pool order."""

    def __init__(self, paths: list[str]) -> None:
        """Load the curve files."""
        done: dict = {}
        for path in paths:
            with open(path, encoding="utf-8") as f:
                done.update(json.load(f))
        self.order = list(pool())
        rows = [(part, r) for part in self.order for r in done[part]]
        zero = dict.fromkeys(FEATURES, 0.0)  # a query the gate refuses has no fusion to read
        feats = [r["feat"] or zero for _, r in rows]
        self.x = np.array([[f[k] for k in FEATURES] + [f["cov"] ** 2] for f in feats], float)
        self.y = np.array([[r[g] for g in GRID] + [r["shipped"]] for _, r in rows])
        self.refused = np.array([[r["refused" + g] for g in GRID] + [r["refused"]]
                                 for _, r in rows])
        self.parts = np.array([p for p, _ in rows])
        self.types = np.array([r["type"] for _, r in rows])
        self.ids = [r["id"] for _, r in rows]

    def standardised(self, train: np.ndarray, test: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Features scaled by the training rows' mean and spread."""
        mu, sd = self.x[train].mean(0), self.x[train].std(0) + 1e-9
        return (self.x[train] - mu) / sd, (self.x[test] - mu) / sd

    def ridge(self, train: np.ndarray, test: np.ndarray, alpha: float) -> np.ndarray:
        """M1: every column of the curve predicted by one multi-output ridge regression."""
        a, b = self.standardised(train, test)
        a, b = np.c_[np.ones(len(a)), a], np.c_[np.ones(len(b)), b]
        penalty = alpha * np.eye(a.shape[1])
        penalty[0, 0] = 0.0  # the intercept is not shrunk
        return b @ np.linalg.solve(a.T @ a + penalty, a.T @ self.y[train])

    def knn(self, train: np.ndarray, test: np.ndarray, k: float) -> np.ndarray:
        """M2: the mean curve of the k nearest training queries."""
        a, b = self.standardised(train, test)
        dist = ((b[:, None, :] - a[None, :, :]) ** 2).sum(-1)
        return self.y[train][np.argsort(dist, 1)[:, :int(k)]].mean(1)


def choose(pred: np.ndarray, margin: float) -> np.ndarray:
    """The column each query gets: the best predicted w if it beats the shipped by `margin`."""
    best = pred[:, :SHIPPED].argmax(1)
    gain = pred[np.arange(len(pred)), best] - pred[:, SHIPPED]
    return np.where(gain > margin, best, SHIPPED)


def lopo(c: Curves, idx: np.ndarray, model: Model, param: float, margin: float) -> np.ndarray:
    """Mean score over idx, each part predicted from the other parts in idx."""
    out = np.empty(len(idx))
    for part in np.unique(c.parts[idx]):
        mask = c.parts[idx] == part
        test, train = idx[mask], idx[~mask]
        out[mask] = c.y[test, choose(model(train, test, param), margin)]
    return out


def nested(c: Curves, model: Model, params: tuple) -> tuple[np.ndarray, np.ndarray, list]:
    """Per pool part: the parameter and margin chosen LOPO on the other parts, then applied."""
    every = np.arange(len(c.ids))
    scores, chosen, picks = np.empty(len(every)), np.empty(len(every), int), []
    for part in c.order:
        test, train = every[c.parts == part], every[c.parts != part]
        _, param, margin = max((float(np.mean(lopo(c, train, model, p, m))), p, m)
                               for p in params for m in MARGINS)
        picks.append((param, margin))
        chosen[test] = choose(model(train, test, param), margin)
        scores[test] = c.y[test, chosen[test]]
    return scores, chosen, picks


def report(c: Curves, name: str, scores: np.ndarray, chosen: np.ndarray, picks: list) -> None:
    """Pooled and per type against the shipped rule; the weights chosen; new refusals."""
    base = c.y[:, SHIPPED]
    print(f"== {name}: LOPO pooled {scores.mean():.4f} vs P {base.mean():.4f} "
          f"({scores.mean() - base.mean():+.4f}); picks {sorted(set(picks))}")
    for kind in sorted(set(c.types)):
        m = c.types == kind
        print(f"   {kind:<12}{m.sum():>5} {base[m].mean():.4f} -> {scores[m].mean():.4f} "
              f"({scores[m].mean() - base[m].mean():+.4f})")
    names = [*GRID, "shipped"]
    print("   w chosen:", {names[col]: int((chosen == col).sum()) for col in np.unique(chosen)})
    fresh = [c.ids[i] for i in range(len(c.ids))
             if c.refused[i, chosen[i]] and not c.refused[i, SHIPPED]]
    print("   refused at the chosen w that P answers:", fresh, "| up",
          int((scores > base + 1e-9).sum()), "down", int((scores < base - 1e-9).sum()))


def main() -> None:
    """Fit and report one model."""
    curves = Curves(sys.argv[2:])
    if sys.argv[1] == "M1":
        report(curves, "M1 ridge", *nested(curves, curves.ridge, (1.0, 10.0, 100.0)))
    else:
        report(curves, "M2 knn", *nested(curves, curves.knn, (25, 50, 100, 200)))


if __name__ == "__main__":
    main()
