"""Step 2 of round 21's protocol: hybrid's parts taken away one at a time on the pool's indicator
queries, leave-one-part-out (benchmarks/indicator_lopo.py's harness; diagnosis only).

Per indicator query: hybrid as shipped, without the memory, with the bare query vector (no
adapter), without BM25, its dense side alone (adapted, bare), BM25's weight cap swept, and the
dense side read through a partial adapter. Figures: benchmarks/results/eval_round21_indicators.txt.
Run: python benchmarks/indicator_ablate.py [--data DIR]  (writes /tmp/ix21work/ablate.json)
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
from indicator_lopo import OUT, SHIPPED, VouchedLopo
from memory_lopo import pool

from search.evaluate import ndcg_at_k
from search.fusion import Ranked
from search.hybrid import HybridSearcher
from search.index_store import SearchIndex
from search.query_memory import WEIGHT

W_CAPS = (0.0, 0.15, 0.3, 0.45, 0.6, 0.75, 0.9)  # BM25's weight cap (W_MAX 0.6 shipped)
BARE_SHARES = (0.25, 0.5, 0.75)  # the bare vector's share of the dense side's query vector


class PartialAdapter(HybridSearcher):
    """Hybrid whose dense side searches with (1 - share) adapted + share bare query vector."""

    share = 0.0

    def dense_hits(self, vector: np.ndarray, fetch: int, adapted: bool = False,
                   exact: bool = True) -> Ranked:
        """The dense side's rows for the mixed query vector (exact cosines)."""
        if not adapted or self.adapter is None:
            return super().dense_hits(vector, fetch, adapted, exact)
        bare = np.asarray(vector, np.float32) / np.linalg.norm(vector)
        mixed = (1 - self.share) * self.adapter.apply(bare) + self.share * bare
        mixed = (mixed / np.linalg.norm(mixed)).astype(np.float32)
        hits = self.index.dense.search(mixed, fetch)
        return hits if self.sentences is None else self.sentences.mixed(hits, mixed, fetch)


def arms(index: SearchIndex, lopo: VouchedLopo) -> dict[str, HybridSearcher]:
    """The ablations, each a searcher on the index as the harness set it up."""
    enc = lopo.encoder
    out = {"hybrid": lopo.searcher,
           "no memory": HybridSearcher(index, enc, memory_weight=0.0),
           "no adapter": HybridSearcher(index, enc, adapt=False),
           "no BM25": HybridSearcher(index, enc, w_max=0.0),
           "dense side": HybridSearcher(index, enc, w_max=0.0, memory_weight=0.0),
           "bare dense side": HybridSearcher(index, enc, w_max=0.0, memory_weight=0.0,
                                             adapt=False)}
    for w in W_CAPS:
        out[f"W {w}"] = HybridSearcher(index, enc, w_max=w, memory_weight=WEIGHT)
        out[f"W {w} no memory"] = HybridSearcher(index, enc, w_max=w, memory_weight=0.0)
    for share in BARE_SHARES:
        arm = PartialAdapter(index, enc)
        arm.share, arm.folded = share, None
        out[f"bare share {share}"] = arm
    return out


def main() -> None:
    """Every arm on every pool indicator query; the means and the per-query rows."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=Path("/work/main/data"))
    args = ap.parse_args()
    lopo = VouchedLopo(args.data)
    kind = {p["id"]: p.get("kind") for p in lopo.index.passages}
    rows: dict[str, dict] = {}
    for part, queries in pool().items():
        chosen = [q for q in queries if q.type == "indicator"]
        if not chosen:
            continue
        adapter, memory = lopo.build(part, SHIPPED[0])
        lopo.use(adapter, memory)
        searchers = arms(lopo.index, lopo)
        for q in chosen:
            vector = lopo.encoder.embed_queries([q.query])[0]
            ids = {name: [h.passage["id"] for h in s.search(q.query, 10)]
                   for name, s in searchers.items()}
            rows[f"{part}|{q.id}"] = {
                "query": q.query, "votes": len(memory.scores([vector])),
                "dense first": kind.get((ids["dense side"] or [""])[0]),
                "ndcg": {name: ndcg_at_k(found, q.relevant, 10) for name, found in ids.items()},
                "ids": ids}
    (OUT / "ablate.json").write_text(json.dumps(rows, ensure_ascii=False))
    for name in next(iter(rows.values()))["ndcg"]:
        print(f"{name:<22} {np.mean([r['ndcg'][name] for r in rows.values()]):.4f}")


if __name__ == "__main__":
    main()
