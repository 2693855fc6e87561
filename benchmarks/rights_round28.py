"""Round 28: the pool's judged questions as rights evidence, with an agreement guard (issue 10).

Run: PYTHONPATH=. .venv/bin/python benchmarks/rights_round28.py --data DIR
Protocol and results: benchmarks/results/rights_eval_round28_agreement.txt (rule fixed before the
run). Round 27's QV (rights_round27.py) lifted actions the judges grade 0-1 into the top 5. QV3:
a question that names the article vouches for an action only when the passage it grades holds
the action's own evidence sentence for that article (the sentence the ranking itself chose), so
a voucher needs the writer's grade and the model's reading to point at the same text.
relevance' = relevance + beta x q as in QV; beta in GRID, chosen per fold by nested LOAO.
"""

from __future__ import annotations

import sys
from typing import TextIO

# run as a script, so benchmarks/ is on the path
import rights_eval as R
import rights_round21 as X
import rights_round22 as Y
import rights_round27 as Q
import rights_second_judge as S
import rights_variants as V

from search.query_adapter import load_judged
from search.rights_signal import RightsSignal
from web.pipeline.layout import index_dir
from web.pipeline.rights_score import pair_scores
from web.pipeline.rights_vouchers import vouchers

GRID = (0.5, 1.0, 2.0)


def judge_three(inputs: R.Inputs) -> dict[str, dict[str, int]]:
    """The blind judge's grades of the stated articles (rights_third_judge_1..5)."""
    files = S.second_grades(R.ROOT / "tests" / "data", S.first_grades(), S.THIRD, S.THIRD)
    dev = R.judged_cases(inputs, {V.MIX: pair_scores(inputs.features, *V.MIX)})
    stated = {c.notation for c in S.section_cases(files, S.THIRD, True, dev)}
    return {a: g for grades in files.values() for a, g in grades.items() if a in stated}


def gate(out: TextIO, inputs: R.Inputs, cases: list[R.Case], base: list[V.Fold],
         folds: list[V.Fold]) -> bool:
    """The rule's gate: the nested rankings against the blind judge (>= 0.753, P@5 held)."""
    third = judge_three(inputs)
    (n, p), (bn, bp) = V.judge2(folds, cases, third), V.judge2(base, cases, third)
    ok = n >= 0.753 and p >= bp
    out.write(f"GATE (blind judge, {len(third)} stated articles): deployed nDCG@10 {bn:.4f} P@5 "
              f"{bp:.4f}; QV3 nDCG@10 {n:.4f} ({n - bn:+.4f}) P@5 {p:.4f} ({p - bp:+.4f}) "
              f"=> {'PASSES' if ok else 'FAILS'}\n")
    return ok


def main() -> None:
    """Parse the arguments; print the baseline, the vouchers' coverage, QV3's grid and verdict."""
    parser = X.staged_parser(__doc__)
    started = Y.staged_start(parser)
    if started is None:
        return
    args, inputs, second, cases, base = started
    out = sys.stdout
    signal = RightsSignal.load(index_dir(R.data_dir(args.data)))
    deployed = pair_scores(inputs.features, *V.MIX)
    # production's vouchers (web/pipeline/rights_vouchers.py); the run of 05:55 used this
    # module's own copy of the rule, which gave the same 117 pairs (checked at 06:07)
    q = vouchers(deployed, inputs.passages, signal, inputs.base, load_judged())
    Q.coverage(out, q, cases, inputs)
    grid = [(f"QV3 beta={b}", Q.vouched(deployed, q, b)) for b in GRID]
    passes, gain = Y.run_variant(out, "QV3", grid, inputs, cases, base, second)
    if passes:
        points = [V.loao(inputs, pairs)[1] for _, pairs in grid]
        passes = gate(out, inputs, cases, base, V.nested(points)[1])
    out.write(f"\nOUTCOME (QV3): QV3 {'goes to the gate' if passes else 'fails'} "
              f"((a)+(b) gain {gain:+.4f})\n")


if __name__ == "__main__":
    main()
