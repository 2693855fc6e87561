"""Fit the rights ranking's learned weights (web/pipeline/rights_learned.py WEIGHTS).

Run: .venv/bin/python benchmarks/rights_fit.py --data DIR
prints the weights fitted on all development articles of benchmarks/rights_eval.py (sets 1-6,
42 articles) and the class thresholds chosen with them as rights_eval.choose does; WEIGHTS and
rights_rank.CHOSEN are these. The model: pairwise logistic regression without intercept (within
each judged article, every pair of actions with different grades, both orders, on the
difference of their per-article standardised signals; L2 penalty with C = 1), weights L1-normed
(the relevance is standardised per article after the sum, so only their ratios matter) and
rounded to 3 decimals. rights_eval.py refits them without each held-out article for its CV.
With --save it also writes the signals it fitted on to DESIGN, from which the fast tier checks
that WEIGHTS is what this fit gives (tests/test_rights_learned.py; the slow tier checks DESIGN
against a fresh ingest).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from web.pipeline.rights_learned import WEIGHTS

PENALTY_C = 1.0  # fixed before any run (sklearn's default), not chosen on the judged sets
DESIGN = Path(__file__).resolve().parent / "results" / "rights_fit_design.npz"


def pair_differences(x: np.ndarray, grades: np.ndarray) -> np.ndarray:
    """Feature differences better − worse of every differently graded pair within an article;
    x is (articles, actions, features), grades (articles, actions)."""
    out = []
    for xa, ga in zip(x, grades, strict=True):
        better, worse = np.nonzero(ga[:, None] > ga[None, :])
        out.append(xa[better] - xa[worse])
    return np.concatenate(out)


def pairwise_logistic(x: np.ndarray, grades: np.ndarray, c: float = PENALTY_C) -> np.ndarray:
    """Weights minimising ½‖w‖² + c·Σ log(1 + e^(−w·d)) over both orders of every pair
    (so 2c per pair), by Newton's method (the loss is smooth and strictly convex)."""
    d = pair_differences(x, grades)
    w = np.zeros(d.shape[1])
    for _ in range(100):
        p = 1 / (1 + np.exp(-(d @ w)))  # chance the better action scores above the worse
        gradient = w - 2 * c * d.T @ (1 - p)
        hessian = np.eye(len(w)) + 2 * c * (d.T * (p * (1 - p))) @ d
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-12:
            break
    return w


def normed(w: np.ndarray, names: list[str]) -> dict[str, float]:
    """Weights by name, L1-normed and rounded to 3 decimals (what WEIGHTS holds)."""
    return {n: round(float(v), 3) for n, v in zip(names, w / np.abs(w).sum(), strict=True)}


def fitted_weights(x: np.ndarray, grades: np.ndarray) -> dict[str, float]:
    """WEIGHTS as this fit gives them from these signals (named as WEIGHTS is)."""
    return normed(pairwise_logistic(x, grades), list(WEIGHTS))


def save_design(x: np.ndarray, grades: np.ndarray, notations: list[str]) -> None:
    """The fitted-on signals and grades, for the fast tier's check of WEIGHTS."""
    np.savez_compressed(DESIGN, x=x.astype(np.float32), grades=grades.astype(np.int8),
                        names=np.array(list(WEIGHTS)), articles=np.array(notations))


def main() -> None:
    """Fit on every development article; print the weights and the thresholds chosen."""
    import rights_eval as R  # here: rights_eval imports this module

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--save", action="store_true", help=f"write {DESIGN.name}")
    R.add_data_argument(parser)
    args = parser.parse_args()
    inputs = R.load_inputs(data=R.data_dir(args.data))
    standard, actions = R.standard_signals(inputs)
    cases = R.judged_cases(inputs, {})  # (load_inputs reads the development sets only)
    x, grades = R.design(inputs, standard, actions, cases, list(WEIGHTS))
    if args.save:
        save_design(x, grades, [c.notation for c in cases])
    fitted = fitted_weights(x.astype(np.float32).astype(float), grades)
    t = R.choose(R.judged_cases(inputs, {R.FIXED_MIX[0]: R.weighted_pairs(
        inputs, standard, fitted)}))
    print(f"# {len(cases)} development articles ({', '.join(R.DEVELOPMENT)}), "
          f"{R.encoder_note(inputs.embedder)}")
    print(f"WEIGHTS = {fitted}")
    print(f"thresholds chosen with them: direkt {t.direct}, bidrar {t.contributes}, "
          f"härledd {t.inferred}")
    print(f"shipped: WEIGHTS = {WEIGHTS} ({'the same' if fitted == WEIGHTS else 'DIFFERENT'})")


if __name__ == "__main__":
    sys.exit(main())
