"""Round 22 (RX22b): variant CD, round 22's peer contrast C against distinct peers only (issue 10).

Run: PYTHONPATH=. .venv/bin/python benchmarks/rights_round22b.py --data DIR [--reproduce |
--distribution | --variant]
Protocol and results: benchmarks/results/rights_eval_round22_distinct_peers.txt. Judge 1 is
rights_eval's development pool (63 articles), judge 2 rights_second_judge's files 1-6 (the 29
stated articles); no blind set is read. Everything but the peer set is RX22's
(benchmarks/rights_round22.py, imported): the deployed mixed sentence score m, the contrast
m' = m - c * max(0, max over peers of m - m) brought back to m's mean and spread over all pairs,
pooling, nested LOAO with all three thresholds re-chosen per fold, clauses (a)-(e).
  CD: an article's peers are the articles of the same instrument that grant a right (never a
    procedural one) and are DISTINCT from it: the cosine of the two articles' first-query
    vectors (article_queries()[0], as the ranking embeds them) is under tau. A procedural
    article has no peers (it gets no link). tau is a percentile of the cosines over every pair of
    rights-granting articles of the same instrument (TAU_PERCENTILES, fixed before any run).
"""

from __future__ import annotations

import argparse
import sys
from typing import TextIO

import numpy as np

# run as a script, so benchmarks/ is on the path
import rights_eval as R
import rights_round21 as X
import rights_round22 as P
import rights_variants as V

from web.pipeline.rights_score import (
    Features,
    PairScore,
    article_queries,
    pair_scores,
    standardised,
)

MIX = V.MIX
C_GRID = (0.25, 0.5)  # c: weight of the gap to the best distinct peer
TAU_PERCENTILES = (50, 75)  # tau: these percentiles of the same-instrument article cosines
REPRODUCE_C = 0.25  # RX22's C point reproduced before the variant runs


def article_cosines(inputs: R.Inputs) -> np.ndarray:
    """(articles, articles): cosine of the articles' first-query vectors (as the ranking embeds)."""
    first = article_queries(inputs.features.articles, inputs.embedder)[0].astype(np.float64)
    first /= np.linalg.norm(first, axis=1, keepdims=True)
    return first @ first.T


def granting(inputs: R.Inputs) -> np.ndarray:
    """Per article: True when it grants a right (not marked procedural by the ontology)."""
    kept = set(inputs.by_notation.values())
    return np.array([a.iri in kept for a in inputs.features.articles])


def same_instrument(feats: Features) -> np.ndarray:
    """(articles, articles): True for two different articles of the same instrument."""
    names = np.array([P.instrument(a.notation) for a in feats.articles])
    same = names[:, None] == names[None, :]
    np.fill_diagonal(same, False)
    return same


def candidate_cosines(inputs: R.Inputs, cos: np.ndarray) -> np.ndarray:
    """The cosines tau is read from: every pair (once) of granting same-instrument articles."""
    ok = granting(inputs)
    mask = np.triu(same_instrument(inputs.features) & ok[:, None] & ok[None, :], k=1)
    return cos[mask]


def peer_mask(inputs: R.Inputs, cos: np.ndarray, tau: float) -> np.ndarray:
    """(articles, articles): row i's peers: granting, same instrument, cosine under tau; a
    procedural row has none."""
    ok = granting(inputs)
    return same_instrument(inputs.features) & ok[:, None] & ok[None, :] & (cos < tau)


def masked_gap(mixed: np.ndarray, peers: np.ndarray) -> np.ndarray:
    """Per (article, sentence): how far the best peer is above this article (0 if none is)."""
    out = np.zeros_like(mixed)
    for i in range(mixed.shape[0]):
        if peers[i].any():
            out[i] = np.maximum(mixed[peers[i]].max(axis=0) - mixed[i], 0.0)
    return out


def distinct_pairs(feats: Features, peers: np.ndarray, c: float) -> list[PairScore]:
    """CD: C's contrast and rescaling with the gap to the best distinct granting peer."""
    mixed = P.mixed_matrix(feats)
    moved = standardised(mixed - c * masked_gap(mixed, peers))
    return P.pooled(feats, moved * float(mixed.std()) + float(mixed.mean()))


