"""Step 3 of round 21's protocol: the two variants for queries that point at the indicator table,
scored leave-one-part-out (benchmarks/indicator_lopo.py's harness), chosen by nested LOPO.

A query points at the table when hybrid's dense list ranks an indicator row first (IX-A), or
when its dense and its BM25 lists both do (IX-B). Such a query's memory is silent and BM25's
weight cap is W_IND instead of W_MAX. The design, the grid and the rule:
benchmarks/results/eval_round21_indicators.txt. Read-only on the data directory. Run:
    python benchmarks/indicator_variants.py {grid,rule,offtopic,latency} --variant {A,B}
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import time
from pathlib import Path

import numpy as np
from indicator_lopo import OUT, SHIPPED, VouchedLopo, time_against_shipped
from memory_lopo import pool

from search.fusion import W_MAX, Fused, FusionWeights, Ranked
from search.hybrid import HybridSearcher
from search.query_memory import SILENT_KIND

GRID = (0.6, 0.45, 0.3, 0.15)  # W_IND; 0.6 (= W_MAX): the memory's silence alone
TYPES = ("compound", "development", "english", "indicator", "initiative", "paraphrase",
         "rights", "typo")


class TableAware(HybridSearcher):
    """Hybrid whose fusion, for a query pointing at the indicator table, hears no memory and
    caps BM25's weight at w_ind (both_sides: the BM25 list must point there too)."""

    w_ind: float = W_MAX
    both_sides: bool = False

    def points_at_table(self, lists: dict[str, Ranked]) -> bool:
        """The dense list's first row (and with both_sides BM25's) is an indicator row."""
        firsts = [lists.get("dense"), *([lists.get("bm25")] if self.both_sides else [])]
        return all(rows and self.index.passages[rows[0][0]].get("kind") == SILENT_KIND
                   for rows in firsts)

    def table_weights(self, lists: dict[str, Ranked], weights: FusionWeights) -> FusionWeights:
        """BM25's weight with the cap w_ind when the query points at the table."""
        if not self.points_at_table(lists) or self.w_max <= 0:
            return weights
        return dataclasses.replace(weights, bm25=weights.bm25 * self.w_ind / self.w_max)

    def fuse(self, lists: dict[str, Ranked], weights: FusionWeights,
             rights: dict[int, float] | None = None, develop: bool = False,
             memory: dict[int, float] | None = None) -> Fused:
        """HybridSearcher.fuse, the memory silent and BM25 capped for a table query."""
        table = "dense" in lists and not self.rrf and self.points_at_table(lists)
        return super().fuse(lists, self.table_weights(lists, weights) if table else weights,
                            rights, develop, None if table else memory)

    def deeper_may_match(self, lists: dict[str, Ranked], weights: FusionWeights) -> bool:
        """HybridSearcher.deeper_may_match with the weights the fusion used."""
        table = "dense" in lists and not self.rrf
        return super().deeper_may_match(
            lists, self.table_weights(lists, weights) if table else weights)


def variant_searcher(lopo: VouchedLopo, variant: str) -> TableAware:
    """The harness's searcher replaced by a TableAware one on the same index and encoder."""
    searcher = TableAware(lopo.index, lopo.encoder)
    searcher.both_sides = variant == "B"
    searcher.prepare()
    lopo.searcher = searcher
    return searcher


def run_grid(lopo: VouchedLopo, variant: str, target: Path) -> dict[str, dict[str, list]]:
    """Every grid point's per-query LOPO hybrid scores, part by part (resumable)."""
    searcher = variant_searcher(lopo, variant)
    done = json.loads(target.read_text()) if target.exists() else {}
    for part, queries in pool().items():
        if all(part in done.get(str(w), {}) for w in GRID):
            continue
        adapter, memory = lopo.build(part, SHIPPED[0])
        lopo.use(adapter, memory)
        for w in GRID:
            searcher.w_ind = w
            rows = lopo.score(queries, memory, SHIPPED)
            done.setdefault(str(w), {})[part] = [
                [q.id, q.type, s, r] for q, (s, r) in zip(queries, rows, strict=True)]
        target.write_text(json.dumps(done))
        print(time.strftime("%H:%M:%S"), part, {w: round(float(np.mean(
            [r[2] for r in done[str(w)][part]])), 4) for w in GRID}, flush=True)
    return done


def pooled(rows: list[list], kind: str | None = None) -> float:
    """Mean nDCG@10 of rows [id, type, ndcg, refused] (of one type, or all)."""
    chosen = [r[2] for r in rows if kind is None or r[1] == kind]
    return float(np.mean(chosen)) if chosen else float("nan")


def nested(grid: dict[str, dict[str, list]]) -> tuple[dict[str, str], dict[str, list]]:
    """Per part, the point best on the other 28 parts' pooled scores (ties: the larger W_IND),
    and that point's rows for the part."""
    choice, rows = {}, {}
    for part in next(iter(grid.values())):
        def others(w: str, part: str = part) -> float:
            return pooled([r for p, rs in grid[w].items() if p != part for r in rs])
        choice[part] = max(grid, key=lambda w: (round(others(w), 12), float(w)))
        rows[part] = grid[choice[part]][part]
    return choice, rows


