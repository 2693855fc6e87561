"""Steps 2 and 3 of round 22's protocol: variants IS (indicator slots) and ISC (IS when the dense
side is confident), scored leave-one-part-out (benchmarks/indicator_lopo.py's harness) and
chosen by nested LOPO.

After the fusion, the places of the first page (the fused list's first SLOTS rows) that indicator
rows hold keep holding indicator rows, re-ordered by the dense side's score (hybrid's adapted
dense list, the repaired reading merged); every other row keeps its place and score. The design,
the grid and the rule: benchmarks/results/eval_round22_indicator_slots.txt. Read-only on the data
directory. Run:
    python benchmarks/indicator_slot_variants.py {grid,rule,offtopic,latency} \
        [--variant {IS,ISC}] [--point P]
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from indicator_lopo import SHIPPED, VouchedLopo, time_against_shipped
from indicator_slots import BASELINE, OUT
from indicator_variants import TYPES, compare_offtopic, nested_effect, pooled
from memory_lopo import pool

from search.fusion import Fused, FusionWeights, Ranked
from search.hybrid import HybridSearcher
from search.query_memory import SILENT_KIND

SLOTS = 10  # the first page's places (nDCG@10), whatever page is asked
# (where, outsiders): "first" = only when the fused first row is an indicator row; outsiders =
# the dense side's better indicator rows from below the first page may take its last indicator
# places. In the order of caution: a nested tie goes to the earlier point.
GRID: dict[str, tuple[str, bool]] = {
    "first/page": ("first", False), "every/page": ("every", False),
    "first/outsiders": ("first", True), "every/outsiders": ("every", True)}
# Variant ISC (step 3): IS at first/page, only when the dense side's best indicator row has an
# exact cosine >= TAU (its adapted reading, as the gate compares them). Ties to the larger TAU.
TAUS = (0.91, 0.90, 0.89, 0.88)
VARIANTS = {"IS": tuple(GRID), "ISC": tuple(f"tau {t}" for t in TAUS)}


def target(variant: str) -> Path:
    """Where a variant's per-query grid scores are kept."""
    return OUT / f"variant_{variant}.json"


def slot_order(fused: Fused, dense: Ranked, is_indicator: Callable[[int], bool],
               outsiders: bool = False, slots: int = SLOTS) -> Fused:
    """The fused list with the indicator rows of its first `slots` places re-ordered by dense
    score (a row the dense list lacks ranks last; ties keep the fused order); each place keeps
    its fused score. `outsiders`: indicator rows below those places whose dense score beats an
    insider's take the last indicator places, and the insiders they displace take theirs."""
    places = [i for i, (row, _, _) in enumerate(fused[:slots]) if is_indicator(row)]
    if not places:
        return fused
    score = dict(dense)

    def key(i: int) -> tuple[float, int]:
        return (-score.get(fused[i][0], float("-inf")), i)

    inside = sorted(places, key=key)
    below = [i for i in range(slots, len(fused)) if is_indicator(fused[i][0])
             and fused[i][0] in score] if outsiders else []
    chosen = set(sorted(inside + below, key=key)[:len(places)])
    came = [i for i in below if i in chosen]  # outsiders, best first
    left = sorted(i for i in inside if i not in chosen)  # displaced insiders, in fused order
    order = [i for i in inside if i in chosen] + sorted(came, key=key)
    out = list(fused)
    for place, i in zip(places, order, strict=True):
        out[place] = (fused[i][0], fused[place][1], fused[i][2])
    for place, i in zip(sorted(came), left, strict=True):
        out[place] = (fused[i][0], fused[place][1], fused[i][2])
    return out


class Slotted(HybridSearcher):
    """Hybrid whose fused list gets its indicator places re-ordered by the dense side (IS)."""

    where: str = "every"
    outsiders: bool = False
    tau: float = 0.0  # ISC: the exact cosine the dense side's best indicator row must reach
    scale: Callable[[], float] = staticmethod(lambda: 1.0)  # this query's |qM| (see ranked)

    def indicator(self, row: int) -> bool:
        """The index gives this row the indicator kind."""
        return self.index.passages[row].get("kind") == SILENT_KIND

    def fuse(self, lists: dict[str, Ranked], weights: FusionWeights,
             rights: dict[int, float] | None = None, develop: bool = False,
             memory: dict[int, float] | None = None) -> Fused:
        """HybridSearcher.fuse, then (hybrid mode: both lists) the indicator places re-ordered."""
        fused = super().fuse(lists, weights, rights, develop, memory)
        if self.rrf or "bm25" not in lists or "dense" not in lists or not fused:
            return fused
        if self.where == "first" and not self.indicator(fused[0][0]):
            return fused
        if self.tau > 0 and not self.confident(lists["dense"]):
            return fused
        return slot_order(fused, lists["dense"], self.indicator, self.outsiders)


    def confident(self, dense: Ranked) -> bool:
        """The dense list's best indicator row's exact cosine is >= tau."""
        best = next((score for row, score in dense if self.indicator(row)), None)
        return best is not None and best / self.scale() >= self.tau

    def ranked(self, query: str, vector: np.ndarray | None, fetch: int,
               repaired: np.ndarray | None = None, bm25: Ranked | None = None,
               adapted: bool = False) -> dict[str, Ranked]:
        """HybridSearcher.ranked; notes how this query's dense scores are scaled: by |qM| when
        the folded index answers a single reading (FoldedDense.search), else not."""
        folded = self.folded
        if vector is not None and adapted and repaired is None and folded is not None:
            self.scale = lambda: folded.adapter.norm(vector)  # only asked when needed
        else:
            self.scale = lambda: 1.0
        return super().ranked(query, vector, fetch, repaired, bm25, adapted)


