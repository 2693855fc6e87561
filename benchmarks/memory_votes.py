"""Round 21's LV: the judged-query memory's votes divided by max(top vote, T) instead of the top
vote, scored leave-one-part-out (benchmarks/indicator_lopo.py's harness), T chosen by nested LOPO.

A query whose top vote reaches T keeps today's votes; below T its votes keep their absolute size,
so a loose neighbour's passage no longer gets the memory's full weight (T 0: today's memory).
The protocol, the grid and the rule: benchmarks/results/eval_round21_memory_votes.txt. Read-only
on the data directory. Run:
    python benchmarks/memory_votes.py {check,baseline,grid,rule,offtopic,latency} [--t T]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
import time
from pathlib import Path

import numpy as np
from indicator_lopo import SHIPPED, VouchedLopo, run_modes, table
from indicator_lopo import check as check_harness
from indicator_variants import TYPES, offtopic_strings, pooled
from memory_lopo import best_of_rounds, candidate_depth, pool

from search.hybrid import HybridSearcher
from search.query_memory import QueryMemory

OUT = Path("/tmp/lv21work")
GRID = (0.25, 0.5, 0.75, 1.0)  # T, fixed by the lead before any run
CONTROL = 0.0  # T 0 is today's memory: its rows must be the baseline's hybrid rows


@dataclasses.dataclass(frozen=True)
class LooseVotes(QueryMemory):
    """QueryMemory whose votes are divided by max(top vote, vote_floor), not the top vote."""

    vote_floor: float = 0.0
    # the last similarities read, so the rescaling does not compute them twice (latency step)
    last: list = dataclasses.field(default_factory=list, compare=False, repr=False)

    def similarities(self, vectors: list[np.ndarray]) -> np.ndarray:
        """QueryMemory.similarities, kept for scores."""
        sims = super().similarities(vectors)
        self.last[:] = [sims]
        return sims

    def top_vote(self, sims: np.ndarray) -> float:
        """The query's highest vote before the normalisation (the nearest neighbours' best)."""
        k = min(self.neighbours, len(sims))
        top = 0.0
        for i in np.argpartition(-sims, k - 1)[:k]:
            weight = min((float(sims[i]) - self.floor) / (1.0 - self.floor), 1.0)
            if weight > 0:
                top = max(top, weight * max(g for _, g in self.judged[i]) / 3)
        return top

    def scores(self, vectors: list[np.ndarray]) -> dict[str, float]:
        """QueryMemory.scores (votes / top) times top / max(top, vote_floor)."""
        votes = super().scores(vectors)
        if not votes or self.vote_floor <= 0:
            return votes
        top = self.top_vote(self.last[0])
        scale = top / max(top, self.vote_floor)
        return {pid: v * scale for pid, v in votes.items()}


def loose(memory: QueryMemory, t: float) -> LooseVotes:
    """The same memory (vouchers, twins, floor, neighbours) with votes divided by max(top, t)."""
    fields = {f.name: getattr(memory, f.name) for f in dataclasses.fields(QueryMemory)}
    return LooseVotes(**fields, vote_floor=t)


def run_grid(lopo: VouchedLopo, target: Path) -> dict[str, dict[str, list]]:
    """The control's and every grid point's per-query LOPO hybrid rows, part by part (resumable)."""
    done = json.loads(target.read_text()) if target.exists() else {}
    points = (CONTROL, *GRID)
    for part, queries in pool().items():
        if all(part in done.get(str(t), {}) for t in points):
            continue
        adapter, memory = lopo.build(part, SHIPPED[0])
        lopo.use(adapter, memory)
        for t in points:
            rows = lopo.score(queries, loose(memory, t), SHIPPED)
            done.setdefault(str(t), {})[part] = [
                [q.id, q.type, s, r] for q, (s, r) in zip(queries, rows, strict=True)]
        target.write_text(json.dumps(done))
        print(time.strftime("%H:%M:%S"), part, {t: round(float(np.mean(
            [r[2] for r in done[str(t)][part]])), 4) for t in points}, flush=True)
    return done


def nested(grid: dict[str, dict[str, list]]) -> tuple[dict[str, str], dict[str, list]]:
    """Per part, the T best on the other 28 parts' pooled hybrid (ties: the smaller T, nearer
    today's memory), and that T's rows for the part."""
    choice, rows = {}, {}
    for part in next(iter(grid.values())):
        def others(t: str, part: str = part) -> float:
            return pooled([r for p, rs in grid[t].items() if p != part for r in rs])
        choice[part] = max(grid, key=lambda t: (round(others(t), 12), -float(t)))
        rows[part] = grid[choice[part]][part]
    return choice, rows


def type_line(label: str, rows: list[list]) -> str:
    """Pooled hybrid, all and per type."""
    return f"{label:<10} {pooled(rows):>8.4f} " + " ".join(f"{pooled(rows, t):>7.4f}"
                                                          for t in TYPES)


def rule() -> None:
    """The control, every grid point's pooled figures, the nested choice and clauses (a)-(d)."""
    base = json.loads((OUT / "baseline.json").read_text())
    found = json.loads((OUT / "grid.json").read_text())
    baseline = {p: [[r[0], r[1], r[2]["hybrid"], r[3]["hybrid"]] for r in rs]
                for p, rs in base.items()}
    flat = [r for rs in baseline.values() for r in rs]
    control = [r for p in baseline for r in found[str(CONTROL)][p]]
    print("control T 0 == baseline hybrid (ids, nDCG, refused):", control == flat)
    grid = {str(t): found[str(t)] for t in GRID}
    print(f"{'point':<10} {'pooled':>8} " + " ".join(f"{t[:6]:>7}" for t in TYPES))
    print(type_line("baseline", flat))
    for t, parts in grid.items():
        print(type_line(f"T {t}", [r for p in baseline for r in parts[p]]))
    choice, rows = nested(grid)
    whole = max(grid, key=lambda t: (round(pooled([r for rs in grid[t].values() for r in rs]),
                                           12), -float(t)))
    print("nested choices:", choice, "| chosen on all 29:", whole)
    got = [r for part in baseline for r in rows[part]]
    assert [(r[0], r[1]) for r in got] == [(r[0], r[1]) for r in flat], "not the same queries"
    a = pooled(got) - pooled(flat)
    print(f"nested pooled {pooled(got):.6f} vs baseline {pooled(flat):.6f}: {a:+.6f}")
    for t in TYPES:
        changed = [(g[2] - b[2]) for g, b in zip(got, flat, strict=True)
                   if g[1] == t and abs(g[2] - b[2]) > 1e-12]
        print(f"   {t:<12} n={sum(r[1] == t for r in flat):>4} {pooled(flat, t):.6f} -> "
              f"{pooled(got, t):.6f} ({pooled(got, t) - pooled(flat, t):+.6f}); "
              f"up {sum(c > 0 for c in changed)}, down {sum(c < 0 for c in changed)}, "
              f"sum {sum(changed):+.3f}")
    newly = [g[0] for g, b in zip(got, flat, strict=True) if g[3] and not b[3]]
    print(f"refused: baseline {sum(r[3] for r in flat)}, nested {sum(r[3] for r in got)}; "
          f"answered by the baseline, refused now: {newly}")
    b = min(pooled(got, t) - pooled(flat, t) for t in TYPES)
    c = pooled(got, "indicator") - pooled(flat, "indicator")
    print(f"(a) all {a:+.6f} >= +0.002: {a >= 0.002}; (b) worst type {b:+.6f} >= -0.003: "
          f"{b >= -0.003}; (c) indicator {c:+.6f} >= 0: {c >= 0}; (d) none newly refused: "
          f"{not newly}")


