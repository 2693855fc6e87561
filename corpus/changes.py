"""Year over year: what changed in each mål between two reports of one municipality.

Records only; whether a move is for the better depends on the indicator's direction,
which the graph knows (graph/direction.py) and the web pages apply.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from corpus.records import Goal, Indicator, Observation, Report


@dataclass(frozen=True)
class IndicatorMove:
    """An indicator's headline figure in the previous and in the current report."""

    name: str
    unit: str
    before: Observation
    after: Observation

    @property
    def delta(self) -> Decimal:
        """Current minus previous value."""
        return self.after.value - self.before.value


@dataclass
class GoalChanges:
    """What differs in one mål between two reports."""

    letter: str
    title: str
    new_actions: list[str] = field(default_factory=list)  # headings
    ended_actions: list[str] = field(default_factory=list)
    moved: list[IndicatorMove] = field(default_factory=list)
    new_indicators: list[str] = field(default_factory=list)
    ended_indicators: list[str] = field(default_factory=list)
    unchanged: int = 0  # indicators whose headline figure is the same


def headline(indicator: Indicator, municipality: str) -> Observation | None:
    """The municipality's own overall figure (no sex or breakdown), latest year."""
    own = [o for o in indicator.observations if o.area == municipality and o.column == "Värde"
           and o.sex is None and o.breakdown is None]
    return max(own, key=lambda o: o.year or 0) if own else None


def compare_goal(before: Goal, after: Goal, municipality: str) -> GoalChanges:
    """New and ended actions (by heading), moved, new and ended indicators (by name)."""
    old_heads = [s.heading for s in before.sections]
    new_heads = [s.heading for s in after.sections]
    changes = GoalChanges(after.letter, after.title,
                          [h for h in new_heads if h not in old_heads],
                          [h for h in old_heads if h not in new_heads])
    old = {i.name: i for i in before.indicators}
    for indicator in after.indicators:
        previous = old.pop(indicator.name, None)
        if previous is None:
            changes.new_indicators.append(indicator.name)
            continue
        was, now = headline(previous, municipality), headline(indicator, municipality)
        if was is None or now is None or (was.value, was.year) == (now.value, now.year):
            changes.unchanged += 1
        else:
            changes.moved.append(IndicatorMove(indicator.name, indicator.unit, was, now))
    changes.ended_indicators = list(old)
    return changes


def compare(previous: Report, current: Report) -> list[GoalChanges]:
    """Per mål of the current report, what changed since the previous one."""
    if previous.municipality != current.municipality:
        raise ValueError(f"reports of different municipalities: {previous.municipality!r} and "
                         f"{current.municipality!r}")
    municipality = re.sub(r"\s+kommun$", "", current.municipality)
    earlier = {g.letter: g for g in previous.goals}
    result = []
    for goal in current.goals:
        before = earlier.get(goal.letter, Goal(goal.letter, goal.title, goal.goal_area, None, 0))
        result.append(compare_goal(before, goal, municipality))
    return result
