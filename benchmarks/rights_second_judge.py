"""Rights ranking against a second judge: the first judged set's 13 articles re-judged blind.

Run: .venv/bin/python benchmarks/rights_second_judge.py --data DIR \
         > benchmarks/results/rights_second_judge.txt

Judge 1 is tests/data/rights_judged.jsonl (13 articles × 45 actions, grades 0–3); judge 2 is
the same 13 articles re-judged blind by three other hands, in rights_second_judge_1.jsonl (CRC 31,
12, 19, 24, 27), _2 (CRC 28, 33, CRPD 27, 30) and _3 (UDHR 23, 25, JAM 3, 6) of --second DIR
(default tests/data; header comments skipped as in the other judged files; a missing file is an
error naming it, a grade that is not an integer 0–3 one naming the file, the line and the
value). Nothing is chosen here: the rankings are rights_eval.py's cross-validated ones (per
article, the three class thresholds chosen by leave-one-article-out on the other 62
development articles with judge 1's grades, exactly its "CV" columns), and the same rankings
are scored against judge 2's grades and against the consensus (the mean of both judges' grades;
P@5 counts a mean >= 2 as relevant). The baseline is rights_eval.py's: what the report states,
in document order.

Agreement: each judge's grades used as a ranking of all 45 actions (grade 3 first, grade 0
last), scored against the other judge's grades; ties within a grade are broken by expected DCG,
i.e. each place of a tie group gets the mean gain of the group (exactly the mean over all tie
orders, by linearity; our ranking is never used to break ties). Over all 585 pairs: the share of
equal grades, the share within one grade, quadratic-weighted Cohen's kappa and the pairs that
differ by two grades or more.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import TextIO

import numpy as np

# run as a script, so benchmarks/ is on the path
import rights_eval as R

from web.pipeline.rights_rank import Thresholds

SECOND = ("rights_second_judge_1.jsonl", "rights_second_judge_2.jsonl",
          "rights_second_judge_3.jsonl")
GRADES = 4  # 0–3


def gain(grade: float) -> float:
    """The gain rights_eval.ndcg gives a grade: 2^grade − 1."""
    return 2 ** grade - 1


def discount(place: int) -> float:
    """The DCG discount of place `place` (0-based): 1 / log2(place + 2)."""
    return 1 / math.log2(place + 2)


def tie_groups(order: dict[str, float]) -> list[list[str]]:
    """Actions grouped by their grade in `order`, highest grade first."""
    grades = sorted(set(order.values()), reverse=True)
    return [[a for a in order if order[a] == g] for g in grades]


def expected_ndcg(order: dict[str, float], truth: dict[str, float], k: int = 10) -> float:
    """nDCG@k against `truth` of the ranking by `order`'s grades, ties by expected DCG."""
    ideal = sum(gain(g) * discount(i) for i, g in enumerate(sorted(truth.values(),
                                                                  reverse=True)[:k]))
    dcg, start = 0.0, 0
    for group in tie_groups(order):
        mean = float(np.mean([gain(truth.get(a, 0)) for a in group]))
        dcg += mean * sum(discount(i) for i in range(start, min(start + len(group), k)))
        start += len(group)
    return dcg / ideal if ideal else 0.0


def expected_precision(order: dict[str, float], truth: dict[str, float], k: int = 5) -> float:
    """P@k (truth grade >= 2) of the ranking by `order`'s grades, ties by expectation."""
    hits, start = 0.0, 0
    for group in tie_groups(order):
        share = float(np.mean([truth.get(a, 0) >= 2 for a in group]))
        hits += share * max(0, min(start + len(group), k) - start)
        start += len(group)
    return hits / k


def weighted_kappa(a: list[int], b: list[int], levels: int = GRADES) -> float:
    """Quadratic-weighted Cohen's kappa of two gradings of the same items (nan if undefined)."""
    observed = np.zeros((levels, levels))
    for x, y in zip(a, b, strict=True):
        observed[x, y] += 1
    observed /= observed.sum()
    chance = np.outer(observed.sum(axis=1), observed.sum(axis=0))
    i, j = np.indices((levels, levels))
    weights = (i - j) ** 2 / (levels - 1) ** 2
    expected = float((weights * chance).sum())
    return 1 - float((weights * observed).sum()) / expected if expected else math.nan


def agreement(a: list[int], b: list[int]) -> tuple[float, float, int, float]:
    """(share equal, share within one grade, pairs two or more apart, weighted kappa)."""
    gaps = [abs(x - y) for x, y in zip(a, b, strict=True)]
    return (float(np.mean([g == 0 for g in gaps])), float(np.mean([g <= 1 for g in gaps])),
            sum(g >= 2 for g in gaps), weighted_kappa(a, b))


