"""The second-judge benchmark's agreement measures on a hand-made fixture, and the judges' files."""

from __future__ import annotations

import importlib.util
import json
import math
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.test_rights_eval_data import ROOT
from tests.test_rights_eval_data import R as rights_eval
from tests.test_rights_ranking import JUDGED, judged_rows


def load_second_judge() -> ModuleType:
    """benchmarks/rights_second_judge.py as a module (it imports rights_eval, loaded above)."""
    assert sys.modules["rights_eval"] is rights_eval
    spec = importlib.util.spec_from_file_location(
        "rights_second_judge", ROOT / "benchmarks" / "rights_second_judge.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


S = load_second_judge()
POOL = rights_eval.judged_rows()  # judge 1: the development sets, as rights_eval reads them


def second_path(name: str) -> Path:
    """A second judge's file as committed (tests/data)."""
    return JUDGED.with_name(name)


def named(name: str) -> list[str]:
    """The articles a committed second-judge file names, in its order."""
    return list(dict.fromkeys(r["article"] for r in rights_eval.rows_of(second_path(name), "2")))


def committed(name: str) -> Path:
    """The committed file: all six are committed (files 4-6 in round 14), so a missing one
    fails here, never skips."""
    path = second_path(name)
    assert path.is_file(), f"{path} is missing"
    return path


def write_judge1(folder: Path, name: str, articles: list[str], header: bool = True,
                 drop_last: bool = False) -> None:
    """A second-judge file in `folder` that repeats judge 1's rows of these articles."""
    rows = [json.dumps(r) for r in POOL if r["article"] in articles]
    rows = rows[:-1] if drop_last else rows
    (folder / name).write_text(("# a header comment\n" if header else "") + "\n".join(rows)
                               + "\n", encoding="utf-8")


# Two hand-made gradings of four actions, worked by hand:
#   J1 = a 3, b 1, c 2, d 0;  J2 = a 2, b 2, c 1, d 0.
# J2 as a ranking: {a, b} tied at places 1-2, then c, then d. Gains by J1 (2^g − 1): a 7, b 1,
# c 3, d 0; the tie's expected gain per place is (7 + 1) / 2 = 4.
#   DCG = 4·(1 + 1/log2 3) + 3/log2 4 + 0 = 4·1.630930 + 1.5 = 8.023719
#   (the mean of a-b-c-d 9.130930 and b-a-c-d 6.916508)
#   ideal (7, 3, 1, 0) = 7 + 3/log2 3 + 1/2 = 9.392789;  nDCG@10 = 8.023719 / 9.392789 = 0.854242
#   P@1: the first place is a or b, each half the time; only a has J1 grade >= 2: 0.5
# Quadratic-weighted kappa, weights (i − j)² / 9: the pairs (3,2) (1,2) (2,1) (0,0) disagree
# by 1 + 1 + 1 + 0 = 3, observed 3 / 9 / 4 = 1/12. Marginals: J1 1/4 each grade, J2 0: 1/4,
# 1: 1/4, 2: 1/2, 3: 0; chance sum over J1 grade i of 1/4 · Σ_j c_j (i − j)²:
# i=0: 0.25 + 2 = 2.25, i=1: 0.25 + 0.5 = 0.75, i=2: 1 + 0.25 = 1.25, i=3: 2.25 + 1 + 0.5 = 3.75,
# total 8 / 4 / 9 = 2/9.  kappa = 1 − (1/12) / (2/9) = 1 − 3/8 = 0.625.
J1 = {"a": 3, "b": 1, "c": 2, "d": 0}
J2 = {"a": 2, "b": 2, "c": 1, "d": 0}


def test_a_judges_ranking_breaks_ties_by_expected_dcg() -> None:
    assert S.expected_ndcg(J2, J1) == pytest.approx(0.854242, abs=1e-6)
    assert S.expected_precision(J2, J1, k=1) == pytest.approx(0.5)
    # the reverse has no ties in J1: a, c, b, d, scored with J2's gains 3, 1, 3, 0
    assert S.expected_ndcg(J1, J2) == pytest.approx(rights_eval.ndcg(["a", "c", "b", "d"], J2))
    assert S.expected_precision(J1, J2, k=2) == pytest.approx(0.5)


def test_without_ties_the_measures_are_rights_evals() -> None:
    order = {"a": 3, "b": 2, "c": 1, "d": 0}
    assert S.expected_ndcg(order, J1, k=3) == pytest.approx(
        rights_eval.ndcg(["a", "b", "c", "d"], J1, k=3))
    assert S.expected_precision(order, J1) == pytest.approx(
        rights_eval.precision(["a", "b", "c", "d"], J1))


def test_quadratic_weighted_kappa_and_the_agreement_shares() -> None:
    a, b = list(J1.values()), list(J2.values())
    assert S.weighted_kappa(a, b) == pytest.approx(0.625)
    assert S.weighted_kappa(a, a) == pytest.approx(1.0)
    assert math.isnan(S.weighted_kappa([0, 0], [0, 0]))  # no disagreement to expect
    assert S.agreement(a, b) == (0.25, 1.0, 0, pytest.approx(0.625))
    assert S.agreement([0, 3, 1], [2, 3, 1])[:3] == (pytest.approx(2 / 3), pytest.approx(2 / 3), 1)


def test_the_consensus_is_the_mean_grade() -> None:
    assert S.consensus(J1, J2) == {"a": 2.5, "b": 1.5, "c": 1.5, "d": 0.0}


def test_a_missing_required_second_judge_file_is_an_error_naming_it(tmp_path: Path) -> None:
    first = S.first_grades()
    split = {name: named(name) for name in S.REQUIRED}
    *before, last = S.REQUIRED
    for name in before:
        write_judge1(tmp_path, name, split[name])
    with pytest.raises(FileNotFoundError, match=last):
        S.second_grades(tmp_path, first)
    write_judge1(tmp_path, last, split[last], header=False, drop_last=True)
    with pytest.raises(ValueError, match=split[last][-1]):  # one action short
        S.second_grades(tmp_path, first)
    write_judge1(tmp_path, last, split[last], header=False)
    files = S.second_grades(tmp_path, first)
    assert list(files) == list(S.REQUIRED)  # the files not required and not there: no error
    assert files == {name: {a: first[a] for a in split[name]} for name in S.REQUIRED}


def test_an_optional_file_is_read_when_there_its_articles_from_the_file(tmp_path: Path) -> None:
    first = S.first_grades()
    for name in S.REQUIRED:
        write_judge1(tmp_path, name, named(name))
    optional = next(n for n in S.SECOND if n not in S.REQUIRED)
    write_judge1(tmp_path, optional, ["CRC 18", "UDHR 7"])
    files = S.second_grades(tmp_path, first)
    assert files[optional] == {"CRC 18": first["CRC 18"], "UDHR 7": first["UDHR 7"]}


@pytest.mark.parametrize(("article", "message"), [("CRC 31", "graded twice"),
                                                  ("CRC 1", "no development set")])
def test_an_article_in_two_files_or_outside_judge_1s_pool_is_an_error(
        tmp_path: Path, article: str, message: str) -> None:
    for name in S.REQUIRED:
        write_judge1(tmp_path, name, named(name))
    rows = [r | {"article": article} for r in POOL if r["article"] == "CRC 18"]
    optional = next(n for n in S.SECOND if n not in S.REQUIRED)
    (tmp_path / optional).write_text("".join(json.dumps(r) + "\n" for r in rows),
                                     encoding="utf-8")
    with pytest.raises(ValueError, match=message) as error:
        S.second_grades(tmp_path, S.first_grades())
    assert optional in str(error.value)


@pytest.mark.parametrize("bad", [-1, 4, 2.5, "2", True, None])
def test_a_second_judge_grade_not_an_int_0_to_3_is_an_error_naming_file_line_and_value(
        tmp_path: Path, bad: object) -> None:
    rows = {name: [r for r in POOL if r["article"] in named(name)] for name in S.REQUIRED}
    rows[S.REQUIRED[1]][3] = rows[S.REQUIRED[1]][3] | {"grade": bad}  # line 5, after the header
    for name, chosen in rows.items():
        (tmp_path / name).write_text("# a header comment\n" + "".join(
            json.dumps(r) + "\n" for r in chosen), encoding="utf-8")
    with pytest.raises(ValueError) as error:
        S.second_grades(tmp_path, S.first_grades())
    assert str(tmp_path / S.REQUIRED[1]) in str(error.value)
    assert "line 5" in str(error.value) and repr(bad) in str(error.value)


def test_judge_1_is_whichever_development_set_holds_the_article() -> None:
    first = S.first_grades()
    assert len(first) == 63 and sum(map(len, first.values())) == len(POOL) == 63 * 45
    assert all(first[r["article"]][r["action"]] == r["grade"] for r in POOL)
    assert {r["article"] for r in judged_rows("first")} < set(first)


def case(notation: str, stated: set[str]) -> object:
    """A judged case without scored pairs (enough to choose a section's articles)."""
    return rights_eval.Case(notation, "x", {}, stated, {}, "")


def test_a_sections_articles_are_those_its_present_files_name_in_the_pools_order() -> None:
    dev = [case("A", {"C-1"}), case("B", set()), case("C", {"C-2"}), case("D", {"C-3"})]
    files = {"one": {"C": {}, "B": {}}, "two": {"A": {}}}
    assert [c.notation for c in S.section_cases(files, ("one", "two"), False, dev)] == [
        "A", "B", "C"]
    assert [c.notation for c in S.section_cases(files, ("one", "three"), True, dev)] == ["C"]
    assert S.section_cases(files, ("three",), False, dev) == []


def test_the_sections_cover_the_files_and_the_required_ones_come_first() -> None:
    assert S.SECTIONS[0][1] == S.REQUIRED == S.SECOND[:3]
    assert {n for _, names, _ in S.SECTIONS for n in names} == set(S.SECOND)
    assert S.SECTIONS[-1][1:] == (S.SECOND, True)


def test_the_p_at_5_ceiling_counts_grade_2_and_above() -> None:
    assert S.best_precision(J1) == pytest.approx(0.4)
    assert S.best_precision({str(i): 3 for i in range(7)}) == 1.0
    assert S.best_precision(S.consensus(J1, J2)) == pytest.approx(0.2)  # a 2.5, b/c 1.5


@pytest.mark.parametrize("name", S.SECOND + S.THIRD)
def test_each_second_judge_file_grades_the_actions_of_the_articles_it_names(name: str) -> None:
    rows = rights_eval.rows_of(committed(name), "second")
    first = {(r["article"], r["action"]): r for r in POOL}
    articles = named(name)
    assert articles and {a for a, _ in first} >= set(articles)
    for article in articles:
        mine = sorted((r["action"], r["heading"]) for r in rows if r["article"] == article)
        theirs = sorted((a, r["heading"]) for (art, a), r in first.items() if art == article)
        assert len(mine) == 45 and mine == theirs, article
    for r in rows:
        assert r["grade"] in (0, 1, 2, 3), r
        assert r["stated"] == first[r["article"], r["action"]]["stated"], r


@pytest.mark.parametrize("name", S.SECOND + S.THIRD)
def test_each_second_judge_grade_above_zero_quotes_the_actions_text(report, name: str) -> None:
    path = committed(name)
    actions = {f"{g.letter}-{i}": " ".join(p.text for p in s.paragraphs)
               for area in report.goal_areas for g in area.goals
               for i, s in enumerate(g.sections, 1)}
    for r in rights_eval.rows_of(path, "second"):
        if r["grade"]:
            assert r["evidence"] and r["evidence"] in actions[r["action"]], r


def test_the_files_together_judge_the_first_set_and_every_stated_article_of_sets_2_to_7() -> None:
    """Files 1-3 the first set's 13, files 4-6 the 17 of sets 2-7 with a stated action; each
    article in one file only."""
    present = [n for n in S.SECOND if second_path(n).is_file()]
    by_file = {n: named(n) for n in present}
    every = [a for articles in by_file.values() for a in articles]
    assert len(every) == len(set(every))
    firsts = {r["article"] for r in judged_rows("first")}
    stated = {r["article"] for r in POOL if r["stated"] and r["group"] in
              rights_eval.DEVELOPMENT[1:7]}
    assert len(firsts) == 13 and len(stated) == 17
    assert {a for n in S.SECOND[:3] if n in by_file for a in by_file[n]} == firsts
    assert {a for n in S.SECOND[3:] if n in by_file for a in by_file[n]} <= stated
    if present == list(S.SECOND):
        assert set(every) == firsts | stated

