"""Year over year in records: the derived 2026 report against the real 2025 one."""

from __future__ import annotations

from decimal import Decimal

import pytest

from corpus.changes import compare
from corpus.reader import read_report
from tests.second_report import CHANGES, second_report_text


@pytest.fixture(scope="module")
def second(tmp_path_factory):
    path = tmp_path_factory.mktemp("andra") / "sodertalje-2026.txt"
    path.write_text(second_report_text(), encoding="utf-8")
    return read_report(path)


def test_exactly_the_changed_rows_move(report, second):
    changes = {c.letter: c for c in compare(report, second)}
    moved = {(c.letter, m.name, m.before.value, m.before.year, m.after.value, m.after.year)
             for c in changes.values() for m in c.moved}
    assert moved == {
        ("A", "Andel barn i familjer med låg inkomststandard", Decimal("9.1"), 2024,
         Decimal("8.7"), 2025),
        ("F", "Sysselsatta invånare 20–65 år, andel (%)", Decimal("76"), 2024, Decimal("77"),
         2025),
    }
    assert len(moved) == len(CHANGES)
    first = changes["A"].moved[0]
    assert first.delta == Decimal("-0.4") and first.unit == "%"
    assert all(not c.new_actions and not c.ended_actions for c in changes.values())
    assert sum(c.unchanged for c in changes.values()) == 73 - 2


def test_new_and_ended_actions_and_indicators(tmp_path, report):
    text = second_report_text().replace("\nStrategiskt arbete\n", "\nStrategi och planering\n", 1)
    text = text.replace("Andel barn i familjer med låg ekonomisk standard\t",
                        "Andel barn i familjer med mycket låg ekonomisk standard\t", 1)
    path = tmp_path / "sodertalje-2026.txt"
    path.write_text(text, encoding="utf-8")
    goal_a = compare(report, read_report(path))[0]
    assert goal_a.new_actions == ["Strategi och planering"]
    assert goal_a.ended_actions == ["Strategiskt arbete"]
    assert goal_a.new_indicators == ["Andel barn i familjer med mycket låg ekonomisk standard"]
    assert goal_a.ended_indicators == ["Andel barn i familjer med låg ekonomisk standard"]


def test_reports_of_two_municipalities_are_not_compared(tmp_path, report):
    text = second_report_text().replace("Södertälje\nkommun", "Nykvarn\nkommun", 1)
    path = tmp_path / "nykvarn-2026.txt"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match="different municipalities"):
        compare(report, read_report(path))
