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
# which articles each second judge re-judges (the first set's 13, split in three)
SPLIT = {S.SECOND[0]: {"CRC 31", "CRC 12", "CRC 19", "CRC 24", "CRC 27"},
         S.SECOND[1]: {"CRC 28", "CRC 33", "CRPD 27", "CRPD 30"},
         S.SECOND[2]: {"UDHR 23", "UDHR 25", "JAM 3", "JAM 6"}}

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


def test_a_missing_second_judge_file_is_an_error_naming_it(tmp_path: Path) -> None:
    first = S.first_grades()
    for name in S.SECOND[:2]:
        lines = [json.dumps(r) for r in judged_rows("first") if r["article"] in SPLIT[name]]
        (tmp_path / name).write_text("# a header comment\n" + "\n".join(lines) + "\n",
                                     encoding="utf-8")
    with pytest.raises(FileNotFoundError, match=S.SECOND[2]):
        S.second_grades(tmp_path, first)
    lines = [json.dumps(r) for r in judged_rows("first") if r["article"] in SPLIT[S.SECOND[2]]]
    (tmp_path / S.SECOND[2]).write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match="JAM 6"):  # one action short
        S.second_grades(tmp_path, first)
    (tmp_path / S.SECOND[2]).write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert S.second_grades(tmp_path, first) == first


@pytest.mark.parametrize("bad", [-1, 4, 2.5, "2", True, None])
def test_a_second_judge_grade_not_an_int_0_to_3_is_an_error_naming_file_line_and_value(
        tmp_path: Path, bad: object) -> None:
    rows = {name: [r for r in judged_rows("first") if r["article"] in SPLIT[name]]
            for name in S.SECOND}
    rows[S.SECOND[1]][3] = rows[S.SECOND[1]][3] | {"grade": bad}  # line 5, after the header
    for name, chosen in rows.items():
        (tmp_path / name).write_text("# a header comment\n" + "".join(
            json.dumps(r) + "\n" for r in chosen), encoding="utf-8")
    with pytest.raises(ValueError) as error:
        S.second_grades(tmp_path, S.first_grades())
    assert str(tmp_path / S.SECOND[1]) in str(error.value)
    assert "line 5" in str(error.value) and repr(bad) in str(error.value)


def test_the_first_judges_grades_are_the_first_sets_rows() -> None:
    first = S.first_grades()
    rows = judged_rows("first")
    assert len(first) == 13 and sum(map(len, first.values())) == len(rows) == 13 * 45
    assert all(first[r["article"]][r["action"]] == r["grade"] for r in rows)


@pytest.mark.parametrize("name", S.SECOND)
def test_each_second_judge_file_grades_the_first_sets_actions(name: str) -> None:
    path = JUDGED.with_name(name)  # committed in round 13: a missing file fails here
    rows = rights_eval.rows_of(path, "second")
    first = {(r["article"], r["action"]): r for r in judged_rows("first")}
    assert {r["article"] for r in rows} == SPLIT[name]
    for article in SPLIT[name]:
        mine = sorted((r["action"], r["heading"]) for r in rows if r["article"] == article)
        theirs = sorted((a, r["heading"]) for (art, a), r in first.items() if art == article)
        assert len(mine) == 45 and mine == theirs, article
    for r in rows:
        assert r["grade"] in (0, 1, 2, 3), r
        assert r["stated"] == first[r["article"], r["action"]]["stated"], r


@pytest.mark.parametrize("name", S.SECOND)
def test_each_second_judge_grade_above_zero_quotes_the_actions_text(report, name: str) -> None:
    path = JUDGED.with_name(name)  # committed in round 13: a missing file fails here
    actions = {f"{g.letter}-{i}": " ".join(p.text for p in s.paragraphs)
               for area in report.goal_areas for g in area.goals
               for i, s in enumerate(g.sections, 1)}
    for r in rights_eval.rows_of(path, "second"):
        if r["grade"]:
            assert r["evidence"] and r["evidence"] in actions[r["action"]], r
