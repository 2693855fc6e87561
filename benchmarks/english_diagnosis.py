"""Round 21 (EN21) step 2: what happens to the pool's English queries in hybrid search.

For each English-type pool query, in its part's LOPO state at the shipped point (the adapter
and the memory built without the part): the fusion's BM25 weight, BM25's and the dense side's
first relevant rank, the judged queries the memory hears and whether they are English, and the
query's hybrid nDCG@10 with one component taken away at a time (the memory, the adapter,
BM25's weight). Details are printed for the queries where hybrid trails dense or scores low.
Read-only on the data directory. Run:
    python benchmarks/english_diagnosis.py [--data DIR]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))  # run as a script: harness beside

from english_lopo import OUT, SHIPPED
from memory_lopo import Lopo, pool

from search.evaluate import DevQuery, ndcg_at_k
from search.held_texts import HeldTexts
from search.hybrid import HybridSearcher
from search.query_memory import QueryMemory, kept_answers
from search.textnorm import looks_english

LOW = 0.5  # a hybrid nDCG@10 below this is "low"


@contextmanager
def ablated(searcher: HybridSearcher, arm: str) -> Iterator[None]:
    """The searcher with one component off: 'memory', 'adapter' or 'bm25' (its weight 0)."""
    saved = (searcher.memory_weight, searcher.adapter, searcher.folded, searcher.w_max)
    if arm in ("memory", "memory+bm25"):
        searcher.memory_weight = 0.0
    if arm == "adapter":
        searcher.adapter, searcher.folded = None, None
    if arm in ("bm25", "memory+bm25"):
        searcher.w_max = 0.0
    try:
        yield
    finally:
        searcher.memory_weight, searcher.adapter, searcher.folded, searcher.w_max = saved


ARMS = ("memory", "adapter", "bm25", "memory+bm25")


def first_relevant(rows: list[int], q: DevQuery, ids: list[str]) -> int | None:
    """The 1-based rank of the first passage judged 2+ in `rows` (None: not there)."""
    return next((n for n, row in enumerate(rows, 1) if q.relevant.get(ids[row], 0) >= 2), None)


def neighbours(memory: QueryMemory, texts: list[str], vectors: list[np.ndarray],
               q: DevQuery) -> list[tuple[float, str, bool, bool]]:
    """The judged queries above the memory's floor, nearest first: (cosine, text, English,
    judged relevant to one of the query's own 2+ passages)."""
    sims = memory.similarities(vectors)
    order = np.argsort(-sims)[:memory.neighbours]
    out = []
    for i in order:
        if sims[i] <= memory.floor:
            break
        good = any(q.relevant.get(pid, 0) >= 2 for pid, _ in memory.judged[i])
        out.append((float(sims[i]), texts[i], looks_english(texts[i]), good))
    return out


def diagnose(lopo: Lopo, part: str, queries: list[DevQuery]) -> list[dict[str, object]]:
    """Per English-type query of one part: the figures named in the module's docstring."""
    adapter, memory = lopo.build(part, SHIPPED[0])
    lopo.use(adapter, memory)
    searcher = lopo.searcher  # the memory built at the shipped floor and neighbours
    searcher.memory_weight = SHIPPED[2]
    judged = [j for j, p in zip(lopo.judged, lopo.parts, strict=True) if p != part]
    texts = list(kept_answers(HeldTexts(lopo.index.passages), judged))
    ids = [p["id"] for p in lopo.index.passages]

    def score(mode: str, q: DevQuery) -> float:
        """The query's nDCG@10 in one mode."""
        hits = searcher.search_page(q.query, 10, mode).hits
        return ndcg_at_k([h.passage["id"] for h in hits], q.relevant, 10)

    out = []
    for q in (q for q in queries if q.type == "english"):
        row: dict[str, object] = {"part": part, "id": q.id, "query": q.query,
                                  "english": looks_english(q.query),
                                  "hybrid": score("hybrid", q), "dense": score("dense", q),
                                  "bm25": score("bm25", q)}
        for arm in ARMS:
            with ablated(searcher, arm):
                row["-" + arm] = score("hybrid", q)
        text = q.query
        repaired = searcher.repair.repaired(text)
        vectors = list(searcher.embedder.embed_queries([text] if repaired is None
                                                       else [text, repaired]))
        match = searcher.lexical_match(text, {"bm25": searcher.index.bm25.search(text, 50)})
        row["w"] = 0.6 * min(1.0, searcher.bm25_share(text, match))  # the shipped weight
        row["repaired"] = repaired
        bm25 = searcher.index.bm25.search(text, 50)
        dense = searcher.ranked("", vectors[0], 50, vectors[1] if len(vectors) > 1 else None,
                                adapted=True)["dense"]
        row["bm25_rank"] = first_relevant([r for r, _ in bm25], q, ids)
        row["dense_rank"] = first_relevant([r for r, _ in dense], q, ids)
        row["bm25_top"] = [(ids[r], q.relevant.get(ids[r], 0)) for r, _ in bm25[:3]]
        row["neighbours"] = neighbours(memory, texts, vectors, q)
        votes = searcher.recalled(vectors)
        row["votes"] = len(votes)
        row["voted_relevant"] = sum(q.relevant.get(ids[r], 0) >= 2 for r in votes)
        out.append(row)
    return out


