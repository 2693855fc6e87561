"""Round 21 (EN21): how hybrid search serves English queries, measured by its protocol.

Steps, each on benchmarks/memory_lopo.py's harness (for each pool part the adapter and the
memory built without that part's judged queries) at the shipped point:
    baseline  per pool query: hybrid, dense and bm25 nDCG@10 (as `bokslut eval` scores each
              mode) and whether looks_english recognises it; the english type's figures
The protocol and the figures: benchmarks/results/eval_round21_english.txt. Read-only on the
data directory. Run:
    python benchmarks/english_lopo.py baseline [--data DIR]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))  # run as a script: memory_lopo beside

from memory_lopo import Lopo, Point, name, pool

from search.evaluate import DevQuery, ndcg_at_k
from search.textnorm import looks_english

OUT = Path("/tmp/en21work")
SHIPPED: Point = (0.5, 0.88, 0.75, 16, 40)  # round 20's settings, shipped in main
MODES = ("hybrid", "dense", "bm25")
Row = dict[str, object]  # one query's figures: id, type, english, each mode's nDCG, refused


def scored(lopo: Lopo, queries: list[DevQuery]) -> list[Row]:
    """Each query's nDCG@10 in every mode (hybrid at the shipped point) and hybrid's refusal."""
    memory = lopo.searcher.memory
    assert memory is not None
    hybrid = lopo.score(queries, memory, SHIPPED)  # sets the point's memory, weight and depth
    rows = []
    for q, (h, refused) in zip(queries, hybrid, strict=True):
        row: Row = {"id": q.id, "type": q.type, "query": q.query,
                    "english": looks_english(q.query), "hybrid": h, "refused": refused}
        for mode in MODES[1:]:
            page = lopo.searcher.search_page(q.query, 10, mode)
            row[mode] = ndcg_at_k([x.passage["id"] for x in page.hits], q.relevant, 10)
        rows.append(row)
    return rows


def lopo_modes(data: Path, target: Path) -> dict[str, list[Row]]:
    """Every pool part's rows, its adapter and memory built without it (resumable)."""
    lopo = Lopo(data)
    done: dict[str, list[Row]] = json.loads(target.read_text()) if target.exists() else {}
    for part, queries in pool().items():
        if part in done:
            continue
        adapter, memory = lopo.build(part, SHIPPED[0])
        lopo.use(adapter, memory)
        done[part] = scored(lopo, queries)
        target.write_text(json.dumps(done))
        print(time.strftime("%H:%M:%S"), part, round(float(np.mean(
            [r["hybrid"] for r in done[part]])), 4), flush=True)
    return done


def mean(rows: list[Row], key: str) -> float:
    """The rows' mean of one figure."""
    return float(np.mean([float(r[key]) for r in rows]))  # type: ignore[arg-type]


def report(done: dict[str, list[Row]]) -> None:
    """Step 1's table: pooled and per type in each mode, and the english type's details."""
    rows = [r for part in done.values() for r in part]
    refused = sum(bool(r["refused"]) for r in rows)
    print(f"point {name(SHIPPED)}; pooled n={len(rows)}: " + " ".join(
        f"{m} {mean(rows, m):.6f}" for m in MODES) + f"; refused {refused}")
    for kind in sorted({str(r["type"]) for r in rows}):
        ks = [r for r in rows if r["type"] == kind]
        print(f"  {kind:12} n={len(ks):4} " + " ".join(f"{m} {mean(ks, m):.6f}" for m in MODES))
    english = [(part, r) for part, rs in done.items() for r in rs if r["type"] == "english"]
    seen = [r for _, r in english if r["english"]]
    print(f"english type: {len(english)} queries, looks_english recognises {len(seen)}; "
          f"other types looks_english calls English: "
          f"{sum(bool(r['english']) for r in rows if r['type'] != 'english')}")
    for label, group in (("recognised", seen), ("not recognised",
                                                [r for _, r in english if not r["english"]])):
        print(f"  {label:15} n={len(group):3} " + " ".join(
            f"{m} {mean(group, m):.6f}" for m in MODES))
    print("english queries with hybrid < dense by 0.05 or more:")
    for part, r in english:
        if float(r["dense"]) - float(r["hybrid"]) >= 0.05:  # type: ignore[arg-type]
            print(f"  {part:12} {r['id']:5} hybrid {r['hybrid']:.4f} dense {r['dense']:.4f} "
                  f"bm25 {r['bm25']:.4f} english={r['english']} refused={r['refused']} "
                  f"{r['query']!r}")


def main() -> None:
    """Run one step of the protocol."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("step", choices=("baseline",))
    ap.add_argument("--data", type=Path, default=Path("/work/main/data"))
    args = ap.parse_args()
    OUT.mkdir(exist_ok=True)
    report(lopo_modes(args.data, OUT / "baseline.json"))


if __name__ == "__main__":
    main()
