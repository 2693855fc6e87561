"""Round 24 (IW24): BM25's weight in the fusion for a query that asks for an indicator row.

Indicator questions are the one query type hybrid does not yet beat dense on in every
reported part. The rows are short and alike ("…, andel (%): Södertälje 76 % år 2024 …"), and
dense reads the indicator's name well, while BM25's words of such a question ("andel",
"jämfört", a group) sit in narrative passages too. An arm scales BM25's weight w by a factor
f when a detector says the query asks for an indicator row (IW1: f < 1; IW2, designed after
IW1 lowered every indicator figure: f > 1, the weight at most 1; IW3, designed after an
ablation showed the memory costing indicator questions 0.0035: the memory silenced when the
detector fires, or its own silence rule at a lower share); nothing else changes:
  D1 the judged-query memory's neighbours point at indicator rows (the rule that already
     silences the memory, search.query_memory.SILENT_SHARE),
  D2 the dense side's best passage is an indicator row,
  D12 both.
Round 21's IX-A/IX-B (benchmarks/indicator_variants.py) measured D2 with the memory silenced and
lower caps on round 20's code (found after these runs); this repeats it after round 23's BM25
document, with D1, factors above 1 and a lower share. Leave-one-part-out over the pool as
benchmarks/indicator_lopo.py (adapter and memory built
without the scored part, so D1 never hears the query's own part). The rule and the figures:
benchmarks/results/eval_round24_indicator_weight.txt. Read-only on the data directory. Run:
    python benchmarks/indicator_weight.py run [FILE] [--arms IW1|IW2|IW3] [--data DIR]
    python benchmarks/indicator_weight.py table FILE
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import time
from pathlib import Path
from typing import ClassVar

import numpy as np
from indicator_lopo import SHIPPED, VouchedLopo
from memory_lopo import candidate_depth, pool

from search import query_memory
from search.evaluate import ndcg_at_k
from search.fusion import Fused, FusionWeights, Ranked
from search.hybrid import HybridSearcher
from search.query_memory import SILENT_KIND, SILENT_SHARE

DETECTORS = ("D1", "D2", "D12")
LOWER = (0.0, 0.25, 0.5, 0.75)  # IW1: the arms of the rule fixed first
HIGHER = (1.25, 1.5, 2.0)  # IW2: designed after IW1 lowered every indicator figure (said so)


SILENCE = {"S-D2": ("D2", 1.0, True, None), "S-D12": ("D12", 1.0, True, None),
           "share 0.35": ("", 1.0, False, 0.35), "share 0.25": ("", 1.0, False, 0.25)}
Arm = tuple[str, float, bool, float | None]  # detector, BM25 factor, memory silenced, share


def arms(factors: tuple[float, ...] | None) -> dict[str, Arm]:
    """Arm name -> (detector, factor, silence, silent share): shipped and each detector at each
    factor, or (None: IW3) the memory's silence arms."""
    if factors is None:
        return {"shipped": ("", 1.0, False, None), **SILENCE}
    return {"shipped": ("", 1.0, False, None),
            **{f"{d} f{f}": (d, f, False, None) for d in DETECTORS for f in factors}}


def points_at_indicators(memory: query_memory.QueryMemory, vectors: list[np.ndarray]) -> bool:
    """D1: the memory's neighbours above its floor put at least SILENT_SHARE of their grade-3
    weight on indicator rows (the memory's own silence rule, read without its votes)."""
    sims = memory.similarities(vectors)
    k = min(memory.neighbours, len(sims))
    graded = on_rows = 0.0
    for i in np.argpartition(-sims, k - 1)[:k]:
        weight = min((float(sims[i]) - memory.floor) / (1.0 - memory.floor), 1.0)
        for pid, grade in memory.judged[i] if weight > 0 else ():
            if grade == 3:
                graded += weight
                on_rows += weight if pid in memory.indicators else 0.0
    return graded > 0 and on_rows >= SILENT_SHARE * graded


class WeightedSearcher(HybridSearcher):
    """The shipped searcher, BM25's weight scaled by `factor` when `detector` fires."""

    detector, factor, fired, silence = "", 1.0, False, False
    verdicts: ClassVar[dict[str, bool]] = {}  # replaced per query: every detector's verdict
    said_d1 = False

    def search_page(self, *args: object, **kwargs: object) -> object:
        """The shipped search, D1's verdict cleared first (a query the memory is not asked
        about, digits and signs, must not keep the previous query's)."""
        self.said_d1 = False
        return super().search_page(*args, **kwargs)

    def recalled(self, vectors: list[np.ndarray | None]) -> dict[int, float]:
        """The memory's votes; D1's verdict noted on the way."""
        readings = [v for v in vectors if v is not None]
        self.said_d1 = self.memory is not None and bool(readings) \
            and points_at_indicators(self.memory, readings)
        return super().recalled(vectors)

    def fuse(self, lists: dict[str, Ranked], weights: FusionWeights,
             rights: dict[int, float] | None = None, develop: bool = False,
             memory: dict[int, float] | None = None) -> Fused:
        """The shipped fusion at a scaled BM25 weight when the detector fires."""
        dense = lists.get("dense") or []
        d2 = bool(dense) and self.index.passages[dense[0][0]].get("kind") == SILENT_KIND
        self.verdicts = {"D1": self.said_d1, "D2": d2, "D12": self.said_d1 and d2}
        self.fired = self.verdicts.get(self.detector, False)
        if self.fired:
            # BM25's share stays a share: at most all of the mix
            weights = dataclasses.replace(weights, bm25=min(1.0, weights.bm25 * self.factor))
            memory = None if self.silence else memory
        return super().fuse(lists, weights, rights, develop, memory)


