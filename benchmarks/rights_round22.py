"""Round 22: the weakest development articles of the rights ranking and two variants (issue 10).

Run: PYTHONPATH=. .venv/bin/python benchmarks/rights_round22.py --data DIR [--baseline-only |
--diagnose-only | --variant C|S]
Protocol and results: benchmarks/results/rights_eval_round22_variants.txt. Judge 1 is rights_eval's
development pool (63 articles), judge 2 rights_second_judge's files 1-6 (the 29 stated articles);
no blind set is read. Nested LOAO, figures and clauses (a)-(d) are round 20's
(benchmarks/rights_variants.py), judge 2's reading round 21's (benchmarks/rights_round21.py);
both variants change the pairs' relevance, so per fold all three class thresholds are re-chosen
by rights_eval.choose on the other 62, as round 20's variants were.
  C (peer contrast): a sentence's mixed score loses c * its positive gap to the best other article
    of the same instrument (then given the deployed mixed score's mean and spread over all pairs,
    so the shared-scale floor keeps its meaning; c = 0 is the deployed ranking).
  S (scope share): the dense signal is (1 - s) * cosine to the first query + s * cosine to the
    scope query (deployed: s = 0.5, the mean).
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from typing import TextIO

import numpy as np

# run as a script, so benchmarks/ is on the path
import rights_eval as R
import rights_round21 as X
import rights_variants as V

from web.pipeline.rights_rank import rank_supports
from web.pipeline.rights_score import (
    Features,
    PairScore,
    article_queries,
    centred,
    pair_scores,
    pooled_pairs,
    standardised,
)

MIX = V.MIX
C_GRID = (0.25, 0.5, 1.0)  # c: weight of the gap to the best peer, least change first
S_GRID = (0.6, 0.7, 0.8)  # s: the scope query's share of the dense signal, least change first
WEAKEST = 10  # articles listed in the diagnosis
TOP_K = X.TOP_K


def instrument(notation: str) -> str:
    """'CRC 31' -> 'CRC'."""
    return notation.split()[0]


def mixed_matrix(feats: Features) -> np.ndarray:
    """The deployed mixed sentence score (articles x sentences), as pair_scores computes it."""
    w = MIX[0]
    return (1 - w) * standardised(centred(feats.dense)) + w * standardised(centred(feats.lexical))


def peer_gap(feats: Features, mixed: np.ndarray) -> np.ndarray:
    """Per (article, sentence): how far the best other article of the same instrument is above
    this one (0 when none is)."""
    out = np.zeros_like(mixed)
    names = np.array([instrument(a.notation) for a in feats.articles])
    for name in dict.fromkeys(names):
        rows = np.flatnonzero(names == name)
        block = mixed[rows]
        if len(rows) < 2:
            continue
        order = np.argsort(-block, axis=0)
        first, second = block[order[0], np.arange(block.shape[1])], block[order[1],
                                                                          np.arange(block.shape[1])]
        best_other = np.where(np.arange(len(rows))[:, None] == order[0][None, :], second, first)
        out[rows] = np.maximum(best_other - block, 0.0)
    return out


def pooled(feats: Features, mixed: np.ndarray) -> list[PairScore]:
    """pair_scores' pooling (rights_score.pooled_pairs) of a given mixed matrix at MIX's top."""
    return pooled_pairs(feats, mixed, MIX[1])


def contrast_pairs(feats: Features, c: float) -> list[PairScore]:
    """C: the mixed score minus c * the gap to the best same-instrument peer, brought back to the
    deployed mixed score's mean and spread over all pairs (so the floor keeps its meaning)."""
    mixed = mixed_matrix(feats)
    moved = standardised(mixed - c * peer_gap(feats, mixed))
    return pooled(feats, moved * float(mixed.std()) + float(mixed.mean()))


def query_cosines(inputs: R.Inputs) -> tuple[np.ndarray, np.ndarray]:
    """Each sentence's cosine to each article's first and scope query (features' vectors)."""
    feats, embedder = inputs.features, inputs.embedder
    queries = article_queries(feats.articles, embedder)
    texts = list(dict.fromkeys(s.text for s in feats.sentences))
    row = {t: i for i, t in enumerate(texts)}
    vectors = embedder.embed_passages(texts)[[row[s.text] for s in feats.sentences]]
    return queries[0] @ vectors.T, queries[1] @ vectors.T


def scope_pairs(feats: Features, cosines: tuple[np.ndarray, np.ndarray],
                s: float) -> list[PairScore]:
    """S: the deployed pairs with the dense signal (1 - s) * first + s * scope cosine."""
    dense = (1 - s) * cosines[0] + s * cosines[1]
    return pair_scores(Features(feats.articles, feats.sentences, dense, feats.lexical), *MIX)


