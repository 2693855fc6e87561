"""A scorer design tried and rejected: a learned mix of four per-article-standardised signals.

Run: .venv/bin/python benchmarks/rights_designs.py [--index DIR] \
         > benchmarks/results/rights_eval_designs.txt

The design was fixed on the first judged set (leave-one-article-out) and only then checked
once on the five new articles (tests/data/rights_judged_2.jsonl), against the production
signal under the same answer rule and threshold choice. Signals per (article, action), each
centred over all articles and standardised per article over the 45 actions: the dense
cosine of the two best sentences (their passages' vectors), their lexical overlap, the
cosine of the action's mean passage vector, and BM25 of the article's query against the
action's whole text (Swedish analyzer). A logistic regression (grade ≥ 2) weighs them; the
class thresholds maximise F1 as in rights_eval.py, on a grid of score quantiles. Also shown:
the production signal with a learned weight for the report's own statement (bk:supportsRight).
"Production" here is the design of the round these were compared in: each sentence takes its
passage's vector, one scale for all articles. That is rebuilt below, so the recorded figures
stay reproducible; this round's design (sentence vectors, per-article scale) is measured by
rights_eval.py.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import numpy as np

# run as a script, so benchmarks/ is on the path
from rights_eval import encoder_note, load_inputs, ndcg, passage_vectors, precision

from search.analysis import SwedishAnalyzer
from web.pipeline.rights_score import Features, centred, standardised

Case = tuple[str, str, int, np.ndarray, np.ndarray]  # notation, set, row, grades, stated


def bm25(queries: list[str], texts: list[str], k1: float = 1.2, b: float = 0.75) -> np.ndarray:
    """Okapi BM25 of each query against each text."""
    analyzer, docs = SwedishAnalyzer.fit(texts)
    lengths = np.array([len(d) for d in docs], dtype=float)
    norm = k1 * (1 - b + b * lengths / lengths.mean())
    counts, df = [Counter(d) for d in docs], Counter(t for d in docs for t in set(d))
    out = np.zeros((len(queries), len(docs)))
    for i, query in enumerate(queries):
        for term in set(analyzer.analyze_document(query)) & df.keys():
            idf = math.log(1 + (len(docs) - df[term] + 0.5) / (df[term] + 0.5))
            tf = np.array([c[term] for c in counts], dtype=float)
            out[i] += idf * tf * (k1 + 1) / (tf + norm)
    return out


def per_article(m: np.ndarray) -> np.ndarray:
    """Each row standardised over its actions."""
    return (m - m.mean(1, keepdims=True)) / m.std(1, keepdims=True)


def top2(m: np.ndarray, columns: list[list[int]]) -> np.ndarray:
    """Mean of the two best columns of each group, per row."""
    return np.stack([np.sort(m[:, c], 1)[:, ::-1][:, :2].mean(1) for c in columns], 1)


def signals(inputs) -> tuple[dict[str, np.ndarray], list[str]]:
    """Name -> articles × actions signal, and the action IRIs of the columns."""
    f = inputs.features
    actions = list(dict.fromkeys(s.action for s in f.sentences))
    columns = [[j for j, s in enumerate(f.sentences) if s.action == a] for a in actions]
    action_cosine = []
    for cols in columns:  # the cosine to the action's mean passage vector, from its parts:
        first = list({f.sentences[j].passage: j for j in cols}.items())  # q·mean = mean(q·p)
        norm = np.linalg.norm(np.mean([inputs.vectors[p] for p, _ in first], axis=0))
        action_cosine.append(f.dense[:, [j for _, j in first]].mean(1) / norm)
    texts = [" ".join(f.sentences[j].text for j in c) for c in columns]
    out = {"production mix (0.8 dense + 0.2 lexical)": top2(
        0.8 * standardised(centred(f.dense)) + 0.2 * standardised(centred(f.lexical)), columns)}
    out["dense"] = per_article(top2(centred(f.dense), columns))
    out["lexical"] = per_article(top2(centred(f.lexical), columns))
    out["action"] = per_article(centred(np.stack(action_cosine, 1)))
    out["bm25"] = per_article(centred(bm25([a.query() for a in f.articles], texts)))
    out["stated"] = np.array([[float((a, art.iri) in inputs.stated) for a in actions]
                              for art in f.articles])
    return out, actions


def answer(score: np.ndarray, stated: np.ndarray, contributes: float, inferred: float) -> list:
    """The production answer rule: supported ones by score, then via målområdet by score."""
    keep = [k for k in range(len(score)) if score[k] >= (contributes if stated[k] else inferred)]
    via = [k for k in range(len(score)) if stated[k] and score[k] < contributes]
    return sorted(keep, key=lambda k: -score[k]) + sorted(via, key=lambda k: -score[k])


def f1(pairs: list[tuple[bool, bool]]) -> float:
    """F1 of (predicted, true) flags."""
    tp, wrong = sum(p and t for p, t in pairs), sum(p != t for p, t in pairs)
    return 2 * tp / (2 * tp + wrong) if tp else 0.0


def thresholds(train: list[Case], score: Callable) -> tuple[float, float]:
    """(bidrar, härledd) thresholds matching the grades best, on a quantile grid."""
    values = np.concatenate([score(c) for c in train])
    high = np.unique(np.quantile(values, np.linspace(0.5, 0.999, 60)))  # härledd is rare
    grid = np.unique(np.quantile(values, np.linspace(0.05, 0.99, 60)))
    triples = [t for c in train for t in zip(score(c), c[3], c[4], strict=True)]
    unstated = [(s, g >= 2) for s, g, st in triples if not st]
    stated = [(s, g == 0) for s, g, st in triples if st]
    inferred = max(high, key=lambda x: (f1([(s >= x, y) for s, y in unstated]), x))
    contributes = max(grid, key=lambda x: (f1([(s < x, y) for s, y in stated]), -x))
    return contributes, inferred


def logistic(x: np.ndarray, y: np.ndarray, l2: float = 1.0, steps: int = 50) -> np.ndarray:
    """Weights of an L2-regularised logistic regression with intercept (Newton steps)."""
    xb = np.hstack([x, np.ones((len(x), 1))])
    w = np.zeros(xb.shape[1])
    penalty = np.diag([l2] * x.shape[1] + [0.0])  # the intercept is not shrunk
    for _ in range(steps):
        p = 1 / (1 + np.exp(-xb @ w))
        hessian = xb.T @ (xb * (p * (1 - p))[:, None]) + penalty
        w -= np.linalg.solve(hessian, xb.T @ (p - y) + penalty @ w)
    return w[:-1]


def fit(train: list[Case], table: dict, names: list[str]) -> Callable:
    """A scorer for cases: a fixed signal, or a logistic regression over several."""
    if len(names) == 1:
        return lambda c: table[names[0]][c[2]]
    x = np.concatenate([np.stack([table[n][c[2]] for n in names], 1) for c in train])
    y = np.concatenate([c[3] >= 2 for c in train])
    w = logistic(x, y)
    return lambda c: np.stack([table[n][c[2]] for n in names], 1) @ w


def evaluate(train: list[Case], test: Case, table: dict, names: list[str]) -> tuple:
    """(nDCG@10, P@5) of one held-out article."""
    score = fit(train, table, names)
    order = answer(score(test), test[4], *thresholds(train, score))
    grades = {k: int(g) for k, g in enumerate(test[3])}
    return ndcg(order, grades), precision(order, grades)


def main() -> None:
    """LOAO on the first set, the unseen check, LOAO on all, for both designs."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, default=None,
                        help="a built search index whose vectors to use (as rights_eval.py)")
    inputs = load_inputs()
    # the compared design: every sentence takes its passage's vector
    inputs.vectors = passage_vectors(inputs.passages, inputs.base, inputs.embedder,
                                     parser.parse_args().index)
    f = inputs.features
    queries = inputs.embedder.embed_queries([a.query() for a in f.articles])
    inputs.features = Features(f.articles, f.sentences, queries @ np.stack(
        [inputs.vectors[s.passage] for s in f.sentences]).T, f.lexical)
    inputs.rows = [r for r in inputs.rows if r["group"] != "unseen"]
    table, actions = signals(inputs)
    row = {a.iri: i for i, a in enumerate(inputs.features.articles)}
    cases: list[Case] = []
    for notation in dict.fromkeys(r["article"] for r in inputs.rows):
        judged = {inputs.prefix + r["action"]: r for r in inputs.rows if r["article"] == notation}
        iri = inputs.by_notation[notation]
        cases.append((notation, judged[actions[0]]["group"], row[iri],
                      np.array([judged[a]["grade"] for a in actions]),
                      np.array([(a, iri) in inputs.stated for a in actions])))
    production = "production mix (0.8 dense + 0.2 lexical)"
    designs = {"production signal": [production],
               "production signal and a learned weight for the statement": [production, "stated"],
               "learned mix of four": ["dense", "lexical", "action", "bm25"]}
    out = sys.stdout
    out.write(f"Model: {encoder_note(inputs.embedder)}\n")
    first = [c for c in cases if c[1] == "first"]
    new = [c for c in cases if c[1] == "new"]
    for label, names in designs.items():
        loao = [evaluate(first[:i] + first[i + 1:], c, table, names) for i, c in enumerate(first)]
        unseen = [evaluate(first, c, table, names) for c in new]
        every = [evaluate(cases[:i] + cases[i + 1:], c, table, names) for i, c in enumerate(cases)]
        out.write(f"{label}: {' + '.join(names)}\n")
        for part, res, arts in (("LOAO, first set", loao, first),
                                ("unseen: fitted on the first, new set", unseen, new),
                                ("LOAO, all", every, cases)):
            per = " ".join(f"{c[0]} {n:.2f}" for c, (n, _) in zip(arts, res, strict=True))
            out.write(f"  {part:38} nDCG@10 {np.mean([r[0] for r in res]):.3f} "
                      f"P@5 {np.mean([r[1] for r in res]):.2f}   {per}\n")


if __name__ == "__main__":
    main()
