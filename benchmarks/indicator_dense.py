"""Round 24 (DD24): what the dense side embeds of an indicator row, leave-one-part-out on the pool.

Today an indicator row's vector embeds the whole rendered row: the measure, the municipality's
figure, the comparison clause with five places and figures, the unit, the source and, for some
rows, the note on comparable municipalities. Round 23 took the clause's words out of BM25's
document (search/lexical_text.py); this measures the dense analogue. Arms (every other passage
keeps its vector; the shown text, BM25's document and the graph never change):
  DD1  the row less its comparison clause and the note
  DD2  the indicator's name alone (the row's heading)
  DDM  the normalised mean of the row's shipped vector and DD1's
Per arm the dense index, the sentence signal's passage side and the adapter's targets read the
arm's vectors; the adapter and the memory are rebuilt per left-out part (benchmarks/
indicator_lopo.py's harness). The domain gate is the shipped one. The rule and the figures:
benchmarks/results/eval_round24_indicator_dense.txt. Read-only on the data directory. Run:
    python benchmarks/indicator_dense.py run [FILE] [--data DIR]
    python benchmarks/indicator_dense.py show [--data DIR]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import faiss
import indicator_bm25 as bm25_variants
import numpy as np
from indicator_lopo import SHIPPED, VouchedLopo, score_modes
from memory_lopo import candidate_depth, pool

from corpus.passages import INDICATOR
from search.hybrid import MODES, HybridSearcher
from search.lexical_text import COMPARABLE_NOTE, SENTENCE_END

ARMS = ("shipped", "DD1", "DD2", "DDM")


def without_comparison(text: str) -> str:
    """The row less its " (jämförelse: …)" clause (indicator_bm25's) and the comparable-
    municipalities note."""
    return " ".join(s for s in SENTENCE_END.split(bm25_variants.without_comparison(text))
                    if not COMPARABLE_NOTE.search(s))


def dense_text(passage: dict, arm: str) -> str:
    """What an arm embeds for one indicator row (DDM: DD1's text, mixed with the shipped one)."""
    if arm == "DD2":
        return passage.get("heading") or passage["text"].split(": ", 1)[0]
    return without_comparison(passage["text"])


def arm_vectors(lopo: VouchedLopo, shipped: np.ndarray, arm: str) -> np.ndarray:
    """Every passage's vector under an arm: indicator rows re-embedded, the rest shipped."""
    rows = [i for i, p in enumerate(lopo.index.passages) if p.get("kind") == INDICATOR]
    if arm == "shipped" or not rows:
        return shipped
    texts = [dense_text(lopo.index.passages[i], arm) for i in rows]
    fresh = np.asarray(lopo.indexing.embed_passages(texts), dtype=np.float32)
    out = shipped.copy()
    if arm == "DDM":
        fresh = shipped[rows] + fresh
        fresh /= np.linalg.norm(fresh, axis=1, keepdims=True)
    out[rows] = fresh
    return out


def use_vectors(lopo: VouchedLopo, vectors: np.ndarray) -> None:
    """The index, the adapter's targets and a fresh searcher reading `vectors`."""
    flat = faiss.IndexFlatIP(vectors.shape[1])
    flat.add(np.ascontiguousarray(vectors))
    lopo.index.dense.index = flat
    lopo.index._folded = None  # the adapter's folded copy was made from the old vectors
    lopo.vectors = vectors
    # the sentence signal copies the passages' vectors when a searcher is made
    lopo.searcher = HybridSearcher(lopo.index, lopo.encoder)
    lopo.searcher.prepare()


def run(data: Path, out: Path) -> None:
    """Every arm's per-query nDCG@10 in all three modes over the pool, LOPO, into `out`."""
    lopo = VouchedLopo(data)
    shipped = lopo.index.dense.index.reconstruct_n(0, len(lopo.index.dense))
    done: dict[str, dict[str, list]] = json.loads(out.read_text()) if out.exists() else {}
    for arm in ARMS:
        if arm in done:
            continue
        use_vectors(lopo, arm_vectors(lopo, shipped, arm))
        done[arm] = {}
        for part, queries in pool().items():
            adapter, memory = lopo.build(part, SHIPPED[0])
            lopo.use(adapter, memory)
            lopo.score(queries[:1], memory, SHIPPED)  # the memory's floor, neighbours, weight
            with candidate_depth(SHIPPED[4]):
                done[arm][part] = score_modes(lopo.searcher, queries)
        out.write_text(json.dumps(done))
        print(time.strftime("%H:%M:%S"), arm, "done", flush=True)


def table(path: Path) -> str:
    """Per arm and type: pooled hybrid and dense nDCG@10, the arm's minus shipped's."""
    done = json.loads(path.read_text())
    rows = {arm: [r for part in parts.values() for r in part] for arm, parts in done.items()}
    types = [*sorted({r[1] for r in rows["shipped"]}), "all"]
    lines = [f"{'arm / mode':<16}" + "".join(f"{t[:10]:>11}" for t in types)]
    for arm in done:
        for mode in MODES[:2]:
            cells = []
            for t in types:
                mine = [r[2][mode] for r in rows[arm] if t in ("all", r[1])]
                base = [r[2][mode] for r in rows["shipped"] if t in ("all", r[1])]
                cells.append(f"{np.mean(mine):.4f}" if arm == "shipped"
                             else f"{np.mean(mine) - np.mean(base):+.4f}")
            lines.append(f"{arm + ' ' + mode:<16}" + "".join(f"{c:>11}" for c in cells))
    return "\n".join(lines)


def show(data: Path) -> None:
    """Three indicator rows as each arm embeds them."""
    lopo = VouchedLopo(data)
    rows = [p for p in lopo.index.passages if p.get("kind") == INDICATOR]
    print(len(rows), "indicator rows")
    for p in rows[:2] + [r for r in rows if COMPARABLE_NOTE.search(r["text"])][:1]:
        print(p["id"], "|", p["text"])
        for arm in ("DD1", "DD2"):
            print(f"  {arm}: {dense_text(p, arm)}")


def main() -> None:
    """Run one step."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("step", choices=("run", "table", "show"))
    ap.add_argument("file", nargs="?", type=Path, default=Path("/tmp/dd24/arms.json"))
    ap.add_argument("--data", type=Path, default=Path("/work/main/data"))
    args = ap.parse_args()
    if args.step == "show":
        show(args.data)
        return
    if args.step == "run":
        args.file.parent.mkdir(parents=True, exist_ok=True)
        run(args.data, args.file)
    print(table(args.file))


if __name__ == "__main__":
    main()
