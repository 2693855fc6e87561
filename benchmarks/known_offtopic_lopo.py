"""The known off-topic check leave-one-part-out over the pool (round 25, OT25).

indicator_lopo's harness (per pool part the adapter and the vouching memory built without the
part's judged queries; the real HybridSearcher at the shipped point), the index's known
off-topic strings without the part's off-topic file, and a reference within cosine NEAR of the
scored text ignored on both sides (a duplicate across files would flatter the check). Pass 1
reads every pool question's margin where production asks it (the check answering "no"); delta
per part = the other parts' largest margin of an answered question + 0.01. Pass 2 scores the
part's questions and off-topic strings with the check on. The protocol and the figures:
benchmarks/results/eval_round25_known_offtopic.txt. Read-only on the data directory. Run:
    python benchmarks/known_offtopic_lopo.py [--data DIR] [--out FILE]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
from indicator_lopo import SHIPPED, VouchedLopo
from make_known_offtopic import offtopic_file
from memory_lopo import candidate_depth, pool

import search.hybrid as hybrid
import search.known_offtopic as known_offtopic
from search.evaluate import ndcg_at_k
from search.gate_training import offtopic_bank
from search.known_offtopic import KnownOffTopic, known_texts
from web.cli.search import default_dev_sets

NEAR = 0.98  # a reference at least this close to the scored text counts as the text itself
MARGIN = 0.01  # added to the largest margin of an answered question (the rule's recipe)
STATE: dict = {"delta": None, "seen": None}
_SIMILARITIES = known_offtopic.References.similarities


def masked(self: known_offtopic.References,
           readings: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """References.similarities with every reference within NEAR of a reading ignored in the
    margins (the memory's votes read the plain cosines)."""
    plain, _ = _SIMILARITIES(self, readings)
    queries = np.stack([np.asarray(r, dtype=np.float32) for r in readings])
    queries /= np.maximum(np.linalg.norm(queries, axis=1, keepdims=True), 1e-12)
    sims = np.einsum("nd,qd->nq", self.vectors, queries)
    sims = np.where(sims < NEAR, sims, -1.0)
    judged, known = sims[:self.judged], sims[self.judged:]
    return plain, known.max(axis=0) - judged.max(axis=0)


def nearer(margins: np.ndarray, delta: float | None = None) -> bool:
    """Pass 1 notes the least margin and answers no; pass 2 answers at the part's delta."""
    if not len(margins):
        return False
    least = float(margins.min())  # refused only if every reading is
    if STATE["delta"] is None:
        STATE["seen"] = least
        return False
    return least > STATE["delta"]


def lines(path: Path) -> list[str]:
    """An off-topic file's strings ([] when the part has none)."""
    return offtopic_bank(path) if path.exists() else []


def fold(lopo: VouchedLopo, part: str, vectors: dict[str, np.ndarray]) -> None:
    """Put the part's fold in place: adapter and memory without it, known strings without its
    off-topic file."""
    adapter, memory = lopo.build(part, SHIPPED[0])
    lopo.use(adapter, memory)
    lopo.score([], memory, SHIPPED)  # sets the memory's floor, neighbours, weight
    left_out = set(lines(offtopic_file(default_dev_sets()[part])))
    texts = [t for t in known_texts() if t not in left_out]
    lopo.index.offtopic = KnownOffTopic(np.stack([vectors[t] for t in texts]), "lopo")


def verdicts(lopo: VouchedLopo, part: str) -> dict:
    """The part's questions (nDCG@10, refused, margin) and off-topic strings (hits, margin)."""
    out: dict = {"queries": {}, "offtopic": {}}
    with candidate_depth(SHIPPED[4]):
        for q in pool()[part]:
            STATE["seen"] = None
            page = lopo.searcher.search_page(q.query, 10, "hybrid")
            ids = [h.passage["id"] for h in page.hits]
            out["queries"][q.id] = [ndcg_at_k(ids, q.relevant, 10), page.off_topic, STATE["seen"]]
        for text in lines(offtopic_file(default_dev_sets()[part])):
            STATE["seen"] = None
            out["offtopic"][text] = [len(lopo.searcher.search(text, 10)), STATE["seen"]]
    return out


def run(data: Path, out: Path) -> None:
    """Both passes over every pool part; per part and pooled counts printed."""
    hybrid.nearer_offtopic = nearer
    known_offtopic.References.similarities = masked
    lopo = VouchedLopo(data)
    texts = known_texts()
    vectors = dict(zip(texts, lopo.embed(texts), strict=True))
    parts = list(pool())
    first: dict = {}
    for part in parts:
        STATE["delta"] = None
        fold(lopo, part, vectors)
        first[part] = verdicts(lopo, part)
    second: dict = {}
    for part in parts:
        answered = [m for p in parts if p != part for nd, refused, m in
                    first[p]["queries"].values() if not refused and m is not None]
        STATE["delta"] = max(answered) + MARGIN
        fold(lopo, part, vectors)
        second[part] = {"delta": STATE["delta"], **verdicts(lopo, part)}
        print(time.strftime("%H:%M:%S"), part, round(STATE["delta"], 4), flush=True)
    out.write_text(json.dumps({"P": first, "OT": second}, ensure_ascii=False))
    report(first, second)


def report(first: dict, second: dict) -> None:
    """The rule's counts: questions refused, ranking changes, strings with hits."""
    refused = [(p, q) for p in first for q, (nd, r, _) in first[p]["queries"].items()
               if not r and second[p]["queries"][q][1]]
    changed = [(p, q) for p in first for q, (nd, r, _) in first[p]["queries"].items()
               if not second[p]["queries"][q][1] and second[p]["queries"][q][0] != nd]
    with_hits = {p: sum(1 for h, _ in first[p]["offtopic"].values() if h) for p in first}
    after = {p: sum(1 for h, _ in second[p]["offtopic"].values() if h) for p in first}
    print("pool questions newly refused:", refused)
    print("answered questions whose nDCG changed:", changed)
    print("dev strings with hits: P", sum(with_hits.values()), "-> OT", sum(after.values()))
    print("per part (P -> OT):", {p: f"{with_hits[p]}->{after[p]}" for p in first
                                  if with_hits[p] or after[p]})
    print("deltas:", sorted({round(second[p]["delta"], 4) for p in second}))


def main() -> None:
    """Run it."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=Path("/work/main/data"))
    ap.add_argument("--out", type=Path, default=Path("/tmp/ot25work/lopo.json"))
    args = ap.parse_args()
    args.out.parent.mkdir(exist_ok=True)
    run(args.data, args.out)


if __name__ == "__main__":
    main()
