"""How sure is "hybrid beats the better single mode"? A paired bootstrap over a part's queries.

The issue's clause compares, per query type, hybrid's mean nDCG with the better of BM25's and
dense's means. On a type with a dozen queries a difference of 0.001 is one swapped rank; the
interval says whether a margin is a finding or noise. Resampling is paired (a resampled query
brings its hybrid, BM25 and dense figures together) and the better side is re-chosen in every
resample, so the interval is for the clause exactly as written.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

SIDES = ("bm25", "dense")
RESAMPLES = 4000
SEED = 29  # fixed: the same figures on every run of `bokslut eval`
LEVEL = 0.95


@dataclass(frozen=True)
class Margin:
    """Hybrid minus the better single mode for one set of queries, with its interval."""

    queries: int
    hybrid: float
    side: str  # the better single mode on the queries as they are
    side_value: float
    margin: float
    low: float
    high: float
    share_ahead: float  # share of resamples in which hybrid >= the better side


def _figures(part: Mapping[str, dict], query_type: str | None) -> np.ndarray:
    """(queries, 3) array of nDCG: hybrid, bm25, dense, for one type or all queries."""
    columns = ("hybrid", *SIDES)
    rows = [part[c]["rows"] for c in columns]
    keep = [i for i, r in enumerate(rows[0]) if query_type is None or r["type"] == query_type]
    return np.array([[rows[c][i]["ndcg"] for c in range(len(columns))] for i in keep])


def margin(part: Mapping[str, dict], query_type: str | None = None,
           resamples: int = RESAMPLES, seed: int = SEED) -> Margin | None:
    """The clause's margin for one type (None: every query) with a percentile interval."""
    figures = _figures(part, query_type)
    if len(figures) == 0:
        return None
    means = figures.mean(axis=0)
    best = int(np.argmax(means[1:]))
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, len(figures), size=(resamples, len(figures)))
    sampled = figures[picks].mean(axis=1)  # (resamples, 3)
    margins = sampled[:, 0] - sampled[:, 1:].max(axis=1)
    tail = (1 - LEVEL) / 2
    return Margin(len(figures), float(means[0]), SIDES[best], float(means[1 + best]),
                  float(means[0] - means[1 + best]), float(np.quantile(margins, tail)),
                  float(np.quantile(margins, 1 - tail)), float((margins >= 0).mean()))


def margins(part: Mapping[str, dict]) -> dict[str, Margin]:
    """The margin over every query ('all') and for each query type of one part."""
    types: Sequence[str] = sorted(part["hybrid"]["by_type"])
    found = {"all": margin(part)} | {t: margin(part, t) for t in types}
    return {name: m for name, m in found.items() if m is not None}


def format_margins(parts: Mapping[str, Mapping[str, Any]]) -> str:
    """One block per named part: the clause's margin per type with its 95 % interval."""
    lines = [f"hybrid - better single mode, nDCG@10, paired bootstrap ({RESAMPLES} resamples, "
             f"seed {SEED}, {LEVEL:.0%} percentile interval; ahead = share of resamples with "
             "hybrid >= the better side)"]
    for name, part in parts.items():
        lines.append(f"{name}:")
        lines.append(f"  {'type':<12}{'n':>5}{'hybrid':>8}  {'better side':<14}{'margin':>8}"
                     f"  {'interval':<17}{'ahead':>6}")
        for key, m in margins(part).items():
            side = f"{m.side} {m.side_value:.3f}"
            span = f"[{m.low:+.3f}, {m.high:+.3f}]"
            lines.append(f"  {key:<12}{m.queries:>5}{m.hybrid:>8.3f}  {side:<14}"
                         f"{m.margin:>+8.3f}  {span:<17}{m.share_ahead:>6.2f}")
    return "\n".join(lines)
