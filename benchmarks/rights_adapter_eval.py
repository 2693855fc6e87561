"""Round 13: a ridge query adapter for the rights ranking, measured leave-one-article-out.

The search side gained from a ridge map fitted on judged (query -> relevant passage) pairs
(search/query_adapter.py). Here the same map is fitted on the judged rights pairs: each of an
article's two query vectors paired with the targets of every action graded >= 2 for it (the pair
repeated `grade` times), W = (QᵀQ + λI)⁻¹(QᵀP + λI), λ = RIDGE × n / d, and every article's
query vectors are read as normalise((1 − α)q + α qW); the rest is the deployed design. For each
held-out article W is fitted without its pairs, and the thresholds are chosen on the other 62 by
rights_eval.choose. Variants and the adoption rule: benchmarks/results/
rights_eval_round13_adapter.txt (written and committed before the first run).

The vectors are the index's kept ones (search/text_vectors.py: the action sentences and
article queries ingest embedded; the passages' from the index): nothing is embedded here (a
text missing from them is counted and reported).

Run: PYTHONPATH=. .venv/bin/python benchmarks/rights_adapter_eval.py --data DIR
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import rights_eval as re_
from rights_eval import CHOSEN, DEVELOPMENT, FIXED_MIX, Case, Inputs, choose, judged_cases, measure

from search.embedder import Remembered
from search.query_adapter import RIDGE, fit_ridge
from search.text_vectors import TextVectors
from web.pipeline.layout import index_dir
from web.pipeline.rights_score import (
    Features,
    PairScore,
    article_queries,
    centred,
    pair_scores,
    standardised,
)

MIX = FIXED_MIX[0]
ALPHAS = (0.25, 0.5)  # variant B's choices


class Counting:
    """An embedder that counts the texts it is asked to embed (the kept vectors should answer)."""

    def __init__(self, inner) -> None:
        self.inner, self.asked = inner, 0
        self.name, self.dimension, self.fingerprint = inner.name, inner.dimension, \
            inner.fingerprint
        self.precision = getattr(inner, "precision", "fp32")

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        """Embedded by the wrapped model, counted."""
        self.asked += len(texts)
        return self.inner.embed_queries(texts)

    def embed_passages(self, texts: list[str], progress: bool = False) -> np.ndarray:
        """Embedded by the wrapped model, counted."""
        self.asked += len(texts)
        return self.inner.embed_passages(texts, progress=progress)


@dataclass
class Setup:
    """The fixed inputs: query vectors (2, A, d), sentence vectors, lexical signal, cases."""

    inputs: Inputs
    queries: np.ndarray
    sentences: np.ndarray
    passages: dict[str, np.ndarray]  # passage IRI -> index vector
    cases: list[Case]
    counter: Counting
    lexical: np.ndarray  # w-less: the standardised centred lexical signal (articles × sentences)
    columns: dict[str, list[int]]  # action IRI -> its sentences' columns


def load(data) -> Setup:
    """rights_eval's inputs with an embedder that answers from the index's kept vectors."""
    kept = TextVectors.load(index_dir(data))
    made = re_.embedder_for

    def remembered(setting: str, directory: str) -> Remembered:
        inner = Counting(made(setting, directory))
        q = kept.known("query", inner.fingerprint) if kept else {}
        p = kept.known("passage", inner.fingerprint) if kept else {}
        wrapped = Remembered(inner, q, p)
        wrapped.counter = inner
        return wrapped

    re_.embedder_for = remembered
    try:
        inputs = re_.load_inputs(data=data)
    finally:
        re_.embedder_for = made
    feats = inputs.features
    queries = article_queries(feats.articles, inputs.embedder)
    texts = [s.text for s in feats.sentences]
    sentences = inputs.embedder.embed_passages(texts)
    passages = re_.passage_vectors(inputs.passages, inputs.base, inputs.embedder,
                                   index_dir(data))
    cases = [c for c in judged_cases(inputs, {MIX: pair_scores(feats, *MIX)})
             if c.group in DEVELOPMENT]
    columns: dict[str, list[int]] = {}
    for j, s in enumerate(feats.sentences):
        columns.setdefault(s.action, []).append(j)
    return Setup(inputs, queries, sentences, passages, cases, inputs.embedder.counter,
                 standardised(centred(feats.lexical)), columns)


@dataclass
class Pairs:
    """Per judged article: its row among the articles, and its summed targets and count."""

    row: int
    count: float  # Σ grade × targets, per query vector
    total: np.ndarray  # Σ grade × target vectors (d)


def targets_of(setup: Setup, kind: str) -> dict[str, list[np.ndarray]]:
    """Action IRI -> its target vectors: its sentences' (kind 'sentences') or its passages'."""
    out: dict[str, list[np.ndarray]] = {}
    seen: set[tuple[str, str]] = set()
    for s, v in zip(setup.inputs.features.sentences, setup.sentences, strict=True):
        if kind == "sentences":
            out.setdefault(s.action, []).append(v)
        elif (s.action, s.passage) not in seen:
            seen.add((s.action, s.passage))
            out.setdefault(s.action, []).append(setup.passages[s.passage])
    return out


def judged_pairs(setup: Setup, kind: str) -> dict[str, Pairs]:
    """Article notation -> its judged pairs (actions graded >= 2, repeated `grade` times)."""
    targets = targets_of(setup, kind)
    rows = {a.iri: i for i, a in enumerate(setup.inputs.features.articles)}
    out = {}
    for case in setup.cases:
        count, total = 0.0, np.zeros(setup.queries.shape[2])
        for action, grade in case.grades.items():
            if grade >= 2:
                vs = targets[case.prefix + action]
                count += grade * len(vs)
                total += grade * np.sum(vs, axis=0)
        out[case.notation] = Pairs(rows[setup.inputs.by_notation[case.notation]], count, total)
    return out


def fit(setup: Setup, pairs: list[Pairs], ridge: float = RIDGE) -> np.ndarray:
    """W − I (d × d) from these articles' pairs: fit_ridge's closed form, with each repeated
    (query, target) row summed (QᵀQ = Σ c q qᵀ, Qᵀ(P − Q) = Σ q (Σ targets − c q))."""
    d = setup.queries.shape[2]
    c = np.array([p.count for p in pairs for _ in (0, 1)], dtype=np.float64)
    q = np.stack([setup.queries[k, p.row, :] for p in pairs for k in (0, 1)]).astype(np.float64)
    totals = np.stack([p.total for p in pairs for _ in (0, 1)])
    n = float(c.sum())
    gram = (q * c[:, None]).T @ q + ridge * n / d * np.eye(d)
    return np.linalg.solve(gram, q.T @ (totals - c[:, None] * q))


def adapted(setup: Setup, delta: np.ndarray | None, alpha: float) -> np.ndarray:
    """Every article's two query vectors read as normalise(q + α q(W − I))."""
    if delta is None or alpha == 0:
        return setup.queries
    q = setup.queries + alpha * (setup.queries @ delta)
    return q / np.linalg.norm(q, axis=2, keepdims=True)


