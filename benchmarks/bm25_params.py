"""BM25's k1 and b, leave-one-part-out over the pool (round 25, BK25).

indicator_lopo's harness (adapter and vouching memory rebuilt per left-out part, the real
HybridSearcher in hybrid, dense and bm25 mode) with BM25's retriever rebuilt at (k1, b) from
the index's own analysed passages before anything is built or searched. The protocol and the
figures: benchmarks/results/eval_round25_bm25_params.txt. Read-only on the data directory. Run:
    python benchmarks/bm25_params.py run K1 B [--data DIR] [--out DIR]
    python benchmarks/bm25_params.py choose [--out DIR]
    python benchmarks/bm25_params.py offtopic K1 B [--data DIR]
    python benchmarks/bm25_params.py check [--data DIR]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
from indicator_lopo import SHIPPED, VouchedLopo, run_modes, table
from memory_lopo import candidate_depth

from search.lexical import BM25Index, _bm25

OUT = Path("/tmp/bk25work")
IDENTITY = (1.5, 0.75)
K1S, BS = (0.6, 0.9, 1.2, 1.5, 2.0, 3.0), (0.3, 0.5, 0.75, 0.9)
OFFTOPIC = [*(Path("tests/data") / f"search_offtopic_heldout{n}.txt" for n in range(3, 30)),
            Path("search/offtopic_bank.txt"), Path("search/service_bank.txt")]


def set_params(bm25: BM25Index, k1: float, b: float) -> None:
    """Rebuild `bm25`'s retriever at (k1, b) over its own passages, analysed as at ingest."""
    docs = [bm25.analyzer.analyze_document(text) for text in bm25.texts]
    bm25._retriever = _bm25(docs, k1, b)
    bm25.params = {"k1": k1, "b": b}


def label(k1: float, b: float) -> str:
    """A setting's file name."""
    return f"k{k1}_b{b}.json"


def run(data: Path, out: Path, k1: float, b: float) -> None:
    """Every pool part at (k1, b), LOPO, into out/label (resumable)."""
    lopo = VouchedLopo(data)
    set_params(lopo.index.bm25, k1, b)
    print(table(run_modes(lopo, SHIPPED, out / label(k1, b))))


def load(out: Path) -> dict[tuple[float, float], dict[str, list]]:
    """Every finished setting's per-part rows."""
    return {(k1, b): json.loads((out / label(k1, b)).read_text())
            for k1 in K1S for b in BS if (out / label(k1, b)).exists()}


def mean_without(rows: dict[str, list], part: str | None) -> float:
    """Pooled hybrid nDCG@10 over every part but `part`."""
    return float(np.mean([r[2]["hybrid"] for p, qs in rows.items() if p != part for r in qs]))


def pick(runs: dict, part: str | None) -> tuple[float, float]:
    """The setting best over the other parts; ties to the identity, then the smaller change."""
    def key(s: tuple[float, float]) -> tuple[float, int, float]:
        change = abs(np.log(s[0] / IDENTITY[0])) + abs(s[1] - IDENTITY[1])
        return (round(mean_without(runs[s], part), 9), s == IDENTITY, -change)
    return max(runs, key=key)


def choose(out: Path) -> None:
    """The LOPO choice per part, the pooled table against the identity, and the rule's clauses."""
    runs = load(out)
    base = runs[IDENTITY]
    chosen = {part: pick(runs, part) for part in base}
    lopo = {part: runs[chosen[part]][part] for part in base}
    print("settings run:", len(runs), "| per fold:", {p: chosen[p] for p in base})
    print("chosen on all 29:", pick(runs, None))
    print("P (identity)\n" + table(base) + "\nLOPO\n" + table(lopo))
    flat = {r[0]: r for qs in lopo.values() for r in qs}
    refused = [r[0] for qs in base.values() for r in qs
               if not r[3]["hybrid"] and flat[r[0]][3]["hybrid"]]
    print("pool queries refused that P answers:", refused)
    for s in sorted(runs):
        print(s, round(mean_without(runs[s], None), 5))


def offtopic(data: Path, k1: float, b: float) -> None:
    """Off-topic strings with hits (hybrid) at (k1, b): the searcher as shipped (memory from every
    judged query, vouchers marked by this BM25). One setting per process: the searcher caches."""
    lopo = VouchedLopo(data)
    set_params(lopo.index.bm25, k1, b)
    adapter, memory = lopo.build(None, SHIPPED[0])
    lopo.use(adapter, memory)
    lines = [line.strip() for path in OFFTOPIC for line in path.read_text("utf-8").splitlines()
             if line.strip() and not line.startswith("#")]
    lopo.score([], memory, SHIPPED)  # sets the memory's floor, neighbours, weight
    with candidate_depth(SHIPPED[4]):
        with_hits = [t for t in lines if lopo.searcher.search(t, 10)]
    print((k1, b), len(lines), "strings,", len(with_hits), "with hits")
    print("  ", with_hits)


def check(data: Path) -> None:
    """The identity rebuilt from the analysed passages scores every term as the shipped index
    (bm25s numbers the terms in another order, so they are compared by term)."""
    lopo = VouchedLopo(data)
    bm25 = lopo.index.bm25
    shipped = {t: bm25._column(i) for t, i in bm25._retriever.vocab_dict.items() if t}
    set_params(bm25, *IDENTITY)
    rebuilt = {t: bm25._column(i) for t, i in bm25._retriever.vocab_dict.items() if t}
    same = shipped.keys() == rebuilt.keys() and all(
        dict(zip(*shipped[t], strict=True)) == dict(zip(*rebuilt[t], strict=True)) for t in shipped)
    print("identity == shipped, term by term:", same, len(shipped), "terms")


def main() -> None:
    """Run one step."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("step", choices=("check", "run", "choose", "offtopic"))
    ap.add_argument("k1", type=float, nargs="?")
    ap.add_argument("b", type=float, nargs="?")
    ap.add_argument("--data", type=Path, default=Path("/work/main/data"))
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    args.out.mkdir(exist_ok=True)
    if args.step == "run":
        run(args.data, args.out, args.k1, args.b)
    elif args.step == "choose":
        choose(args.out)
    elif args.step == "offtopic":
        offtopic(args.data, args.k1, args.b)
    else:
        check(args.data)


if __name__ == "__main__":
    main()
