"""A mål page's "since the previous bokslut": new and ended insatser, indicators that moved.

Works on what the mål page already fetched (actions with their report year, observations
with theirs); the verdict follows the indicator's direction (bk:direction).
"""

from __future__ import annotations

from typing import Any

from web.entity.indicators import Obs

VERDICT = {True: ("bättre", "change-better"), False: ("sämre", "change-worse")}


def headline(obs: list[Obs], indicator: str, report_year: int) -> Obs | None:
    """The municipality's own overall figure in one report, latest year."""
    own = [o for o in obs if o.indicator == indicator and o.report_year == report_year
           and o.home and o.sex is None and o.breakdown is None]
    return max(own, key=lambda o: o.year) if own else None


def move(ind: dict, before: Obs, after: Obs) -> dict[str, Any]:
    """One moved indicator: values, arrow and a direction-aware verdict."""
    delta = after.value - before.value
    direction = str(ind.get("direction") or "")
    arrow = "▲" if delta > 0 else "▼" if delta < 0 else "→"
    if delta == 0 or direction not in {"higher-is-better", "lower-is-better"}:
        verdict, css = "förändrat", "change-neutral"
    else:
        verdict, css = VERDICT[(delta > 0) == (direction == "higher-is-better")]
    return {"ind": ind["ind"], "label": ind["label"], "unit": ind["unit"], "before": before,
            "after": after, "delta": delta, "arrow": arrow, "verdict": verdict, "css": css}


def since_previous(actions: list[dict], obs: list[Obs],
                   indicators: list[dict]) -> dict[str, Any] | None:
    """What changed between the two latest reports that follow up this mål (None: one)."""
    years = sorted({int(a["reportYear"]) for a in actions} | {o.report_year for o in obs})
    if len(years) < 2:
        return None
    before, after = years[-2], years[-1]
    labels = {y: {a["label"] for a in actions if int(a["reportYear"]) == y} for y in years[-2:]}
    moved = []
    for ind in indicators:
        was, now = headline(obs, ind["ind"], before), headline(obs, ind["ind"], after)
        if was is not None and now is not None and (was.value, was.year) != (now.value, now.year):
            moved.append(move(ind, was, now))
    return {"before": before, "after": after, "moved": moved,
            "new": sorted(labels[after] - labels[before]),
            "ended": sorted(labels[before] - labels[after])}