def scored(setup: Setup, delta: np.ndarray | None, alpha: float) -> list[Case]:
    """The development cases scored with the adapted query vectors (deployed mix)."""
    feats = setup.inputs.features
    dense = (adapted(setup, delta, alpha).astype(np.float32) @ setup.sentences.T).mean(axis=0)
    pairs = pair_scores(Features(feats.articles, feats.sentences, dense, feats.lexical), *MIX)
    return [c for c in judged_cases(setup.inputs, {MIX: pairs}) if c.group in DEVELOPMENT]


def one_case(setup: Setup, case: Case, delta: np.ndarray, alpha: float) -> Case:
    """One case scored with the adapted query vectors: pair_scores' arithmetic for this
    article's row only (the inner loop's fast path; `check_fast` compares it with `scored`)."""
    feats = setup.inputs.features
    dense = (adapted(setup, delta, alpha).astype(np.float32) @ setup.sentences.T).mean(axis=0)
    w = MIX[0]
    iri = setup.inputs.by_notation[case.notation]
    row = next(i for i, a in enumerate(feats.articles) if a.iri == iri)
    mixed = ((1 - w) * standardised(centred(dense))[row]
             + w * setup.lexical[row])
    general = np.array([np.sort(mixed[cols])[::-1][:MIX[1]].mean()
                        for cols in setup.columns.values()])
    std = general.std()
    relevance = (general - general.mean()) / std if std > 0 else np.zeros_like(general)
    first = {s.action: s for s in reversed(feats.sentences)}
    return replace(case, pairs={MIX: [
        PairScore(iri, action, float(relevance[k]), first[action], float(general[k]))
        for k, action in enumerate(setup.columns)]})


