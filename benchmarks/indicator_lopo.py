"""Hybrid against its two sides per query type, leave-one-part-out over the pool (round 21, IX21).

Extends benchmarks/memory_lopo.py: for each pool part the adapter and the memory (with its
vouchers, as ingest marks them since round 20) are built without that part's judged queries,
and the real HybridSearcher scores the part's queries in hybrid, dense and bm25 mode (nDCG@10,
as `bokslut eval`). The protocol and the figures: benchmarks/results/eval_round21_indicators.txt.
Read-only on the data directory. Run:
    python benchmarks/indicator_lopo.py {check,baseline} [--data DIR] [--out DIR]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
import time
from pathlib import Path

import numpy as np
from memory_lopo import Lopo, Point, best_of_rounds, candidate_depth, pool

from search.evaluate import DevQuery, ndcg_at_k
from search.held_texts import HeldTexts
from search.hybrid import MODES, HybridSearcher
from search.memory_vouch import mark_vouchers, vouch_recipe
from search.query_adapter import QueryAdapter
from search.query_memory import QueryMemory, kept_answers

OUT = Path("/tmp/ix21work")
SHIPPED: Point = (0.5, 0.88, 0.75, 16, 40)  # ridge, floor, weight, neighbours, depth (round 20)
Row = list  # [id, type, {mode: nDCG@10}, {mode: refused}, {mode: top-10 ids}]


class VouchedLopo(Lopo):
    """memory_lopo's Lopo, its memories marked with vouchers as ingest marks them (round 20's
    harness predates the vouch: its memories vouch for nothing, so the gate differs)."""

    def build(self, leave_out: str | None, ridge: float) -> tuple[QueryAdapter, QueryMemory]:
        """The adapter and the vouching memory of the judged queries without one part."""
        adapter, memory = super().build(leave_out, ridge)
        judged = [q for q, part in zip(self.judged, self.parts, strict=True)
                  if part != leave_out]
        # the memory's rows are kept_answers' texts in order, as QueryMemory.build reads them
        texts = list(kept_answers(HeldTexts(self.index.passages), judged))
        marks = mark_vouchers(self.index.gate, self.index.bm25, texts, memory.vectors)
        return adapter, dataclasses.replace(memory, vouchers=marks, vouch_recipe=vouch_recipe())


def score_modes(searcher: HybridSearcher, queries: list[DevQuery]) -> list[Row]:
    """Per query: nDCG@10, refused and the top 10 in each mode."""
    rows = []
    for q in queries:
        ndcg, refused, ids = {}, {}, {}
        for mode in MODES:
            page = searcher.search_page(q.query, 10, mode)
            ids[mode] = [h.passage["id"] for h in page.hits]
            ndcg[mode] = ndcg_at_k(ids[mode], q.relevant, 10)
            refused[mode] = page.off_topic
        rows.append([q.id, q.type, ndcg, refused, ids])
    return rows


def run_modes(lopo: Lopo, point: Point, target: Path) -> dict[str, list[Row]]:
    """Every pool part scored in all three modes at `point`, LOPO (resumable, into target)."""
    done: dict[str, list[Row]] = json.loads(target.read_text()) if target.exists() else {}
    for part, queries in pool().items():
        if part in done:
            continue
        adapter, memory = lopo.build(part, point[0])
        lopo.use(adapter, memory)
        lopo.score(queries[:1], memory, point)  # sets the memory's floor, neighbours, weight
        with candidate_depth(point[4]):
            done[part] = score_modes(lopo.searcher, queries)
        target.write_text(json.dumps(done))
        print(time.strftime("%H:%M:%S"), part, {m: round(float(np.mean(
            [r[2][m] for r in done[part]])), 4) for m in MODES}, flush=True)
    return done


def table(done: dict[str, list[Row]]) -> str:
    """Per type: n, pooled hybrid, dense, bm25, and the queries with hybrid < dense - 0.05."""
    rows = [r for part in done.values() for r in part]
    out = [f"{'type':<12} {'n':>5} {'hybrid':>8} {'dense':>8} {'bm25':>8} "
           f"{'h-dense':>8} {'h<d-.05':>8} {'refused h/d/b':>14}"]
    for kind in [*sorted({r[1] for r in rows}), "all"]:
        part = [r for r in rows if kind in ("all", r[1])]
        mean = {m: float(np.mean([r[2][m] for r in part])) for m in MODES}
        worse = sum(r[2]["hybrid"] <= r[2]["dense"] - 0.05 for r in part)
        refused = "/".join(str(sum(r[3][m] for r in part)) for m in MODES)
        out.append(f"{kind:<12} {len(part):>5} {mean['hybrid']:>8.4f} {mean['dense']:>8.4f} "
                   f"{mean['bm25']:>8.4f} {mean['hybrid'] - mean['dense']:>+8.4f} "
                   f"{worse:>8} {refused:>14}")
    return "\n".join(out)


def check(lopo: VouchedLopo) -> None:
    """The vouching build from every judged query equals the shipped memory (vouchers too)."""
    adapter, memory = lopo.build(None, SHIPPED[0])
    shipped_adapter, shipped_memory = lopo.shipped
    assert shipped_adapter is not None and shipped_memory is not None
    print("adapter max |diff|", float(np.abs(adapter.matrix - shipped_adapter.matrix).max()),
          "memory vectors max |diff|",
          float(np.abs(memory.vectors - shipped_memory.vectors).max()),
          "judged equal", memory.judged == shipped_memory.judged,
          "vouchers equal", bool(memory.vouchers is not None
                                 and np.array_equal(memory.vouchers, shipped_memory.vouchers)),
          "recipe equal", memory.vouch_recipe == shipped_memory.vouch_recipe)
    part, queries = "held-out 7", pool()["held-out 7"]
    adapter, memory = lopo.build(part, SHIPPED[0])
    lopo.use(adapter, memory)
    harness = score_modes(lopo.searcher, queries)
    fresh = HybridSearcher(lopo.index, lopo.encoder.inner)  # a searcher opened on that index
    real = score_modes(fresh, queries)
    print(part, "fresh searcher == harness (ids, every mode):",
          [r[4] for r in real] == [r[4] for r in harness],
          {m: round(float(np.mean([r[2][m] for r in real])), 6) for m in MODES})


def time_against_shipped(lopo: VouchedLopo, variant: HybridSearcher, n: int = 300,
                         rounds: int = 3) -> None:
    """ms per query of the shipped searcher and `variant` on one full build, alternating, each
    arm warmed on every query first; each arm's best round and the variant's extra printed."""
    shipped = lopo.searcher
    adapter, memory = lopo.build(None, SHIPPED[0])
    for arm in (shipped, variant):
        lopo.searcher = arm
        lopo.use(adapter, memory)
    race({"shipped": shipped, "variant": variant}, n, rounds)


def race(arms: dict[str, HybridSearcher], n: int = 300, rounds: int = 3) -> None:
    """The 'shipped' and 'variant' searchers over n pool queries (Random(20)), alternating
    rounds at the shipped depth; each arm's best round and the variant's extra printed."""
    queries = random.Random(20).sample([q for qs in pool().values() for q in qs], n)
    # warm: every query once per arm, so the cached encoder answers all of them in the rounds
    # (memory_lopo warms 20: the first arm's first round then paid the encoder for the rest)
    for q in queries:
        for arm in arms.values():
            arm.search(q.query, 10)
    with candidate_depth(SHIPPED[4]):
        best = best_of_rounds({label: lambda arm=arm: [arm.search(q.query, 10) for q in queries]
                               for label, arm in arms.items()}, n, rounds)
    print(f"best: shipped {best['shipped']:.3f} variant {best['variant']:.3f} "
          f"diff {best['variant'] - best['shipped']:+.3f} ms/query")


def main() -> None:
    """Run one step."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("step", choices=("check", "baseline"))
    ap.add_argument("--data", type=Path, default=Path("/work/main/data"))
    ap.add_argument("--out", type=Path, default=OUT,
                    help="where the per-query results go (a run resumes from what is there)")
    ap.add_argument("--plain", action="store_true",
                    help="baseline: memories without vouchers, as round 20's harness")
    args = ap.parse_args()
    args.out.mkdir(exist_ok=True)
    if args.step == "check":
        check(VouchedLopo(args.data))
    else:
        lopo = Lopo(args.data) if args.plain else VouchedLopo(args.data)
        name = "baseline_plain.json" if args.plain else "baseline.json"
        print(table(run_modes(lopo, SHIPPED, args.out / name)))


if __name__ == "__main__":
    main()