def run(data: Path, out: Path, factors: tuple[float, ...] | None) -> None:
    """Every arm's hybrid nDCG@10 and detector verdicts per pool query, LOPO, into `out`."""
    lopo = VouchedLopo(data)
    searcher = WeightedSearcher(lopo.index, lopo.encoder)
    searcher.prepare()
    lopo.searcher = searcher
    done: dict[str, list] = {}
    for part, queries in pool().items():
        adapter, memory = lopo.build(part, SHIPPED[0])
        lopo.use(adapter, memory)
        lopo.score(queries[:1], memory, SHIPPED)  # the memory's floor, neighbours and weight
        rows = []
        with candidate_depth(SHIPPED[4]):
            for q in queries:
                row: dict = {"id": q.id, "type": q.type, "fired": {}, "ndcg": {}}
                searcher.verdicts = {}
                for arm, (detector, factor, silence, share) in arms(factors).items():
                    searcher.detector, searcher.factor = detector, factor
                    searcher.silence = silence
                    query_memory.SILENT_SHARE = SILENT_SHARE if share is None else share
                    ids = [h.passage["id"] for h in searcher.search(q.query, 10)]
                    row["ndcg"][arm] = ndcg_at_k(ids, q.relevant, 10)
                    row["fired"] = row["fired"] or dict(searcher.verdicts)
                query_memory.SILENT_SHARE = SILENT_SHARE
                searcher.detector = ""
                for mode in ("dense", "bm25"):
                    ids = [h.passage["id"] for h in searcher.search(q.query, 10, mode)]
                    row["ndcg"][mode] = ndcg_at_k(ids, q.relevant, 10)
                rows.append(row)
        done[part] = rows
        print(time.strftime("%H:%M:%S"), part, len(rows), flush=True)
    out.write_text(json.dumps(done))


def table(path: Path) -> str:
    """Per arm and type: pooled nDCG@10 minus shipped's; detector firing per type."""
    rows = [r for part in json.loads(path.read_text()).values() for r in part]
    types = [*sorted({r["type"] for r in rows}), "all"]
    def fired(kind: str) -> str:
        """How many queries of a type each detector fired on (a refused query: none)."""
        of_kind = [r for r in rows if r["type"] == kind]
        return f"{kind} {len(of_kind)}: " + "/".join(
            str(sum(r["fired"].get(d, False) for r in of_kind)) for d in DETECTORS)

    lines = ["fired per type (n): " + ", ".join(map(fired, types[:-1])) + "   (D1/D2/D12)"]
    lines.append(f"{'arm':<10}" + "".join(f"{t[:10]:>11}" for t in types))
    for arm in [a for a in rows[0]["ndcg"] if a not in ("dense", "bm25")] + ["dense", "bm25"]:
        cells = []
        for t in types:
            part = [r for r in rows if t in ("all", r["type"])]
            mean = float(np.mean([r["ndcg"][arm] for r in part]))
            base = float(np.mean([r["ndcg"]["shipped"] for r in part]))
            cells.append(f"{mean:.4f}" if arm == "shipped" else f"{mean - base:+.4f}")
        lines.append(f"{arm:<10}" + "".join(f"{c:>11}" for c in cells))
    return "\n".join(lines)


def main() -> None:
    """Run one step."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("step", choices=("run", "table"))
    ap.add_argument("file", nargs="?", type=Path, default=Path("/tmp/iw24/arms.json"))
    ap.add_argument("--data", type=Path, default=Path("/work/main/data"))
    ap.add_argument("--arms", choices=("IW1", "IW2", "IW3"), default="IW1",
                    help="IW1: factors below 1; IW2: above 1; IW3: the memory's silence")
    args = ap.parse_args()
    if args.step == "run":
        args.file.parent.mkdir(parents=True, exist_ok=True)
        run(args.data, args.file, {"IW1": LOWER, "IW2": HIGHER, "IW3": None}[args.arms])
    print(table(args.file))


if __name__ == "__main__":
    main()
