"""Search benchmark: index build, warm query latency per mode, memory, and growth ×10/×100.

Run: .venv/bin/python benchmarks/bench_search.py [--data DIR]
     .venv/bin/python benchmarks/bench_search.py --data DIR --rest [--queries 175]
     .venv/bin/python benchmarks/bench_search.py --data DIR --rest --ab OTHER_CHECKOUT
     .venv/bin/python benchmarks/bench_search.py --data DIR --encoders fp32,int8-pc-rr
Prints figures and ratios; no thresholds are asserted (shared machines are noisy).
With --encoders, each encoder builds its own index (passages and gate) and answers the
20-token questions, each question once on a warm process (warmed on the dev queries, so no
question meets itself in any cache), with the encoder's share of each hybrid query.
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


class TimedEmbedder:
    """An embedder that adds the time spent in embed_queries to `spent` (seconds)."""

    def __init__(self, inner) -> None:
        self.inner, self.spent = inner, 0.0

    def __getattr__(self, name: str):
        return getattr(self.inner, name)

    def embed_queries(self, texts: list[str]):
        started = time.perf_counter()
        try:
            return self.inner.embed_queries(texts)
        finally:
            self.spent += time.perf_counter() - started


def each_once(searcher: HybridSearcher, texts: list[str],
              mode: str) -> tuple[float, float, float]:
    """p50 (ms) of one search per text, of the encoder's part of it, and of the rest."""
    timed = searcher.embedder
    totals, encoder = [], []
    for q in texts:
        timed.spent, started = 0.0, time.perf_counter()
        searcher.search(q, 10, mode)
        totals.append((time.perf_counter() - started) * 1000)
        encoder.append(timed.spent * 1000)
    rest = [t - e for t, e in zip(totals, encoder, strict=True)]
    return statistics.median(totals), statistics.median(encoder), statistics.median(rest)


def compare_encoders(data: Path, names: list[str], rows: list[dict]) -> None:
    """Index build and 20-token latency per encoder, each with its own index, one run."""
    from bench_engine_parts import QUESTIONS

    from search.model_store import E5_DIR_NAME
    from search.onnx_loading import load_embedder

    model_dir, warm = data / "models" / E5_DIR_NAME, queries(200)
    print(f"{len(QUESTIONS)} questions of about 20 tokens, each searched once, warm process "
          f"({len(set(warm))} other queries first); ms, p50")
    print(f"{'encoder':<14}{'build s':>8}{'passages/s':>11}{'hybrid':>9}{'encoder':>10}"
          f"{'rest':>8}{'dense':>8}{'bm25':>7}")
    for name in names:
        embedder = load_embedder(model_dir, data, recipe=None if name == "fp32" else name)
        t = time.perf_counter()
        index = SearchIndex.build(rows, embedder)
        build = time.perf_counter() - t
        searcher = HybridSearcher(index, TimedEmbedder(embedder))
        index.bm25.analyzer.prepare()
        cells = {}
        for mode in MODES:
            for q in warm:
                searcher.search(q, 10, mode)
            cells[mode] = each_once(searcher, QUESTIONS, mode)
        hybrid, encoder, rest = cells["hybrid"]
        print(f"{name:<14}{build:>8.1f}{len(rows) / build:>11.1f}{hybrid:>9.1f}{encoder:>10.1f}"
              f"{rest:>8.1f}{cells['dense'][0]:>8.1f}{cells['bm25'][0]:>7.1f}",
              flush=True)


class CachedEmbedder(TimedEmbedder):
    """Query vectors computed once per text: what is left to time is search outside the model."""

    def __init__(self, inner) -> None:
        super().__init__(inner)
        self.seen: dict[str, object] = {}

    def embed_queries(self, texts: list[str]):
        import numpy as np

        missing = [t for t in texts if t not in self.seen]
        if missing:
            self.seen.update(zip(missing, super().embed_queries(missing), strict=True))
        return np.stack([self.seen[t] for t in texts])


