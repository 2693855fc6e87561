"""Round 21 (EN21): how hybrid search serves English queries, measured by its protocol.

Steps, each on benchmarks/memory_lopo.py's harness (for each pool part the adapter and the
memory built without that part's judged queries) at the shipped point:
    baseline  per pool query: hybrid, dense and bm25 nDCG@10 (as `bokslut eval` scores each
              mode) and whether looks_english recognises it; the english type's figures
    variant   per pool query and grid point: hybrid nDCG@10 and refusal with variant V1 or V2
              (the memory's floor for a query looks_english recognises; english_memory.py)
    nested    nested LOPO over the grid, and the rule's clauses (a)-(d) against the baseline
    offtopic  clause (e): hits per dev off-topic string, real searcher as shipped, off vs on
    latency   clause (f): ms per query, baseline and variant, best of 3 alternating rounds
The protocol and the figures: benchmarks/results/eval_round21_english.txt. Read-only on the
data directory. Run:
    python benchmarks/english_lopo.py {baseline,variant,nested,offtopic,latency}
        [--variant V1|V2] [--floor F] [--data DIR]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))  # run as a script: memory_lopo beside

from english_memory import VARIANTS, EnglishMemory, english_memory, round20
from memory_lopo import Lopo, Point, candidate_depth, name, pool

from search.evaluate import DevQuery, ndcg_at_k
from search.gate_training import offtopic_bank
from search.textnorm import looks_english

OUT = Path("/tmp/en21work")
SHIPPED: Point = (0.5, 0.88, 0.75, 16, 40)  # round 20's settings, shipped in main
MODES = ("hybrid", "dense", "bm25")
GRID = (0.90, 0.91, 0.92, 0.93)  # the English floor F_EN, fixed before any variant ran
TESTS = Path(__file__).resolve().parent.parent / "tests" / "data"
SEARCH = Path(__file__).resolve().parent.parent / "search"
DEV_OFFTOPIC = [TESTS / f"search_offtopic_heldout{n}.txt" for n in range(3, 30)] \
    + [SEARCH / "offtopic_bank.txt", SEARCH / "service_bank.txt"]
Row = dict[str, object]  # one query's figures: id, type, english, each mode's nDCG, refused


def scored(lopo: Lopo, queries: list[DevQuery]) -> list[Row]:
    """Each query's nDCG@10 in every mode (hybrid at the shipped point) and hybrid's refusal."""
    memory = lopo.searcher.memory
    assert memory is not None
    # round 20's memory (the baseline of this round); sets the point's memory, weight, depth
    hybrid = lopo.score(queries, round20(memory), SHIPPED)
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


def judged_without(lopo: Lopo, part: str | None) -> list:
    """The judged queries of every part but `part` (all of them for None)."""
    return [q for q, p in zip(lopo.judged, lopo.parts, strict=True) if p != part]


def variant_scores(lopo: Lopo, memory: EnglishMemory,
                   queries: list[DevQuery]) -> list[list[object]]:
    """[id, type, nDCG@10, refused] per query, hybrid at the shipped point with `memory`."""
    lopo.searcher.memory_weight = SHIPPED[2]
    out: list[list[object]] = []
    with candidate_depth(SHIPPED[4]):
        for q in queries:
            lopo.searcher.memory = memory.for_query(q.query)
            page = lopo.searcher.search_page(q.query, 10, "hybrid")
            out.append([q.id, q.type, ndcg_at_k([h.passage["id"] for h in page.hits],
                                                q.relevant, 10), page.off_topic])
    return out


def variant_run(data: Path, variant: str, target: Path) -> None:
    """Every grid point's per-query LOPO scores, part by part, into `target` (resumable)."""
    lopo = Lopo(data)
    done: dict[str, dict[str, list]] = json.loads(target.read_text()) if target.exists() else {}
    for part, queries in pool().items():
        if all(part in done.get(str(f), {}) for f in GRID):
            continue
        adapter, memory = lopo.build(part, SHIPPED[0])
        lopo.use(adapter, memory)
        for floor in GRID:
            english = english_memory(memory, variant, floor, lopo.index.passages,
                                     judged_without(lopo, part))
            done.setdefault(str(floor), {})[part] = variant_scores(lopo, english, queries)
        target.write_text(json.dumps(done))
        print(time.strftime("%H:%M:%S"), part, {f: round(float(np.mean(
            [r[2] for r in done[str(f)][part]])), 4) for f in GRID}, flush=True)


