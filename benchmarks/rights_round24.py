"""Round 24: a pair's relevance smoothed toward its mål, for the rights ranking (issue 10).

Run: PYTHONPATH=. .venv/bin/python benchmarks/rights_round24.py --data DIR [--baseline-only]
Protocol and results: benchmarks/results/rights_eval_round24_goal.txt (rule fixed before the run).
Judges, nested LOAO, clauses (a)-(e) and the per-fold re-choice of the class thresholds are round
22's (rights_round22.run_variant).
  G (goal): the deployed pair's general relevance g (the mean of the action's best sentences)
    becomes (1 - b) g + b × the mean g of the actions of the same mål for that article, then is
    standardised per article as deployed; b in GRID, chosen per fold.
"""

from __future__ import annotations

import sys

import numpy as np

# run as a script, so benchmarks/ is on the path
import rights_round21 as X
import rights_round22 as Y
import rights_variants as V

from web.pipeline.rights_score import PairScore, pair_scores, per_article

GRID = (0.15, 0.3)


def goal_of(action: str) -> str:
    """The mål letter of an action IRI (".../C-3" -> "C")."""
    return action.rsplit("/", 1)[-1].split("-", 1)[0]


def smoothed(pairs: list[PairScore], b: float) -> list[PairScore]:
    """The pairs with each general relevance pulled toward its mål's mean by b, re-standardised
    per article (evidence sentences unchanged)."""
    articles = list(dict.fromkeys(p.article for p in pairs))
    actions = list(dict.fromkeys(p.action for p in pairs))
    a_row, c_col = {a: i for i, a in enumerate(articles)}, {c: k for k, c in enumerate(actions)}
    general = np.zeros((len(articles), len(actions)))
    for p in pairs:
        general[a_row[p.article], c_col[p.action]] = p.general
    goals = np.array([goal_of(c) for c in actions])
    mean = np.zeros_like(general)
    for goal in set(goals):
        cols = goals == goal
        mean[:, cols] = general[:, cols].mean(axis=1, keepdims=True)
    mixed = (1 - b) * general + b * mean
    relevance = per_article(mixed)
    return [PairScore(p.article, p.action, float(relevance[a_row[p.article], c_col[p.action]]),
                      p.sentence, float(mixed[a_row[p.article], c_col[p.action]]))
            for p in pairs]


def main() -> None:
    """Parse the arguments; print the baseline, then G's grid, nested LOAO and verdict."""
    args = X.staged_parser(__doc__).parse_args()
    inputs, second = X.inputs_and_judge_two(args)
    out = sys.stdout
    cases, base = Y.baseline(out, inputs, second)
    if args.baseline_only or args.diagnose_only:
        return
    deployed = pair_scores(inputs.features, *V.MIX)
    same = smoothed(deployed, 0.0)
    gap = max(abs(p.relevance - q.relevance) for p, q in zip(same, deployed, strict=True))
    out.write(f"check: b=0 reproduces the deployed relevance: max |diff| {gap:.2e}\n")
    grid = [(f"G b={b}", smoothed(deployed, b)) for b in GRID]
    passes, gain = Y.run_variant(out, "G", grid, inputs, cases, base, second)
    out.write(f"\nOUTCOME (G): G {'goes to the gate' if passes else 'fails'} "
              f"((a)+(b) gain {gain:+.4f})\n")


if __name__ == "__main__":
    main()