def point_of(point: str) -> tuple[str, bool, float]:
    """A grid point of either variant as (where, outsiders, tau)."""
    if point.startswith("tau "):
        return "first", False, float(point.split()[1])
    return (*GRID[point], 0.0)


def slotted(lopo: VouchedLopo, point: str) -> Slotted:
    """The harness's searcher replaced by a Slotted one at `point` (same index and encoder)."""
    searcher = Slotted(lopo.index, lopo.encoder)
    searcher.where, searcher.outsiders, searcher.tau = point_of(point)
    searcher.prepare()
    lopo.searcher = searcher
    return searcher


def run_grid(lopo: VouchedLopo, variant: str) -> dict[str, dict[str, list]]:
    """Every grid point's per-query LOPO hybrid scores, part by part (resumable)."""
    points = VARIANTS[variant]
    searcher = slotted(lopo, points[0])
    done = json.loads(target(variant).read_text()) if target(variant).exists() else {}
    for part, queries in pool().items():
        if all(part in done.get(p, {}) for p in points):
            continue
        adapter, memory = lopo.build(part, SHIPPED[0])
        lopo.use(adapter, memory)
        for point in points:
            searcher.where, searcher.outsiders, searcher.tau = point_of(point)
            rows = lopo.score(queries, memory, SHIPPED)
            done.setdefault(point, {})[part] = [
                [q.id, q.type, s, r] for q, (s, r) in zip(queries, rows, strict=True)]
        target(variant).write_text(json.dumps(done))
        print(time.strftime("%H:%M:%S"), part, {p: round(float(np.mean(
            [r[2] for r in done[p][part]])), 4) for p in points}, flush=True)
    return done


def nested(grid: dict[str, dict[str, list]]) -> tuple[dict[str, str], dict[str, list]]:
    """Per part, the point best on the other 28 parts' pooled scores (ties: the earlier point
    of the grid), and that point's rows for the part."""
    choice, rows = {}, {}
    points = list(grid)
    for part in grid[points[0]]:
        def others(point: str, part: str = part) -> float:
            return pooled([r for p, rs in grid[point].items() if p != part for r in rs])
        choice[part] = max(points, key=lambda p: (round(others(p), 12), -points.index(p)))
        rows[part] = grid[choice[part]][part]
    return choice, rows


def rule(variant: str) -> None:
    """The grid's pooled figures, the nested choice and clauses (a)-(d) against the baseline."""
    base = json.loads(BASELINE.read_text())
    grid = json.loads(target(variant).read_text())
    grid = {p: grid[p] for p in VARIANTS[variant]}  # the grid's order: nested ties
    baseline = {p: [[r[0], r[1], r[2]["hybrid"], r[3]["hybrid"]] for r in rs]
                for p, rs in base.items()}
    flat = [r for rs in baseline.values() for r in rs]
    print(f"{'point':<16} {'pooled':>8} " + " ".join(f"{t[:6]:>7}" for t in TYPES))
    for label, parts in (("baseline", baseline), *grid.items()):
        rows = [r for rs in parts.values() for r in rs]
        print(f"{label:<16} {pooled(rows):>8.4f} "
              + " ".join(f"{pooled(rows, t):>7.4f}" for t in TYPES))
    choice, rows = nested(grid)
    print("nested choices:", choice)
    got = [r for part in baseline for r in rows[part]]
    assert [(r[0], r[1]) for r in got] == [(r[0], r[1]) for r in flat], "not the same queries"
    a, b, c, newly = nested_effect(got, flat)
    changed = [(g[0], g[1], round(g[2] - b[2], 4)) for g, b in zip(got, flat, strict=True)
               if abs(g[2] - b[2]) > 1e-12]
    print(f"changed queries {len(changed)}: {changed}")
    print(f"refused: baseline {sum(r[3] for r in flat)}, nested {sum(r[3] for r in got)}; "
          f"answered by the baseline, refused now: {newly}")
    print(f"(a) indicator {a:+.6f} >= +0.004: {a >= 0.004}; (b) all {b:+.6f} >= -0.0005: "
          f"{b >= -0.0005}; (c) worst other type {c:+.6f} >= -0.003: {c >= -0.003}; "
          f"(d) none newly refused: {not newly}")


def offtopic(lopo: VouchedLopo, point: str) -> None:
    """Clause (e): per string, hits (the page's total) from the shipped searcher and the
    variant, on the shipped index (full adapter and memory)."""
    compare_offtopic(lopo.searcher, slotted(lopo, point))


def latency(lopo: VouchedLopo, point: str) -> None:
    """ms per query, shipped and variant (one full build), alternating; each arm's best round."""
    time_against_shipped(lopo, slotted(lopo, point))


def main() -> None:
    """Run one step."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("step", choices=("grid", "rule", "offtopic", "latency"))
    ap.add_argument("--variant", choices=tuple(VARIANTS), default="IS")
    ap.add_argument("--point", choices=sum(VARIANTS.values(), ()), default="first/page")
    ap.add_argument("--data", type=Path, default=Path("/work/main/data"))
    args = ap.parse_args()
    if args.step == "rule":
        rule(args.variant)
        return
    lopo = VouchedLopo(args.data)
    if args.step == "grid":
        run_grid(lopo, args.variant)
    elif args.step == "offtopic":
        offtopic(lopo, args.point)
    else:
        latency(lopo, args.point)


if __name__ == "__main__":
    main()