def procedural_links(inputs: R.Inputs, pairs: list[PairScore], t: R.Thresholds) -> int:
    """Clause (e): links to a procedural article production's rank_supports makes from these
    pairs over every article of the run (procedural articles excluded, as ingest does)."""
    procedural = {a.iri for a in inputs.features.articles} - set(inputs.by_notation.values())
    links = rank_supports(pairs, inputs.stated, dict.fromkeys((p.action for p in pairs), "r"),
                          procedural, t)
    return sum(s.article in procedural for s in links)


def diagnose(out: TextIO, inputs: R.Inputs, cases: list[R.Case], base: list[V.Fold],
             second: dict[str, dict[str, int]]) -> None:
    """The weakest articles (lower of the two judges' nDCG@10) with their top 5, and how far
    the top-5 actions' best sentences are from the best same-instrument peer, per grade."""
    feats = inputs.features
    mixed = mixed_matrix(feats)
    gap = peer_gap(feats, mixed)
    row = {a.iri: i for i, a in enumerate(feats.articles)}
    cols = {a: np.array(c) for a, c in X.columns(inputs).items()}
    scored = []
    for case, fold in zip(cases, base, strict=True):
        two = second.get(case.notation)
        j2 = R.ndcg(fold.ranked, two) if two is not None else None
        scored.append((min(fold.ndcg, 9.0 if j2 is None else j2), case, fold, j2))
    scored.sort(key=lambda x: (x[0], x[1].notation))
    out.write(f"\nThe {WEAKEST} weakest articles (min of J1 and J2 nDCG@10, deployed LOAO), top 5 "
              f"as action:J1grade/J2grade (* stated), trygg* in its best sentence marked t:\n")
    for _, case, fold, j2 in scored[:WEAKEST]:
        i = row[inputs.by_notation[case.notation]]
        two = second.get(case.notation, {})
        cells = []
        for a in fold.ranked[:TOP_K]:
            c = cols[case.prefix + a]
            best = c[int(np.argmax(mixed[i, c]))]
            mark = "t" if "trygg" in feats.sentences[best].text.lower() else ""
            cells.append(f"{a}{'*' if a in case.stated else ''}:{case.grades[a]}/"
                         f"{two.get(a, '-')}{mark}")
        j2s = f"{j2:.3f}" if j2 is not None else "-"
        out.write(f"  {case.notation:8} {case.group:7} J1 {fold.ndcg:.3f} J2 {j2s:>5}  "
                  f"{' '.join(cells)}\n")
    stats: dict[tuple[str, int], list[tuple[float, float]]] = defaultdict(list)
    for case, fold in zip(cases, base, strict=True):
        i = row[inputs.by_notation[case.notation]]
        for judge, grades in X.judges(case, second):
            for a in fold.ranked[:TOP_K]:
                c = cols[case.prefix + a]
                top = c[np.argsort(-mixed[i, c])[:MIX[1]]]
                stats[(judge, min(grades[a], 2))].append(
                    (float(np.mean(gap[i, top] > 0)), float(gap[i, top].mean())))
    out.write("\nTop-5 actions' three best sentences: share a same-instrument peer scores higher, "
              "mean gap to that peer (0 if none), per judge and grade:\n")
    for (judge, grade), values in sorted(stats.items()):
        v = np.array(values)
        out.write(f"  {judge} grade {'>=2' if grade == 2 else grade:3} n {len(v):3}: share "
                  f"{v[:, 0].mean():.2f}, gap {v[:, 1].mean():.2f}\n")
    trygg = sum("trygg" in s.text.lower() for s in feats.sentences)
    out.write(f"Sentences with trygg*: {trygg} of {len(feats.sentences)}; articles with trygg* in "
              f"the first query {sum('trygg' in a.query().lower() for a in feats.articles)}, in "
              f"the scope query {sum('trygg' in a.scope_query().lower() for a in feats.articles)}"
              f" (of {len(feats.articles)})\n")