def consensus(first: dict[str, int], second: dict[str, int]) -> dict[str, float]:
    """The mean of both judges' grades, per action."""
    return {a: (first[a] + second[a]) / 2 for a in first}


def first_grades() -> dict[str, dict[str, int]]:
    """Judge 1's grades per article and action: the first judged set, in file order."""
    grades: dict[str, dict[str, int]] = {}
    for row in R.rows_of(R.JUDGED["first"], "first"):
        grades.setdefault(row["article"], {})[row["action"]] = row["grade"]
    return grades


def numbered_rows(path: Path) -> list[tuple[int, dict]]:
    """A judged file's rows with their line numbers (blank and '#' lines skipped, as rows_of)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [(number, json.loads(line)) for number, line in enumerate(lines, 1)
            if line.strip() and not line.startswith("#")]


def checked_grade(row: dict, where: str) -> int:
    """The row's grade; a ValueError naming `where` (file and line) unless it is an int 0–3."""
    grade = row.get("grade")
    if isinstance(grade, bool) or not isinstance(grade, int) or not 0 <= grade < GRADES:
        raise ValueError(f"{where}: grade {grade!r} is not an integer 0–3")
    return grade


def read_second(path: Path, grades: dict[str, dict[str, int]]) -> None:
    """Add one second-judge file's grades to `grades`; a pair graded twice is an error."""
    for number, row in numbered_rows(path):
        where = f"{path}, line {number}"
        if row["article"] in grades and row["action"] in grades[row["article"]]:
            raise ValueError(f"{where}: {row['article']} {row['action']} graded twice")
        grades.setdefault(row["article"], {})[row["action"]] = checked_grade(row, where)


def check_coverage(grades: dict[str, dict[str, int]], first: dict[str, dict[str, int]],
                   folder: Path) -> None:
    """An error unless judge 2 grades exactly the first set's articles and their actions."""
    for article, actions in first.items():
        if set(grades.get(article, {})) != set(actions):
            raise ValueError(f"judge 2 does not grade exactly the first set's 45 actions of "
                             f"{article} (files: {', '.join(SECOND)} in {folder})")
    extra = set(grades) - set(first)
    if extra:
        raise ValueError(f"judge 2 grades articles outside the first set: {sorted(extra)}")