def rule(variant: str) -> None:
    """The grid's pooled figures, the nested choice and clauses (a)-(d) against the baseline."""
    base = json.loads((OUT / "baseline.json").read_text())
    grid = json.loads((OUT / f"variant_{variant}.json").read_text())
    baseline = {p: [[r[0], r[1], r[2]["hybrid"], r[3]["hybrid"]] for r in rs]
                for p, rs in base.items()}
    flat = [r for rs in baseline.values() for r in rs]
    print(f"{'point':<10} {'pooled':>8} " + " ".join(f"{t[:6]:>7}" for t in TYPES))
    for label, parts in (("baseline", baseline), *((f"W_IND {w}", grid[w]) for w in grid)):
        rows = [r for rs in parts.values() for r in rs]
        print(f"{label:<10} {pooled(rows):>8.4f} "
              + " ".join(f"{pooled(rows, t):>7.4f}" for t in TYPES))
    choice, rows = nested(grid)
    print("nested choices:", {p: c for p, c in choice.items()})
    got = [r for part in baseline for r in rows[part]]
    ids = [(r[0], r[1]) for r in got] == [(r[0], r[1]) for r in flat]
    assert ids, "the variant's rows are not the baseline's queries"
    a, b, c, newly = nested_effect(got, flat)
    up = sum(g[2] > b[2] + 1e-12 for g, b in zip(got, flat, strict=True))
    down = sum(g[2] < b[2] - 1e-12 for g, b in zip(got, flat, strict=True))
    print(f"queries up {up}, down {down}; refused: baseline {sum(r[3] for r in flat)}, "
          f"nested {sum(r[3] for r in got)}; answered by the baseline, refused now: {newly}")
    print(f"(a) indicator {a:+.6f} >= +0.005: {a >= 0.005}; (b) all {b:+.6f} >= -0.0005: "
          f"{b >= -0.0005}; (c) worst other type {c:+.6f} >= -0.003: {c >= -0.003}; "
          f"(d) none newly refused: {not newly}")


def nested_effect(got: list, flat: list) -> tuple[float, float, float, list[str]]:
    """Print the nested rows' pooled and per-type figures against the baseline's; return the
    rule's differences (indicator, all, the worst other type) and the queries refused only now."""
    print(f"nested pooled {pooled(got):.6f} vs baseline {pooled(flat):.6f}: "
          f"{pooled(got) - pooled(flat):+.6f}")
    for t in TYPES:
        print(f"   {t:<12} n={sum(r[1] == t for r in flat):>4} {pooled(flat, t):.6f} -> "
              f"{pooled(got, t):.6f} ({pooled(got, t) - pooled(flat, t):+.6f})")
    newly = [g[0] for g, b in zip(got, flat, strict=True) if g[3] and not b[3]]
    worst = min(pooled(got, t) - pooled(flat, t) for t in TYPES if t != "indicator")
    return (pooled(got, "indicator") - pooled(flat, "indicator"), pooled(got) - pooled(flat),
            worst, newly)


def offtopic_strings() -> dict[str, list[str]]:
    """The dev off-topic files (3-29) and both banks: name -> strings."""
    root = Path(__file__).resolve().parent.parent
    files = {f"held-out {n}": root / "tests" / "data" / f"search_offtopic_heldout{n}.txt"
             for n in range(3, 30)}
    files |= {"offtopic bank": root / "search" / "offtopic_bank.txt",
              "service bank": root / "search" / "service_bank.txt"}
    return {name: [line.strip() for line in path.read_text("utf-8").splitlines()
                   if line.strip() and not line.startswith("#")] for name, path in files.items()}


def compare_offtopic(shipped: HybridSearcher, variant: HybridSearcher) -> None:
    """Per dev off-topic string, hits (the page's total) from both searchers: the counts, and
    the strings that gained or lost hits, printed."""
    gained, lost, counted = [], [], {"strings": 0, "shipped": 0, "variant": 0, "totals differ": 0}
    for name, strings in offtopic_strings().items():
        for text in strings:
            before = shipped.search_page(text, 10).total
            after = variant.search_page(text, 10).total
            counted["strings"] += 1
            counted["shipped"] += before > 0
            counted["variant"] += after > 0
            counted["totals differ"] += before != after
            if after and not before:
                gained.append((name, text))
            if before and not after:
                lost.append((name, text))
    print(counted, "gained hits:", gained, "lost hits:", lost)


def offtopic(lopo: VouchedLopo, variant: str, w_ind: float) -> None:
    """Clause (e): per string, hits from the shipped searcher and the variant (full index)."""
    shipped = lopo.searcher
    shipped_adapter, shipped_memory = lopo.shipped
    assert shipped_adapter is not None and shipped_memory is not None
    searcher = variant_searcher(lopo, variant)
    searcher.w_ind = w_ind
    compare_offtopic(shipped, searcher)


def latency(lopo: VouchedLopo, variant: str, w_ind: float) -> None:
    """ms per query, shipped and variant (full builds), alternating; each arm's best round."""
    searcher = variant_searcher(lopo, variant)
    searcher.w_ind = w_ind
    time_against_shipped(lopo, searcher)


def main() -> None:
    """Run one step for one variant."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("step", choices=("grid", "rule", "offtopic", "latency"))
    ap.add_argument("--variant", choices=("A", "B"), required=True)
    ap.add_argument("--w-ind", type=float, default=None, help="offtopic, latency: the point")
    ap.add_argument("--data", type=Path, default=Path("/work/main/data"))
    args = ap.parse_args()
    if args.step == "rule":
        rule(args.variant)
        return
    lopo = VouchedLopo(args.data)
    if args.step == "grid":
        run_grid(lopo, args.variant, OUT / f"variant_{args.variant}.json")
    elif args.step == "offtopic":
        offtopic(lopo, args.variant, args.w_ind)
    else:
        latency(lopo, args.variant, args.w_ind)


if __name__ == "__main__":
    main()