def run_variant(out: TextIO, name: str, grid: list[tuple[str, list[PairScore]]],
                inputs: R.Inputs, cases: list[R.Case], base: list[V.Fold],
                second: dict[str, dict[str, int]]) -> tuple[bool, float]:
    """Every grid point's LOAO, the nested result, the changed articles and the verdict."""
    out.write(f"\n== {name}: every grid point, LOAO ==\n")
    points = []
    for label, pairs in grid:
        same, folds = V.loao(inputs, pairs)
        assert [c.notation for c in same] == [c.notation for c in cases]
        points.append(folds)
        V.figures(out, label, folds, cases, second)
    chosen, best = X.nested_figures(out, name, [label for label, _ in grid], points, cases,
                                  second)
    out.write(f"{'article':8} {'set':7} {'base':>6} {name:>6} {'d':>7} {'J2 base':>7} "
              f"{'J2':>6}  point\n")
    for c, b, f, g in zip(cases, base, best, chosen, strict=True):
        if abs(f.ndcg - b.ndcg) > 1e-9 or f.ranked[:10] != b.ranked[:10]:
            two = second.get(c.notation)
            j2 = (f"{R.ndcg(b.ranked, two):7.3f} {R.ndcg(f.ranked, two):6.3f}"
                  if two is not None else f"{'-':>7} {'-':>6}")
            out.write(f"{c.notation:8} {c.group:7} {b.ndcg:6.3f} {f.ndcg:6.3f} "
                      f"{f.ndcg - b.ndcg:+7.3f} {j2}  {grid[g][0]}\n")
    out.write("(articles not listed: top 10 unchanged)\n\n")
    passes, gain = V.verdict(out, name, best, base, cases, second)
    on_all = X.best_on_all(points)
    pairs = grid[on_all][1]
    t = R.choose(R.judged_cases(inputs, {MIX: pairs}))
    links = procedural_links(inputs, pairs, t)
    out.write(f"  (e) {'pass' if links == 0 else 'FAIL'}: {links} links to a procedural article "
              f"(grid point chosen on all 63: {grid[on_all][0]}; thresholds chosen on all 63: "
              f"bidrar>={t.contributes} direkt>={t.direct} härledd>={t.inferred})\n")
    passes = passes and links == 0
    out.write(f"  => with (e): {'PASSES: to the gate' if passes else 'fails'}\n")
    return passes, gain


Staged = tuple[argparse.Namespace, R.Inputs, dict[str, dict[str, int]], list[R.Case],
               list[V.Fold]]


def staged_start(parser: argparse.ArgumentParser) -> Staged | None:
    """A later round's harness start: parse, load the inputs and judge 2, print the baseline;
    (args, inputs, judge 2, cases, folds), or None when only the baseline was asked for."""
    args = parser.parse_args()
    inputs, second = X.inputs_and_judge_two(args)
    cases, base = baseline(sys.stdout, inputs, second)
    if args.baseline_only or args.diagnose_only:
        return None
    return args, inputs, second, cases, base


def baseline(out: TextIO, inputs: R.Inputs, second: dict[str, dict[str, int]]
             ) -> tuple[list[R.Case], list[V.Fold]]:
    """The deployed ranking's LOAO on both development judges, printed with the model; returned
    as (the judged cases, their folds)."""
    cases, base = V.loao(inputs, pair_scores(inputs.features, *MIX))
    out.write(f"Model: {R.encoder_note(inputs.embedder)}; {len(cases)} development articles "
              f"(judge 1), {len(second)} stated articles of judge 2\n")
    V.figures(out, "BASELINE (deployed, LOAO)", base, cases, second)
    return cases, base


def main() -> None:
    """Parse the arguments; print the baseline, the diagnosis or a variant's figures."""
    parser = X.staged_parser(__doc__)
    parser.add_argument("--variant", choices=("C", "S"), action="append", default=[],
                        help="run this variant's grid, nested LOAO and verdict (repeatable)")
    args = parser.parse_args()
    inputs, second = X.inputs_and_judge_two(args)
    out = sys.stdout
    cases, base = baseline(out, inputs, second)
    if args.baseline_only:
        return
    if args.diagnose_only:
        diagnose(out, inputs, cases, base, second)
        return
    feats = inputs.features
    results = {}
    if "C" in args.variant:
        assert all(abs(p.relevance - q.relevance) + abs(p.general - q.general) < 1e-6
                   for p, q in zip(
            contrast_pairs(feats, 0.0), pair_scores(feats, *MIX), strict=True))
        results["C"] = run_variant(out, "C", [(f"C c={c}", contrast_pairs(feats, c))
                                              for c in C_GRID], inputs, cases, base, second)
    if "S" in args.variant:
        cosines = query_cosines(inputs)
        gap = float(np.abs((cosines[0] + cosines[1]) / 2 - feats.dense).max())
        out.write(f"\ncheck: S's dense signal at s = 0.5 vs features(): max |diff| {gap:.2e}\n")
        results["S"] = run_variant(out, "S", [(f"S s={s}", scope_pairs(feats, cosines, s))
                                              for s in S_GRID], inputs, cases, base, second)
    passing = {k: v for k, v in results.items() if v[0]}
    goes = max(passing, key=lambda k: passing[k][1]) if passing else None
    out.write(f"\nOUTCOME ({', '.join(results)}): "
              f"{goes + ' goes to the gate' if goes else 'no variant passes'} ((a)+(b) gains: "
              + ", ".join(f"{k} {v[1]:+.4f}" for k, v in results.items()) + ")\n")


if __name__ == "__main__":
    main()