def distribution(out: TextIO, inputs: R.Inputs, cos: np.ndarray) -> list[float]:
    """The candidate cosines' distribution, the tau values and the peers they leave."""
    values = candidate_cosines(inputs, cos)
    feats = inputs.features
    names = [P.instrument(a.notation) for a in feats.articles]
    ok = granting(inputs)
    per = ", ".join(f"{n} {sum(bool(k) for k, m in zip(ok, names, strict=True) if m == n)}"
                    for n in dict.fromkeys(names))
    out.write(f"Article-article cosines (first query), every pair of granting articles of the "
              f"same instrument: n {len(values)}; granting {int(ok.sum())} of {len(ok)} articles "
              f"({per})\n")
    out.write("  min {:.4f}  p10 {:.4f}  p25 {:.4f}  p50 {:.4f}  p75 {:.4f}  p90 {:.4f}  max {:.4f}"
              "  mean {:.4f}\n".format(values.min(), *np.percentile(values, [10, 25, 50, 75, 90]),
                                      values.max(), values.mean()))
    taus = [float(np.percentile(values, q)) for q in TAU_PERCENTILES]
    for q, tau in zip(TAU_PERCENTILES, taus, strict=True):
        counts = peer_mask(inputs, cos, tau).sum(axis=1)[ok]
        every = (same_instrument(feats) & ok[None, :]).sum(axis=1)[ok]
        out.write(f"  tau = p{q} = {tau:.4f}: peers per granting article min {counts.min()}, "
                  f"median {int(np.median(counts))}, max {counts.max()} (all granting same-"
                  f"instrument: median {int(np.median(every))}); none: "
                  f"{int((counts == 0).sum())}\n")
    return taus


def reproduce(out: TextIO, inputs: R.Inputs, cases: list[R.Case],
              second: dict[str, dict[str, int]]) -> None:
    """RX22's C at c = 0.25 (LOAO), with RX22's own functions."""
    same, folds = V.loao(inputs, P.contrast_pairs(inputs.features, REPRODUCE_C))
    assert [c.notation for c in same] == [c.notation for c in cases]
    V.figures(out, f"RX22 C c={REPRODUCE_C} (reproduced, LOAO)", folds, cases, second)


def main() -> None:
    """Parse the arguments; print the reproduction, the distribution or the variant's run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    R.add_data_argument(parser)
    parser.add_argument("--reproduce", action="store_true",
                        help="the baseline and RX22's C at c = 0.25 only")
    parser.add_argument("--distribution", action="store_true",
                        help="the article-cosine distribution and tau values only")
    parser.add_argument("--variant", action="store_true",
                        help="CD's grid, nested LOAO and verdict")
    args = parser.parse_args()
    inputs, second = X.inputs_and_judge_two(args)
    out = sys.stdout
    cos = article_cosines(inputs)
    if args.distribution:
        distribution(out, inputs, cos)
        return
    cases, base = V.loao(inputs, pair_scores(inputs.features, *MIX))
    out.write(f"Model: {R.encoder_note(inputs.embedder)}; {len(cases)} development articles "
              f"(judge 1), {len(second)} stated articles of judge 2\n")
    V.figures(out, "BASELINE (deployed, LOAO)", base, cases, second)
    if args.reproduce:
        reproduce(out, inputs, cases, second)
    if not args.variant:
        return
    feats = inputs.features
    taus = distribution(out, inputs, cos)
    everyone = np.ones((len(feats.articles),) * 2, dtype=bool)
    assert all(abs(p.relevance - q.relevance) + abs(p.general - q.general) < 1e-6
               for p, q in zip(distinct_pairs(feats, everyone, 0.0), pair_scores(feats, *MIX),
                               strict=True))
    grid = [(f"CD c={c} tau=p{q}", distinct_pairs(feats, peer_mask(inputs, cos, tau), c))
            for c in C_GRID for q, tau in zip(TAU_PERCENTILES, taus, strict=True)]
    passes, gain = P.run_variant(out, "CD", grid, inputs, cases, base, second)
    out.write(f"\nOUTCOME (CD): {'CD goes to the gate' if passes else 'CD does not pass'} "
              f"((a)+(b) gain {gain:+.4f})\n")


if __name__ == "__main__":
    main()