def second_grades(folder: Path, first: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    """Judge 2's grades per article from the three files in `folder`, each article with the
    first set's 45 actions; a missing file or article, another action set, or a grade that is
    not an integer 0–3 is an error."""
    missing = [str(folder / name) for name in SECOND if not (folder / name).is_file()]
    if missing:
        raise FileNotFoundError(f"second-judge file missing: {', '.join(missing)}")
    grades: dict[str, dict[str, int]] = {}
    for name in SECOND:
        read_second(folder / name, grades)
    check_coverage(grades, first, folder)
    return grades


def held_out(dev: list[R.Case], case: R.Case) -> Thresholds:
    """rights_eval's CV choice for one article: the thresholds chosen on the other ones."""
    return R.choose([c for c in dev if c is not case])


def scored(case: R.Case, ranked: list[str], grades: dict[str, float]) -> tuple[float, ...]:
    """(base nDCG@10, base P@5, nDCG@10, P@5) of the report's list and of `ranked`."""
    judged = replace(case, grades=grades)
    return (*R.baseline(judged), R.ndcg(ranked, grades), R.precision(ranked, grades))


def fmt(values: tuple[float, ...]) -> str:
    """nDCG and P@5 figures in alternating columns (nan shown as a dash)."""
    return " ".join("      —" if math.isnan(v) else f"{v:7.3f}" for v in values)


def ranking_table(out: TextIO, rows: list[tuple[str, tuple[float, ...]]]) -> None:
    """Per article and mean: base and CV nDCG@10 / P@5 against judge 1, judge 2, consensus."""
    out.write("The deployed ranking (LOAO thresholds, as rights_eval.py's CV columns) and the "
              "baseline (the report's list),\nscored against judge 1, judge 2 and the consensus "
              "(mean grade; its P@5 counts a mean >= 2):\n")
    heads = [f"{who} {what}" for who in ("J1", "J2", "cons") for what in
             ("bnDCG", "bP@5", "nDCG", "P@5")]
    out.write(f"{'article':8} " + " ".join(f"{h:>7}" for h in heads) + "\n")
    for notation, values in rows:
        out.write(f"{notation:8} {fmt(values)}\n")
    mean = tuple(float(np.mean([v[i] for _, v in rows])) for i in range(len(heads)))
    out.write(f"{'mean':8} {fmt(mean)}\n\n")


def agreement_row(one: dict[str, int], two: dict[str, int]) -> tuple[float, ...]:
    """One article's agreement-table row: each judge's ranking against the other, agreement."""
    a1, a2 = [one[a] for a in one], [two[a] for a in one]
    return (expected_ndcg(two, one), expected_precision(two, one), expected_ndcg(one, two),
            expected_precision(one, two), *agreement(a1, a2), sum(g >= 2 for g in a1),
            sum(g >= 2 for g in a2))


def pairs_summary(out: TextIO, all1: list[int], all2: list[int]) -> None:
    """The agreement over all pairs and the grades each judge gave."""
    exact, within, apart, kappa = agreement(all1, all2)
    out.write(f"Over all {len(all1)} pairs: exact {exact:.3f}, within one grade {within:.3f}, "
              f"two or more apart {apart}, quadratic-weighted kappa {kappa:.3f}\n")
    counts = {name: Counter(g) for name, g in (("J1", all1), ("J2", all2))}
    out.write("Grades given (0/1/2/3): " + "; ".join(
        f"{name} " + "/".join(str(c[g]) for g in range(GRADES)) for name, c in counts.items())
        + "\n")


def agreement_table(out: TextIO, cases: list[R.Case], second: dict[str, dict[str, int]]) -> None:
    """Per article and over all pairs: each judge's grades as a ranking scored against the
    other's, and the grade agreement."""
    out.write("Judge agreement: J2's grades as a ranking of the 45 actions scored against J1's "
              "grades (J2>J1) and the reverse\n(ties within a grade by expected DCG: each place "
              "of a tie group gets the group's mean gain);\nexact and within-one shares, pairs "
              "two or more grades apart, quadratic-weighted kappa:\n")
    heads = ("J2>J1 nDCG", "J2>J1 P@5", "J1>J2 nDCG", "J1>J2 P@5", "exact", "±1", "≥2 apart",
             "kappa", "J1≥2", "J2≥2")
    out.write(f"{'article':8} " + " ".join(f"{h:>10}" for h in heads) + "\n")
    rows = [agreement_row(case.grades, second[case.notation]) for case in cases]
    for case, row in zip(cases, rows, strict=True):
        out.write(f"{case.notation:8} " + " ".join(cell(v) for v in row) + "\n")
    mean = [float(np.nanmean([r[i] for r in rows])) for i in range(len(heads))]
    out.write(f"{'mean':8} " + " ".join(cell(v) for v in mean) + "\n")
    pairs_summary(out, [g for c in cases for g in c.grades.values()],
                  [second[c.notation][a] for c in cases for a in c.grades])
    out.write("(the mean row's kappa leaves out articles where it is undefined)\n\n")


def cell(value: float) -> str:
    """One agreement-table cell: counts as integers, shares with three decimals."""
    if isinstance(value, int):
        return f"{value:10d}"
    return f"{'—':>10}" if math.isnan(value) else f"{value:10.3f}"


def arguments() -> argparse.Namespace:
    """The command line: --data and --second."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    R.add_data_argument(parser)
    parser.add_argument("--second", type=Path, default=R.ROOT / "tests" / "data",
                        metavar="DIR", help="folder of the second judge's three files "
                                            "(default tests/data)")
    return parser.parse_args()


def ranking_rows(firsts: list[R.Case], dev: list[R.Case],
                 second: dict[str, dict[str, int]]) -> list[tuple[str, tuple[float, ...]]]:
    """Per first-set article: its CV ranking scored against judge 1, judge 2 and consensus."""
    rows = []
    for case in firsts:
        ranked = [a for a, _ in R.ranking(case, held_out(dev, case))]
        two = second[case.notation]
        rows.append((case.notation, scored(case, ranked, case.grades) + scored(case, ranked, two)
                     + scored(case, ranked, consensus(case.grades, two))))
    return rows


def main() -> None:
    """Score the deployed CV rankings of the first set against both judges and their mean."""
    args = arguments()
    try:
        second = second_grades(args.second, first_grades())
    except (FileNotFoundError, ValueError) as error:
        sys.exit(f"fel: {error}")
    cases, inputs = R.load_cases(mixes=R.FIXED_MIX, data=R.data_dir(args.data))
    dev = [c for c in cases if c.group in R.DEVELOPMENT]
    firsts = [c for c in dev if c.group == "first"]
    out = sys.stdout
    out.write(f"Model: {R.encoder_note(inputs.embedder)}; first set: {len(firsts)} articles "
              f"× 45 actions; thresholds per article chosen on the other {len(dev) - 1} "
              f"development articles (judge 1)\n\n")
    ranking_table(out, ranking_rows(firsts, dev, second))
    agreement_table(out, firsts, second)


if __name__ == "__main__":
    main()
