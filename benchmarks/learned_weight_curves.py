"""Per pool query, hybrid nDCG@10 at BM25 weights 0..1 and as shipped, with features (LW25).

indicator_lopo's harness (LOPO over the pool parts: adapter and vouching memory built without the
part's judged queries; the real HybridSearcher at the shipped point). BM25's weight in
FusionWeights.for_coverage is replaced by a fixed w, or left as shipped; at the shipped rule the
features are read from the lists the fusion receives at the first fetch (the feature `cov` is
what the fusion passes for_coverage: since round 26, HybridSearcher.bm25_share, 2/3 for a query
read as English). The protocol and the
figures: benchmarks/results/eval_round25_learned_weight.txt. Run (two processes, alternate parts):
    python benchmarks/learned_weight_curves.py {0,1} OUT.json [DATA]
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from indicator_lopo import SHIPPED, VouchedLopo
from memory_lopo import candidate_depth, pool

from search import fusion
from search.evaluate import ndcg_at_k
from search.hybrid import HybridSearcher

GRID = [round(0.1 * i, 1) for i in range(11)]
STATE: dict = {"w": None, "cov": None, "q": "", "feat": "skip"}
_FOR_COVERAGE = fusion.FusionWeights.for_coverage.__func__
_FUSE = HybridSearcher.fuse


def for_coverage(cls, coverage, w_max=fusion.W_MAX, rights=fusion.RIGHTS_WEIGHT, memory=0.0):
    """The shipped weight, or the fixed w the harness sets (the coverage is noted either way)."""
    STATE["cov"] = coverage
    if STATE["w"] is None:
        return _FOR_COVERAGE(cls, coverage, w_max, rights, memory)
    return cls(STATE["w"], rights, memory)


def features(searcher: HybridSearcher, lists: dict, rights, memory) -> dict[str, float]:
    """What the fusion holds about the query at its first fetch."""
    b, d = lists.get("bm25") or [], lists.get("dense") or []
    return {"cov": STATE["cov"],
            "words": len(searcher.index.bm25.analyzer.query_groups(STATE["q"])),
            "bm25_top": b[0][1] if b else 0.0,
            "bm25_ratio": b[1][1] / b[0][1] if len(b) > 1 and b[0][1] > 0 else 0.0,
            "dense_top": d[0][1] if d else 0.0,
            "dense_gap2": d[0][1] - d[1][1] if len(d) > 1 else 0.0,
            "dense_gap10": d[0][1] - d[min(9, len(d) - 1)][1] if d else 0.0,
            "agree5": len({r for r, _ in b[:5]} & {r for r, _ in d[:5]}),
            "memory": max(memory.values()) if memory else 0.0, "said": float(bool(rights))}


def fuse(self, lists, weights, rights=None, develop=False, memory=None):
    """The searcher's fusion, the first call at the shipped rule noting the features."""
    if STATE["w"] is None and STATE["feat"] is None:
        STATE["feat"] = features(self, lists, rights, memory)
    return _FUSE(self, lists, weights, rights, develop, memory)


def curve(searcher: HybridSearcher, query) -> dict:
    """One query's nDCG@10 and refusal at the shipped rule and every grid weight."""
    row = {"id": query.id, "type": query.type, "query": query.query}
    for w in [None, *GRID]:
        STATE.update(w=w, cov=None, q=query.query, feat=None if w is None else STATE["feat"])
        page = searcher.search_page(query.query, 10, "hybrid")
        key = "shipped" if w is None else str(w)
        row[key] = ndcg_at_k([h.passage["id"] for h in page.hits], query.relevant, 10)
        row["refused" + ("" if w is None else str(w))] = page.off_topic
        if w is None:
            row["feat"] = STATE["feat"]
    return row


def main() -> None:
    """Every other pool part (by argv[1]) into argv[2] (resumable), over argv[3]'s data
    directory (default /work/main/data, as the other LOPO harnesses)."""
    fusion.FusionWeights.for_coverage = classmethod(for_coverage)
    HybridSearcher.fuse = fuse
    which, out = int(sys.argv[1]), Path(sys.argv[2])
    lopo = VouchedLopo(Path(sys.argv[3]) if len(sys.argv) > 3 else Path("/work/main/data"))
    done = json.loads(out.read_text()) if out.exists() else {}
    for i, (part, queries) in enumerate(pool().items()):
        if i % 2 != which or part in done:
            continue
        adapter, memory = lopo.build(part, SHIPPED[0])
        lopo.use(adapter, memory)
        lopo.score(queries[:1], memory, SHIPPED)  # sets the memory's floor, neighbours, weight
        with candidate_depth(SHIPPED[4]):
            done[part] = [curve(lopo.searcher, q) for q in queries]
        out.write_text(json.dumps(done))
        print(time.strftime("%H:%M:%S"), part, flush=True)


if __name__ == "__main__":
    main()