def nested(base: dict[str, list[Row]], runs: dict[str, dict[str, list]]) -> None:
    """Nested LOPO over the grid and the clauses (a)-(d) against the baseline."""
    parts = list(base)
    total = {f: {p: sum(r[2] for r in runs[f][p]) for p in parts} for f in runs}
    counts = {p: len(base[p]) for p in parts}
    for f in runs:
        rows = [r for p in parts for r in runs[f][p]]
        print(f"F_EN {f}: pooled LOPO {np.mean([r[2] for r in rows]):.6f}; english "
              f"{np.mean([r[2] for r in rows if r[1] == 'english']):.6f}")
    chosen = {}
    for p in parts:
        others = [q for q in parts if q != p]
        # the best pooled figure over the other parts; a tie goes to the lower floor
        chosen[p] = max(sorted(runs, key=float), key=lambda f: round(
            sum(total[f][q] for q in others) / sum(counts[q] for q in others), 12))
    print("chosen per part:", {p: chosen[p] for p in parts})
    best = max(sorted(runs, key=float), key=lambda f: round(sum(total[f].values()), 9))
    print(f"best on all 29 parts: F_EN {best}")
    b = [(p, r) for p in parts for r in base[p]]
    v = [(p, runs[chosen[p]][p][i]) for p in parts for i in range(len(base[p]))]
    assert all(r["id"] == x[0] for (_, r), (_, x) in zip(b, v, strict=True))
    hb = np.array([float(r["hybrid"]) for _, r in b])  # type: ignore[arg-type]
    hv = np.array([float(x[2]) for _, x in v])
    kinds = np.array([str(r["type"]) for _, r in b])
    print(f"(a) english n={int((kinds == 'english').sum())}: {hb[kinds == 'english'].mean():.6f} "
          f"-> {hv[kinds == 'english'].mean():.6f} "
          f"({hv[kinds == 'english'].mean() - hb[kinds == 'english'].mean():+.6f}; need >= +0.005)")
    print(f"(b) pooled n={len(hb)}: {hb.mean():.6f} -> {hv.mean():.6f} "
          f"({hv.mean() - hb.mean():+.6f}; need >= -0.0005)")
    for kind in sorted(set(kinds)):
        m = kinds == kind
        print(f"(c) {kind:12} n={int(m.sum()):4} {hb[m].mean():.6f} -> {hv[m].mean():.6f} "
              f"({hv[m].mean() - hb[m].mean():+.6f})")
    newly = [(p, r["id"]) for (p, r), (_, x) in zip(b, v, strict=True)
             if x[3] and not r["refused"]]
    print(f"(d) refused: base {sum(bool(r['refused']) for _, r in b)}, variant "
          f"{sum(bool(x[3]) for _, x in v)}; answered by the baseline, refused: {newly}")
    changed = [(p, r, x) for (p, r), (_, x) in zip(b, v, strict=True)
               if abs(float(r["hybrid"]) - float(x[2])) > 1e-9]  # type: ignore[arg-type]
    print(f"queries changed: {len(changed)} (up {sum(x[2] > r['hybrid'] for _, r, x in changed)}"
          f", down {sum(x[2] < r['hybrid'] for _, r, x in changed)})")
    for p, r, x in changed:
        print(f"  {p:12} {r['id']:5} {r['type']:11} {r['hybrid']:.4f} -> {x[2]:.4f} "
              f"english={r['english']} {r['query']!r}")


def offtopic(data: Path, variant: str, floor: float) -> None:
    """Clause (e): hits per dev off-topic string, shipped adapter and memory, variant off/on."""
    lopo = Lopo(data)
    searcher = lopo.searcher  # opened on the index as shipped: its adapter, its memory
    assert searcher.memory is not None
    shipped = round20(searcher.memory)
    english = english_memory(shipped, variant, floor, lopo.index.passages,
                             judged_without(lopo, None))
    with_hits = {"off": 0, "on": 0}
    gained = 0
    for path in DEV_OFFTOPIC:
        for text in offtopic_bank(path):
            counts = {}
            for arm in ("off", "on"):
                searcher.memory = shipped if arm == "off" else english.for_query(text)
                page = searcher.search_page(text, 10, "hybrid")
                counts[arm] = (len(page.hits), page.total)
                with_hits[arm] += bool(page.hits)
            if counts["off"] != counts["on"]:
                gained += counts["on"] > counts["off"]
                print(f"  [{path.name}] {text!r}: {counts['off']} -> {counts['on']}")
    print(f"strings {sum(len(offtopic_bank(p)) for p in DEV_OFFTOPIC)}; with hits: off "
          f"{with_hits['off']} on {with_hits['on']}; strings gaining hits {gained}")


