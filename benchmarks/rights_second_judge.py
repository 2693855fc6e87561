"""Rights ranking against a second judge: the judged articles re-judged blind by other hands.

Run: .venv/bin/python benchmarks/rights_second_judge.py --data DIR \
         > benchmarks/results/rights_second_judge.txt

Judge 1 for an article is whichever judged set holds it (rights_eval.py's development pool,
sets 1-9, read as it reads it; 45 actions per article, grades 0–3). Judge 2 is every file of
SECOND (rights_second_judge_1..6.jsonl) present in --second DIR (default tests/data), each
article as its file names it: files 1-3 re-judge the first set's 13 articles (round 13), files
4-6 the 17 articles of sets 2-7 the report states (round 14). Header comments are skipped as in
the other judged files; a missing file of REQUIRED is an error naming it (the others are read
when present), an article outside judge 1's pool or in two files, or another action set than
judge 1's, an error naming the file, and a grade that is not an integer 0–3 one naming the
file, the line and the value.

With --third, judge 3's files (THIRD: rights_third_judge_1..2, round 20, 12 stated articles
re-judged blind by a third hand) stand in for judge 2's: one section, the same tables.

Nothing is chosen here: the rankings are rights_eval.py's cross-validated ones (per article,
the three class thresholds chosen by leave-one-article-out on the other 62 development articles
with judge 1's grades, exactly its "CV" columns), and the same rankings are scored against
judge 2's grades and against the consensus (the mean of both judges' grades; P@5 counts a mean
>= 2 as relevant). The baseline is rights_eval.py's: what the report states, in document order.
SECTIONS: the first set (files 1-3, all 13 articles, CRPD 30 stated nowhere included), the
stated articles of sets 2-7 (files 4-6), and every stated article together (files 1-6, 29
articles once all are there). Each has the ranking table, the P@5 ceiling per judge (and of
the consensus) and the agreement table.

Agreement: each judge's grades used as a ranking of all 45 actions (grade 3 first, grade 0
last), scored against the other judge's grades; ties within a grade are broken by expected DCG,
i.e. each place of a tie group gets the mean gain of the group (exactly the mean over all tie
orders, by linearity; our ranking is never used to break ties). Over all pairs: the share of
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

SECOND = tuple(f"rights_second_judge_{n}.jsonl" for n in range(1, 7))
# the blind judge ("judge 3"): 12 stated articles re-judged in round 20 (files 1-2), the other
# 17 in round 22 (files 3-5, three more blind hands), read with --third in place of judge 2
# (the same tables; "J2" in them is then judge 3)
THIRD = tuple(f"rights_third_judge_{n}.jsonl" for n in range(1, 6))
THIRD_SECTIONS = (("Twelve stated articles re-judged by judge 3 (files 1-2, round 20)",
                   THIRD[:2], True),
                  ("The other seventeen stated articles (files 3-5, round 22)", THIRD[2:], True),
                  ("Every stated article (files 1-5)", THIRD, True))
# the files the script insists on: a missing one is an error; the others are read when present
# (files 4-6 were optional while written blind in round 14; all six are committed now, and
# tests/test_rights_second_judge.py fails if any is missing)
REQUIRED = SECOND[:3]
# (title, files, only the articles the report states); a section is written when one of its
# files is there
SECTIONS = (("The first judged set (judge 2: files 1-3)", SECOND[:3], False),
            ("The stated articles of sets 2-7 (judge 2: files 4-6)", SECOND[3:], False),
            ("Every stated article together (judge 2: files 1-6)", SECOND, True))
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
    """Judge 1's grades per article and action: whichever development set holds the article
    (rights_eval's pool, read as it reads it), in file order; an article in two sets is an error."""
    grades: dict[str, dict[str, int]] = {}
    group: dict[str, str] = {}
    for row in R.judged_rows():
        article = row["article"]
        if group.setdefault(article, row["group"]) != row["group"]:
            raise ValueError(f"{article} is judged in two sets: {group[article]}, {row['group']}")
        grades.setdefault(article, {})[row["action"]] = row["grade"]
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


def read_second(path: Path, graded: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    """One second-judge file's grades per article, in file order; a pair graded twice (here or
    in `graded`, the files read before) is an error."""
    grades: dict[str, dict[str, int]] = {}
    for number, row in numbered_rows(path):
        where = f"{path}, line {number}"
        article, action = row["article"], row["action"]
        if action in grades.get(article, {}) or action in graded.get(article, {}):
            raise ValueError(f"{where}: {article} {action} graded twice")
        grades.setdefault(article, {})[action] = checked_grade(row, where)
    return grades


def check_coverage(grades: dict[str, dict[str, int]], first: dict[str, dict[str, int]],
                   path: Path) -> None:
    """An error unless every article of this file is judge 1's, graded on judge 1's actions."""
    for article, actions in grades.items():
        if article not in first:
            raise ValueError(f"{path}: {article} is in no development set (judge 1)")
        if set(actions) != set(first[article]):
            raise ValueError(f"{path}: judge 2 does not grade exactly judge 1's "
                             f"{len(first[article])} actions of {article}")


def second_grades(folder: Path, first: dict[str, dict[str, int]],
                  names: tuple[str, ...] = SECOND, required: tuple[str, ...] = REQUIRED
                  ) -> dict[str, dict[str, dict[str, int]]]:
    """The other judge's grades per file of `names` present in `folder`, per article named in
    it, each article with judge 1's actions; a missing `required` file, an article outside
    judge 1's pool or in two files, another action set, or a grade that is not an integer 0–3
    is an error."""
    missing = [str(folder / name) for name in required if not (folder / name).is_file()]
    if missing:
        raise FileNotFoundError(f"second-judge file missing: {', '.join(missing)}")
    files: dict[str, dict[str, dict[str, int]]] = {}
    for name in names:
        if (folder / name).is_file():
            read = {a: g for grades in files.values() for a, g in grades.items()}
            files[name] = read_second(folder / name, read)
            check_coverage(files[name], first, folder / name)
    return files


def second_as_first(folder: Path, dev: list[R.Case]) -> list[R.Case]:
    """The development cases judge 2 graded, with judge 2's grades in place of judge 1's."""
    files = second_grades(folder, first_grades(), SECOND, SECOND)
    two = {a: g for grades in files.values() for a, g in grades.items()}
    return [replace(c, grades=two[c.notation]) for c in dev if c.notation in two]


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
                        metavar="DIR", help="folder of the second judge's files "
                                            "(default tests/data)")
    parser.add_argument("--third", action="store_true",
                        help="judge 3's files (rights_third_judge_1..5) in place of judge 2's")
    parser.add_argument("--base-second", action="store_true",
                        help="with --third: judge 2's grades in judge 1's columns, so 'cons' is "
                             "the mean of judges 2 and 3 (the thresholds still judge 1's)")
    return parser.parse_args()


def ranking_rows(cases: list[R.Case], rankings: dict[str, list[str]],
                 second: dict[str, dict[str, int]]) -> list[tuple[str, tuple[float, ...]]]:
    """Per article: its CV ranking scored against judge 1, judge 2 and consensus."""
    rows = []
    for case in cases:
        ranked, two = rankings[case.notation], second[case.notation]
        rows.append((case.notation, scored(case, ranked, case.grades) + scored(case, ranked, two)
                     + scored(case, ranked, consensus(case.grades, two))))
    return rows


def best_precision(grades: dict[str, float]) -> float:
    """The best P@5 some grades allow: min(1, actions of grade >= 2 / 5)."""
    return min(1.0, sum(g >= 2 for g in grades.values()) / 5)


def ceilings(out: TextIO, cases: list[R.Case], second: dict[str, dict[str, int]]) -> None:
    """The P@5 ceiling per judge and of the consensus, averaged over the articles."""
    best = {"J1": [best_precision(c.grades) for c in cases],
            "J2": [best_precision(second[c.notation]) for c in cases],
            "cons": [best_precision(consensus(c.grades, second[c.notation])) for c in cases]}
    out.write(f"P@5 ceiling (min(1, grade >= 2 actions / 5), mean over the {len(cases)}): "
              + ", ".join(f"{who} {np.mean(v):.3f}" for who, v in best.items()) + "\n\n")


def section_cases(files: dict[str, dict[str, dict[str, int]]], names: tuple[str, ...],
                  stated_only: bool, dev: list[R.Case]) -> list[R.Case]:
    """The development cases a section scores: the articles its files present name (only
    those the report states when `stated_only`), in the pool's order."""
    named = {a for name in names for a in files.get(name, {})}
    return [c for c in dev if c.notation in named and (c.stated or not stated_only)]


def section(out: TextIO, title: str, absent: list[str], cases: list[R.Case],
            rankings: dict[str, list[str]], second: dict[str, dict[str, int]]) -> None:
    """One section: its title (and its files not there), the ranking table, the P@5
    ceilings and the agreement table."""
    out.write(f"== {title}: {len(cases)} articles × 45 actions ==\n")
    if absent:
        out.write(f"(not there: {', '.join(absent)})\n")
    out.write("\n")
    ranking_table(out, ranking_rows(cases, rankings, second))
    ceilings(out, cases, second)
    agreement_table(out, cases, second)


def main() -> None:
    """Score the deployed CV rankings of the twice-judged articles against both judges."""
    args = arguments()
    if args.base_second and not args.third:
        sys.exit("fel: --base-second compares judge 2 with judge 3 and needs --third")
    names, sections = (THIRD, THIRD_SECTIONS) if args.third else (SECOND, SECTIONS)
    try:
        files = second_grades(args.second, first_grades(), names,
                              THIRD[:2] if args.third else REQUIRED)
    except (FileNotFoundError, ValueError) as error:
        sys.exit(f"fel: {error}")
    second = {a: g for grades in files.values() for a, g in grades.items()}
    cases, inputs = R.load_cases(mixes=R.FIXED_MIX, data=R.data_dir(args.data))
    dev = [c for c in cases if c.group in R.DEVELOPMENT]
    rankings = {c.notation: [a for a, _ in R.ranking(c, held_out(dev, c))]
                for c in dev if c.notation in second}
    out = sys.stdout
    out.write(f"Model: {R.encoder_note(inputs.embedder)}; judge 1: the development set that "
              f"holds the article ({len(dev)} articles × 45 actions); thresholds per article "
              f"chosen on the other {len(dev) - 1} development articles (judge 1)\n"
              f"The other judge's files present: {', '.join(files)}\n\n")
    if args.base_second:  # after the rankings: their thresholds stay chosen on judge 1
        dev = second_as_first(args.second, dev)
        out.write("--base-second: the J1 columns are judge 2 (rights_second_judge_1..6), so "
                  "'cons' is the mean of judges 2 and 3\n\n")
    for title, part, stated_only in sections:
        chosen = section_cases(files, part, stated_only, dev)
        if chosen:
            section(out, title, [n for n in part if n not in files], chosen, rankings,
                    second)


if __name__ == "__main__":
    main()