def check_fast(setup: Setup) -> float:
    """Largest relevance difference between `one_case` and `scored` (one fold, α 0.5)."""
    pairs = judged_pairs(setup, "sentences")
    delta = fit(setup, [pairs[c.notation] for c in setup.cases[1:]])
    full = next(c for c in scored(setup, delta, 0.5) if c.notation == setup.cases[0].notation)
    fast = one_case(setup, setup.cases[0], delta, 0.5)
    a, b = dict((k, r) for r, k in full.relevance(MIX)), dict((k, r) for r, k in
                                                              fast.relevance(MIX))
    return max(abs(a[k] - b[k]) for k in a) + abs(measure(full, CHOSEN)[0]
                                                   - measure(fast, CHOSEN)[0])


def inner_alpha(setup: Setup, pairs: dict[str, Pairs], outer: str) -> float:
    """Variant B: α in ALPHAS with the best inner-LOAO mean nDCG@10 over the other articles
    (W refitted without each inner article too; deployed thresholds; ties to the smaller)."""
    others = [c for c in setup.cases if c.notation != outer]
    got: dict[float, list[float]] = {a: [] for a in ALPHAS}
    for held in others:
        delta = fit(setup, [pairs[c.notation] for c in others if c is not held])
        for alpha in ALPHAS:
            got[alpha].append(measure(one_case(setup, held, delta, alpha), CHOSEN)[0])
    means = {a: float(np.mean(v)) for a, v in got.items()}
    return max(ALPHAS, key=lambda a: (means[a], -a))


@dataclass
class Variant:
    """A variant's name, targets and α (a number, or a chooser per fold)."""

    name: str
    kind: str
    alpha: float | Callable[[Setup, dict[str, Pairs], str], float]


VARIANTS = (Variant("P", "sentences", 0.0), Variant("A", "sentences", 0.25),
            Variant("B", "sentences", inner_alpha), Variant("C", "passages", 0.25))


def loao(setup: Setup, v: Variant, log) -> list[tuple[float, float, float]]:
    """(nDCG@10, P@5, α) of each held-out article: W and thresholds without it."""
    pairs = judged_pairs(setup, v.kind)
    out = []
    for case in setup.cases:
        others = [pairs[c.notation] for c in setup.cases if c.notation != case.notation]
        alpha = v.alpha if isinstance(v.alpha, float) else v.alpha(setup, pairs, case.notation)
        delta = fit(setup, others) if alpha else None
        cases = scored(setup, delta, alpha)
        t = choose([c for c in cases if c.notation != case.notation])
        held = next(c for c in cases if c.notation == case.notation)
        out.append((*measure(held, t), alpha))
        log.write(f"  {v.name} {case.notation:8} {out[-1][0]:.3f} {out[-1][1]:.2f} α={alpha} "
                  f"bidrar≥{t.contributes} härledd≥{t.inferred} direkt≥{t.direct}\n")
        log.flush()
    return out