def offtopic(lopo: VouchedLopo, t: float) -> None:
    """Clause (e): per string, hits from the shipped searcher and LV at t (the shipped index)."""
    shipped = lopo.searcher
    memory = lopo.shipped[1]
    assert memory is not None and shipped.memory is memory
    variant = HybridSearcher(lopo.index, lopo.encoder)
    variant.prepare()
    variant.memory = loose(memory, t)
    gained, lost, counted = [], [], {"shipped": 0, "variant": 0, "strings": 0, "differ": 0}
    for name, strings in offtopic_strings().items():
        for text in strings:
            before, after = shipped.search_page(text, 10), variant.search_page(text, 10)
            counted["strings"] += 1
            counted["shipped"] += before.total > 0
            counted["variant"] += after.total > 0
            counted["differ"] += [h.passage["id"] for h in before.hits] != \
                [h.passage["id"] for h in after.hits]
            if after.total and not before.total:
                gained.append((name, text))
            if before.total and not after.total:
                lost.append((name, text))
    print(counted, "gained hits:", gained, "lost hits:", lost)


def latency(lopo: VouchedLopo, t: float, n: int = 300, rounds: int = 3) -> None:
    """ms per query, shipped and LV at t (one full build, one searcher), alternating; each arm's
    best round (indicator_variants' latency step)."""
    queries = random.Random(20).sample([q for qs in pool().values() for q in qs], n)
    adapter, memory = lopo.build(None, SHIPPED[0])
    lopo.use(adapter, memory)
    lopo.score(queries[:1], memory, SHIPPED)  # the shipped floor, neighbours and weight
    arms = {"shipped": lopo.searcher.memory, "variant": loose(lopo.searcher.memory, t)}
    searcher = lopo.searcher
    with candidate_depth(SHIPPED[4]):
        # warm: every query once per arm, so the cached encoder answers all of them in the rounds
        for q in queries:
            for arm in arms.values():
                searcher.memory = arm
                searcher.search(q.query, 10)
        def ask_all(arm: QueryMemory) -> None:
            """The sample searched with this memory."""
            searcher.memory = arm
            for q in queries:
                searcher.search(q.query, 10)

        best = best_of_rounds({label: lambda arm=arm: ask_all(arm) for label, arm in arms.items()},
                              n, rounds)
    print(f"best: shipped {best['shipped']:.3f} variant {best['variant']:.3f} "
          f"diff {best['variant'] - best['shipped']:+.3f} ms/query")


def main() -> None:
    """Run one step."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("step", choices=("check", "baseline", "grid", "rule", "offtopic", "latency"))
    ap.add_argument("--t", type=float, default=None, help="offtopic, latency: the point")
    ap.add_argument("--data", type=Path, default=Path("/work/main/data"))
    args = ap.parse_args()
    OUT.mkdir(exist_ok=True)
    if args.step == "rule":
        rule()
        return
    lopo = VouchedLopo(args.data)
    if args.step == "check":
        check_harness(lopo)
    elif args.step == "baseline":
        print(table(run_modes(lopo, SHIPPED, OUT / "baseline.json")))
    elif args.step == "grid":
        run_grid(lopo, OUT / "grid.json")
    elif args.step == "offtopic":
        offtopic(lopo, args.t)
    else:
        latency(lopo, args.t)


if __name__ == "__main__":
    main()
