"""The domain gate's three floors by their documented rules, on out-of-fold logits (round 22).

The rules (search/domain_gate.py; as round 13 wrote them out, eval_round13_bank.txt, and round
21 applied the service one, eval_round21_service_bank.txt), each read over queries that need
the classifier (the gate was asked; no specific lexical match, rare phrase, initiative name or
joined compound lets them by; not beyond_the_classifier), a query's logit the best of its
readings:
  MIN_DOMAIN_SCORE          the tuning part's lowest query, minus 0.21, rounded down to 0.1
                            (the shipped -4.8 under -4.59);
  MIN_DOMAIN_SCORE_ENGLISH  midway between the off-topic bank's highest English line and the
                            tuning part's lowest English query, rounded to 0.1;
  MIN_SERVICE_SCORE         under the lowest pool query the baseline answers that needs the
                            service verdict (every reading at or over its floor under
                            SERVICE_ASKED_BELOW, one at least) by 0.3, rounded to 0.1; with no
                            such query, the shipped floor stays (round 13's reading).
An English query is one of the dev sets' type "english" (the documented -4.59 is "parental
leave taken by fathers", which looks_english reads as Swedish: these readings give the shipped
-4.8 and -6.6 on the shipped gate); the service band reads each query against the floor the gate
applies to it (looks_english). When the gate learns from the
judged questions, a part's own logits are in sample (round 13: floors read off them land
above +2), so every query is scored by a gate trained without its part's questions, and, for
fold P, without P's too (the gate of the pair). Fold "tuning" has no tuning part to read:
held-out 2 stands in (written before the run).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from search import domain_gate
from search.domain_gate import DomainGate

Floors = tuple[float, float, float]
MARGIN_D, MARGIN_S, STEP = 0.21, 0.3, 0.1
TUNING, STAND_IN = "tuning", "held-out 2"
FULL = "full"


@dataclass(frozen=True)
class QueryView:
    """A pool query as the floors' rules read it: its readings' vectors, its language, and
    whether something besides the classifier lets it by or it is never asked of it."""

    readings: list[np.ndarray]
    english: bool
    other: bool
    beyond: bool

    def needs_classifier(self) -> bool:
        """Only the classifier decides this query."""
        return not self.other and not self.beyond and bool(self.readings)


def shipped_floors() -> Floors:
    """domain_gate's three floors as they are."""
    return (domain_gate.MIN_DOMAIN_SCORE, domain_gate.MIN_DOMAIN_SCORE_ENGLISH,
            domain_gate.MIN_SERVICE_SCORE)


def down(value: float) -> float:
    """Rounded down to STEP (a float's last digit does not push it a step lower)."""
    return math.floor(round(value / STEP, 6)) * STEP


def to_step(value: float) -> float:
    """Rounded to the nearest STEP."""
    return round(value / STEP) * STEP


GateFor = Callable[[tuple[str, ...]], DomainGate]


def language_floors(fold: str, views: dict[str, list[QueryView | None]],
                    kinds: dict[str, list[str]], gate_for: GateFor,
                    bank_vecs: np.ndarray) -> tuple[float, float, str]:
    """MIN_DOMAIN_SCORE and MIN_DOMAIN_SCORE_ENGLISH for a fold, and what set them."""
    part = STAND_IN if fold == TUNING else TUNING
    left = (part,) if fold == FULL else (fold, part)
    gate = gate_for(left)
    best = [(max(gate.score(r) for r in v.readings), kind == "english")
            for v, kind in zip(views[part], kinds[part], strict=True)
            if v is not None and v.needs_classifier()]
    lowest = min(s for s, _ in best)
    english = min(s for s, en in best if en)
    bank = max(gate_for(() if fold == FULL else (fold,)).score(v) for v in bank_vecs)
    why = (f"{part}: lowest {lowest:+.3f}, lowest English {english:+.3f}; "
           f"bank's highest English {bank:+.3f}")
    return down(lowest - MARGIN_D), to_step((english + bank) / 2), why


def service_floor(fold: str, views: dict[str, list[QueryView | None]],
                  answered: dict[str, list[bool]], gate_for: GateFor,
                  d: float, e: float) -> tuple[float, str]:
    """MIN_SERVICE_SCORE for a fold (its language floors d, e), and the query that sets it."""
    lowest, where = math.inf, ""
    for part, part_views in views.items():
        if part == fold:
            continue
        gate = gate_for((part,) if fold == FULL else (fold, part))
        for i, v in enumerate(part_views):
            if v is None or not answered[part][i] or not v.needs_classifier():
                continue
            floor = e if v.english else d
            first = [gate.score(r) for r in v.readings]
            band = [r for r, s in zip(v.readings, first, strict=True)
                    if floor <= s < domain_gate.SERVICE_ASKED_BELOW]
            if not band or any(s >= domain_gate.SERVICE_ASKED_BELOW for s in first):
                continue
            value = max(gate.service_score(r) for r in band)
            if value < lowest:
                lowest, where = value, f"{part} #{i} service {value:+.3f}"
    if lowest == math.inf:  # no query needs the service verdict: the floor stays
        return domain_gate.MIN_SERVICE_SCORE, "no query in the band (shipped floor kept)"
    return to_step(lowest - MARGIN_S), where


def fold_floors(fold: str, views: dict[str, list[QueryView | None]],
                kinds: dict[str, list[str]], answered: dict[str, list[bool]],
                gate_for: GateFor, bank_vecs: np.ndarray,
                fixed: tuple[float, float] | None = None) -> tuple[Floors, str]:
    """The three floors of a fold ("full": the gate trained on every part) and why; `fixed`:
    the two language floors as given (a first direction that did not change)."""
    d, e, why = (*fixed, "D, E as shipped") if fixed is not None \
        else language_floors(fold, views, kinds, gate_for, bank_vecs)
    s, where = service_floor(fold, views, answered, gate_for, d, e)
    return (round(d, 1), round(e, 1), round(s, 1)), f"{why}; S from {where}"