def check_fit(setup: Setup) -> float:
    """Largest difference between `fit` and fit_ridge on explicit repeated rows (one fold)."""
    targets = targets_of(setup, "passages")
    rows = {a.iri: i for i, a in enumerate(setup.inputs.features.articles)}
    q, p = [], []
    for case in setup.cases[1:6]:
        r = rows[setup.inputs.by_notation[case.notation]]
        for action, grade in case.grades.items():
            for v in targets[case.prefix + action] if grade >= 2 else []:
                for k in (0, 1):
                    q += [setup.queries[k, r]] * grade
                    p += [v] * grade
    left, right = fit_ridge(np.array(q), np.array(p))
    full = left if right is None else left @ right
    mine = fit(setup, list(judged_pairs(setup, "passages").values())[1:6])
    return float(np.abs(full - mine).max())


def table(out, setup: Setup, results: dict[str, list[tuple]]) -> None:
    """Per article, per set and overall: nDCG@10 and P@5 of every variant."""
    names = list(results)
    out.write(f"{'article':8} {'set':7} " + " ".join(f"{n + ' nDCG':>7} {n + ' P@5':>6}"
                                                    for n in names) + "\n")
    for i, case in enumerate(setup.cases):
        out.write(f"{case.notation:8} {case.group:7} " + " ".join(
            f"{results[n][i][0]:7.3f} {results[n][i][1]:6.2f}" for n in names) + "\n")
    groups = ["all 63", *dict.fromkeys(c.group for c in setup.cases)]
    for group in groups:
        idx = [i for i, c in enumerate(setup.cases) if group == "all 63" or c.group == group]
        out.write(f"{'mean ' + group:16} " + " ".join(
            f"{np.mean([results[n][i][0] for i in idx]):7.3f} "
            f"{np.mean([results[n][i][1] for i in idx]):6.2f}" for n in names) + "\n")


def verdict(out, setup: Setup, results: dict[str, list[tuple]]) -> None:
    """The adoption rule applied to each variant against P (the deployed design)."""
    base = results["P"]
    groups = list(dict.fromkeys(c.group for c in setup.cases))
    for name, got in results.items():
        if name == "P":
            continue
        dn = np.mean([g[0] for g in got]) - np.mean([b[0] for b in base])
        dp = np.mean([g[1] for g in got]) - np.mean([b[1] for b in base])
        worst = min((np.mean([got[i][0] - base[i][0] for i, c in enumerate(setup.cases)
                              if c.group == g]), g) for g in groups)
        ok = dn >= 0.02 and dp >= -1e-9 and worst[0] >= -0.03
        out.write(f"{name}: ΔnDCG {dn:+.3f} (need >= +0.020), ΔP@5 {dp:+.3f} (need >= 0), "
                  f"worst set {worst[1]} {worst[0]:+.3f} (need >= -0.030): "
                  f"{'passes' if ok else 'fails'}\n")


def main() -> None:
    """Every variant's LOAO figures on the 63 development articles, and the verdicts."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    re_.add_data_argument(parser)
    parser.add_argument("--variants", default="PACB", help="which variants to run")
    args = parser.parse_args()
    setup = load(re_.data_dir(args.data))
    out, log = sys.stdout, sys.stderr
    out.write(f"Model: {re_.encoder_note(setup.inputs.embedder)}; {len(setup.cases)} development "
              f"articles; texts embedded here (not in the kept vectors): "
              f"{setup.counter.asked}; fit vs fit_ridge max |Δ| {check_fit(setup):.2e}; "
              f"fast path vs pair_scores max |Δ| {check_fast(setup):.2e}\n")
    results = {}
    for v in VARIANTS:
        if v.name in args.variants:
            start = time.perf_counter()
            results[v.name] = loao(setup, v, log)
            out.write(f"variant {v.name}: {time.perf_counter() - start:.0f} s\n")
    if "B" in results:
        out.write(f"B's α per fold: {[r[2] for r in results['B']]}\n")
    out.write("\nLeave-one-article-out (W and thresholds chosen without the article)\n")
    table(out, setup, results)
    out.write("\nAdoption rule, against P (the deployed design through the same code):\n")
    if "P" in results:
        verdict(out, setup, results)


if __name__ == "__main__":
    main()
