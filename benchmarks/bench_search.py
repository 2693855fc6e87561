"""Search benchmark: index build, warm query latency per mode, memory, and growth ×10/×100.

Run: .venv/bin/python benchmarks/bench_search.py [--data DIR]
Prints figures and ratios; no thresholds are asserted (shared machines are noisy).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import statistics
import time
from pathlib import Path

from corpus import read_report
from corpus.passages import build_passages
from search.engine import embedder_for
from search.hybrid import MODES, HybridSearcher
from search.index_store import SearchIndex
from web.pipeline.ingest import bundled_reports

ROOT = Path(__file__).resolve().parents[1]


def rss_mb() -> float:
    """Resident memory of this process now (MB)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def queries(n: int = 100) -> list[str]:
    """n queries from the tuning and held-out sets (cycled)."""
    lines = [line for part in ("search_tune.jsonl", "search_heldout.jsonl")
             for line in (ROOT / "tests" / "data" / part).read_text("utf-8").splitlines()]
    texts = [json.loads(line)["query"] for line in lines
             if line.strip() and not line.startswith("#")]
    return [texts[i % len(texts)] for i in range(n)]


def replicate(rows: list[dict], times: int) -> list[dict]:
    """Synthetic copies of the corpus tagged as other years (same texts, new ids)."""
    out = []
    for copy in range(times):
        year_shift = copy
        for p in rows:
            out.append({**p, "id": f"{p['id']}#{copy}", "year": p["year"] - year_shift,
                        "report": f"{p['report']}-kopia{copy}"})
    return out


def latencies(searcher: HybridSearcher, texts: list[str], mode: str) -> tuple[float, float]:
    """p50 and p95 in ms over the queries, after a warm-up pass over all of them (the typo
    index of the analyzer is built lazily by the first query that needs it)."""
    for q in texts:
        searcher.search(q, 10, mode)
    times = []
    for q in texts:
        t = time.perf_counter()
        searcher.search(q, 10, mode)
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def main() -> None:
    """Build, measure, print."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=Path("data"))
    parser.add_argument("--scales", default="1,10,100", help="corpus copies, e.g. 1,10")
    parser.add_argument("--queries", type=int, default=100, help="queries per measurement")
    parser.add_argument("--reuse", type=Path, default=None,
                        help="a saved index to take vectors from (skips the build timing)")
    args = parser.parse_args()
    t = time.perf_counter()
    embedder = embedder_for("multilingual-e5-small", str(args.data))
    print(f"model load: {time.perf_counter() - t:.1f} s, RSS {rss_mb():.0f} MB")
    rows = [p.__dict__ for path in bundled_reports() for p in build_passages(read_report(path))]
    t = time.perf_counter()
    previous = SearchIndex.load(args.reuse) if args.reuse else None
    index = SearchIndex.build(rows, embedder, reuse=previous)
    build = time.perf_counter() - t
    if previous is None:
        print(f"index build (2025 report): {len(rows)} passages in {build:.1f} s "
              f"= {len(rows) / build:.1f} passages/s")
    texts = queries(args.queries)
    header = "  ".join(f"{m + ' p50/p95 ms':>22}" for m in MODES)
    print("\nbefore = equal-weight RRF without gate or floor (the previous search); after = "
          "per-query fusion, domain gate, hit floor; same index, one after the other in one run")
    print(f"\n{'corpus':<8}{'passages':>9} {'':<7} {header}")
    base_p50: dict[tuple[str, str], float] = {}
    for times in (int(n) for n in args.scales.split(",")):
        scaled = index if times == 1 else SearchIndex.build(replicate(rows, times), embedder,
                                                              reuse=index)
        variants = {"before": HybridSearcher(dataclasses.replace(scaled, gate=None), embedder,
                                             rrf=True),
                    "after": HybridSearcher(scaled, embedder)}
        for name, searcher in variants.items():
            cells = []
            for mode in MODES:
                p50, p95 = latencies(searcher, texts, mode)
                base_p50.setdefault((name, mode), p50)
                cells.append(f"{p50:8.1f} / {p95:6.1f} (×{p50 / base_p50[name, mode]:.1f})")
            print(f"×{times:<7}{len(scaled.passages):>9} {name:<7} "
                  + "  ".join(f"{c:>22}" for c in cells))
    print(f"\nserving process RSS after all runs: {rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