def summary(rows: list[dict[str, object]]) -> None:
    """Pooled figures of the English type per arm, and the details of the weak queries."""
    def mean(key: str, group: list[dict[str, object]] = rows) -> float:
        return float(np.mean([float(r[key]) for r in group]))  # type: ignore[arg-type]

    print(f"english type n={len(rows)}: " + " ".join(
        f"{k} {mean(k):.6f}" for k in ("hybrid", "dense", "bm25", *("-" + a for a in ARMS))))
    for flag in (True, False):
        group = [r for r in rows if r["english"] is flag]
        print(f"  looks_english={flag} n={len(group)}: " + " ".join(
            f"{k} {mean(k, group):.6f}" for k in ("hybrid", "dense", *("-" + a for a in ARMS))))
    heard = [r for r in rows if r["neighbours"]]
    english_n = [n for r in rows for n in r["neighbours"]]  # type: ignore[attr-defined]
    print(f"memory hears a neighbour for {len(heard)} of {len(rows)}; neighbours {len(english_n)}, "
          f"English {sum(n[2] for n in english_n)}, judged for one of the query's own 2+ passages "
          f"{sum(n[3] for n in english_n)}")
    print(f"mean BM25 weight w: {mean('w'):.4f}; w=0 for {sum(float(r['w']) == 0 for r in rows)}")  # type: ignore[arg-type]
    weak = [r for r in rows if float(r["hybrid"]) < float(r["dense"])  # type: ignore[arg-type]
            or float(r["hybrid"]) < LOW]  # type: ignore[arg-type]
    print(f"\nweak (hybrid < dense, or hybrid < {LOW}): {len(weak)}")
    for r in weak:
        print(f"{r['part']:12} {r['id']:5} {r['query']!r} english={r['english']} "
              f"repaired={r['repaired']!r}")
        print("    hybrid {hybrid:.4f} dense {dense:.4f} bm25 {bm25:.4f} | -memory {-memory:.4f} "
              "-adapter {-adapter:.4f} -bm25 {-bm25:.4f} -memory+bm25 {-memory+bm25:.4f}".format(
                  **r))
        print(f"    w {float(r['w']):.3f}  first relevant: bm25 {r['bm25_rank']} dense(adapted) "  # type: ignore[arg-type]
              f"{r['dense_rank']}  bm25 top3 {r['bm25_top']}")
        print(f"    memory: {r['votes']} votes, {r['voted_relevant']} on 2+ passages; neighbours:")
        for sim, text, eng, good in r["neighbours"][:6]:  # type: ignore[index]
            print(f"      {sim:.3f} {'EN' if eng else 'sv'} {'+' if good else '-'} {text!r}")


def main() -> None:
    """Diagnose every pool part's English queries, then print the summary."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=Path("/work/main/data"))
    args = ap.parse_args()
    OUT.mkdir(exist_ok=True)
    target = OUT / "diagnosis.json"
    if not target.exists():
        lopo = Lopo(args.data)
        rows = []
        for part, queries in pool().items():
            rows += diagnose(lopo, part, queries)
            print(time.strftime("%H:%M:%S"), part, flush=True)
        target.write_text(json.dumps(rows))
    summary(json.loads(target.read_text()))


if __name__ == "__main__":
    main()