def latency(data: Path, variant: str, floor: float, n: int = 300, rounds: int = 3) -> None:
    """ms per query, baseline and variant (full builds), alternating; each arm's best round
    (memory_lopo.latency's sample, rounds and settings)."""
    import random

    lopo = Lopo(data)
    queries = random.Random(20).sample([q for qs in pool().values() for q in qs], n)
    adapter, memory = lopo.build(None, SHIPPED[0])
    lopo.use(adapter, memory)
    memory = round20(memory)
    english = english_memory(memory, variant, floor, lopo.index.passages,
                             judged_without(lopo, None))
    lopo.searcher.memory_weight = SHIPPED[2]
    # warm: every query once in each arm, so the cached encoder answers round 1 as it does
    # rounds 2-3 (memory_lopo.latency warms 20, and its first arm's round 1 pays the encoder)
    with candidate_depth(SHIPPED[4]):
        for q in queries:
            lopo.searcher.memory = memory
            lopo.searcher.search(q.query, 10)
            lopo.searcher.memory = english.for_query(q.query)
            lopo.searcher.search(q.query, 10)
    best: dict[str, float] = {}
    with candidate_depth(SHIPPED[4]):
        for r in range(rounds):
            # the first arm of a round alternates, so neither always follows the other
            for arm in ("base", "variant") if r % 2 == 0 else ("variant", "base"):
                t = time.perf_counter()
                for q in queries:
                    lopo.searcher.memory = memory if arm == "base" else english.for_query(q.query)
                    lopo.searcher.search(q.query, 10)
                ms = (time.perf_counter() - t) * 1000 / n
                best[arm] = min(ms, best.get(arm, ms))
                print(f"round {r + 1} {arm}: {ms:.3f} ms/query", flush=True)
    print(f"best: base {best['base']:.3f} variant {best['variant']:.3f} "
          f"diff {best['variant'] - best['base']:+.3f} ms/query")
    vectors = [lopo.searcher.embedder.embed_queries([q.query])[0] for q in queries]
    own = {"base": lambda q, v: memory.scores([v]),
           "variant": lambda q, v: english.for_query(q.query).scores([v])}
    fastest = {arm: min(_timed(work, queries, vectors) for _ in range(7))
               for arm, work in own.items()}
    print(f"the memory's vote alone (best of 7 passes): base {fastest['base']:.4f} variant "
          f"{fastest['variant']:.4f} diff {fastest['variant'] - fastest['base']:+.4f} ms/query")


def _timed(work: Callable[[DevQuery, np.ndarray], object], queries: list[DevQuery],
           vectors: list[np.ndarray]) -> float:
    """ms per query of work(query, vector) over the queries, one pass."""
    t = time.perf_counter()
    for q, v in zip(queries, vectors, strict=True):
        work(q, v)
    return (time.perf_counter() - t) * 1000 / len(queries)


def main() -> None:
    """Run one step of the protocol."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("step", choices=("baseline", "variant", "nested", "offtopic", "latency"))
    ap.add_argument("--variant", choices=VARIANTS, default="V1")
    ap.add_argument("--floor", type=float, default=GRID[0], help="F_EN for offtopic, latency")
    ap.add_argument("--rounds", type=int, default=3, help="latency: alternating rounds")
    ap.add_argument("--data", type=Path, default=Path("/work/main/data"))
    args = ap.parse_args()
    OUT.mkdir(exist_ok=True)
    runs = OUT / f"{args.variant}.json"
    if args.step == "baseline":
        report(lopo_modes(args.data, OUT / "baseline.json"))
    elif args.step == "variant":
        variant_run(args.data, args.variant, runs)
    elif args.step == "nested":
        nested(json.loads((OUT / "baseline.json").read_text()), json.loads(runs.read_text()))
    elif args.step == "offtopic":
        offtopic(args.data, args.variant, args.floor)
    else:
        latency(args.data, args.variant, args.floor, rounds=args.rounds)


if __name__ == "__main__":
    main()