def rest_only(data: Path, n: int) -> None:
    """p50/p95 per mode of search outside the encoder, on the saved index of `data`.

    Run once with the code before and once with the code after (PYTHONPATH), alternately:
    only the ratio between runs of the same minutes means anything.
    """
    from web.pipeline.layout import index_home

    embedder = CachedEmbedder(embedder_for("multilingual-e5-small", str(data)))
    index = SearchIndex.load(index_home(data) / "index", embedder)
    searcher, texts = HybridSearcher(index, embedder), queries(n)
    index.bm25.analyzer.prepare()
    print(f"{len(set(texts))} dev queries, vectors cached; search outside the encoder, ms")
    for mode in MODES:
        p50, p95 = latencies(searcher, texts, mode)
        print(f"{mode:<7} p50 {p50:6.2f}  p95 {p95:6.2f}", flush=True)


def rest_run(code: Path, data: Path, n: int) -> dict[str, float]:
    """One --rest run of the checkout at `code` in a fresh process: mode -> p50 ms."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "PYTHONPATH": str(code)}
    out = subprocess.run([sys.executable, str(code / "benchmarks" / "bench_search.py"), "--rest",
                          "--data", str(data), "--queries", str(n)], cwd=code, env=env,
                         check=True, capture_output=True, text=True).stdout
    return {line.split()[0]: float(line.split()[2]) for line in out.splitlines()
            if line.split()[:1] and line.split()[0] in MODES}


def ab_rest(data: Path, reference: Path, rounds: int, n: int) -> None:
    """Search outside the encoder, a reference checkout and this one alternately in one run:
    the ratio of each pair (same minutes) and the median of the ratios."""
    print(f"search outside the encoder, {n} dev queries, p50 ms; reference {reference}, "
          f"{rounds} alternating pairs")
    ratios: dict[str, list[float]] = {mode: [] for mode in MODES}
    for turn in range(rounds):
        first, second = (reference, ROOT) if turn % 2 == 0 else (ROOT, reference)
        got = {first: rest_run(first, data, n), second: rest_run(second, data, n)}
        cells = []
        for mode in MODES:
            before, after = got[reference][mode], got[ROOT][mode]
            ratios[mode].append(after / before)
            cells.append(f"{mode} {before:5.2f} -> {after:5.2f} (x{after / before:.2f})")
        print(f"pair {turn + 1}: " + "  ".join(cells), flush=True)
    print("median ratio after/before: " + "  ".join(
        f"{mode} x{statistics.median(r):.2f}" for mode, r in ratios.items()))


def main() -> None:
    """Build, measure, print."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=Path("data"))
    parser.add_argument("--scales", default="1,10,100", help="corpus copies, e.g. 1,10")
    parser.add_argument("--queries", type=int, default=100, help="queries per measurement")
    parser.add_argument("--reuse", type=Path, default=None,
                        help="a saved index to take vectors from (skips the build timing)")
    parser.add_argument("--encoders", default="",
                        help="compare encoders instead (fp32 and int8 recipes, comma-separated)")
    parser.add_argument("--rest", action="store_true",
                        help="time search outside the encoder on the saved index of --data")
    parser.add_argument("--ab", type=Path, default=None, metavar="CHECKOUT",
                        help="with --rest: alternate with the code of another checkout")
    parser.add_argument("--rounds", type=int, default=6, help="pairs for --ab")
    args = parser.parse_args()
    if args.rest and args.ab:
        ab_rest(args.data, args.ab.resolve(), args.rounds, args.queries)
        return
    if args.rest:
        rest_only(args.data, args.queries)
        return
    if args.encoders:
        rows = [p.__dict__ for path in bundled_reports()
                for p in build_passages(read_report(path))]
        compare_encoders(args.data, [n for n in args.encoders.split(",") if n], rows)
        return
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
