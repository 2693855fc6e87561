"""The search-time query encoder: int8 queries against the fp32 index, beside exact fp32 queries.

Run: .venv/bin/python benchmarks/bench_query_encoder.py --data DIR [--out FILE]
     .venv/bin/python benchmarks/bench_query_encoder.py --pair FP32_DIR INT8_DIR [--out FILE]

DIR is a data directory made by `bokslut ingest` (fp32 index; the --recipe's int8 or 4-bit
copy is made beside the export). For each dev part it prints nDCG@10 of hybrid and dense with
exact and with fast queries and their difference (issue 12: less than 0.005), the pool (every
part but the held-out one) weighted by queries, the least cosine between the two query
vectors, and each encoder's p50 per 20-token question, interleaved in one run. No thresholds
are asserted. --out appends.

--pair: two data directories ingested with one encoder each (fp32, and an int8 recipe on both
sides, BOKSLUT_ENCODER_PRECISION): each one's query encoder and hybrid search over its own
index, interleaved question by question (the order turning every question), the analyzer's
caches emptied before each search, so neither side meets a question the other just analysed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

import numpy as np

from search.embedder import for_indexing, resolve_model
from search.engine import open_searcher
from search.eval_report import run_part
from search.evaluate import load_dev_set
from search.onnx_encoder import OnnxEmbedder
from search.onnx_loading import load_embedder
from search.onnx_nbits import NBITS_RECIPES, ensure_nbits
from search.onnx_quantize import QUERY_RECIPE, RECIPES
from web.cli.search import REPORTED_PARTS, default_dev_sets
from web.pipeline.layout import index_home

QUESTIONS = Path(__file__).with_name("questions_20_tokens.txt")


def part_scores(searcher, queries) -> dict[str, float]:
    """Overall nDCG@10 of hybrid and dense for one part."""
    def rank(query: str, n: int, mode: str) -> list[str]:
        if mode not in ("hybrid", "dense"):
            return []  # the other modes are not compared here
        return [h.passage["id"] for h in searcher.search(query, n, mode)]

    result = run_part(rank, queries, 10)
    return {mode: result[mode]["ndcg"] for mode in ("hybrid", "dense")}


def encoder_p50(embedders: dict, questions: list[str], passes: int = 5) -> dict[str, float]:
    """Milliseconds per question, one question per call, encoders interleaved."""
    times: dict[str, list[float]] = {name: [] for name in embedders}
    for embedder in embedders.values():
        embedder.embed_queries(questions[:2])  # warm: sessions open, arenas grown
    for _ in range(passes):
        for question in questions:
            for name, embedder in embedders.items():
                started = time.perf_counter()
                embedder.embed_queries([question])
                times[name].append((time.perf_counter() - started) * 1000)
    return {name: statistics.median(values) for name, values in times.items()}


def hybrid_p50(searchers: dict, questions: list[str], passes: int = 3) -> dict[str, float]:
    """Milliseconds per hybrid search, each side's analyzer caches emptied before each."""
    times: dict[str, list[float]] = {name: [] for name in searchers}
    names = list(searchers)
    for searcher in searchers.values():
        for question in questions[:3]:
            searcher.search(question + " igen", 10, "hybrid")  # warm, on other texts
    for turn in range(passes * len(questions)):
        question = questions[turn % len(questions)]
        for name in names if turn % 2 == 0 else names[::-1]:
            searchers[name].index.bm25.analyzer.forget_queries()
            started = time.perf_counter()
            searchers[name].search(question, 10, "hybrid")
            times[name].append((time.perf_counter() - started) * 1000)
    return {name: statistics.median(values) for name, values in times.items()}


def pair(fp32_dir: Path, int8_dir: Path, questions: list[str]) -> list[str]:
    """Encoder and hybrid p50 of two data directories' own encoders, interleaved."""
    embedders = {name: load_embedder(resolve_model("multilingual-e5-small", d), d)
                 for name, d in (("fp32", fp32_dir), ("int8", int8_dir))}
    kinds = {name: f"{getattr(e, 'precision', '?')} ({e.fingerprint.rsplit(':', 1)[-1]})"
             for name, e in embedders.items()}
    searchers = {name: open_searcher(index_home(d), embedders[name])
                 for name, d in (("fp32", fp32_dir), ("int8", int8_dir))}
    enc = encoder_p50(embedders, questions)
    hyb = hybrid_p50(searchers, questions)
    return [f"# --pair: fp32 = {kinds['fp32']}, int8 = {kinds['int8']}; "
            f"{len(questions)} questions of benchmarks/questions_20_tokens.txt",
            f"query encoder p50: fp32 {enc['fp32']:.2f} ms, int8 {enc['int8']:.2f} ms "
            f"({enc['int8'] / enc['fp32']:.2f}x fp32)",
            f"hybrid in process p50 (own index each): fp32 {hyb['fp32']:.2f} ms, int8 "
            f"{hyb['int8']:.2f} ms ({hyb['int8'] / hyb['fp32']:.2f}x fp32; aim <= 10 ms)"]


def query_only(model_dir: Path, data: Path, recipe: str):
    """The serving embedder with the recipe's copy for queries, passages on the fp32 export."""
    if recipe not in NBITS_RECIPES:
        return load_embedder(model_dir, data, query_recipe=recipe)
    fp32 = load_embedder(model_dir, data, query_recipe=None)
    return OnnxEmbedder(model_dir, fp32.export,
                        query_export=ensure_nbits(fp32.export, NBITS_RECIPES[recipe]))


def part_table(fast, exact, home: Path) -> list[str]:
    """nDCG@10 of hybrid and dense per dev part with exact and with fast queries, the pool
    (every part but the reported held-out one) weighted by queries, and the least cosine."""
    lines = ["part         queries  hybrid fp32  hybrid fast      Δ   dense fp32  dense fast"
             "      Δ   min cosine"]
    pooled = dict.fromkeys(("n", "hybrid fp32", "hybrid fast", "dense fp32", "dense fast"), 0.0)
    for part, path in default_dev_sets().items():
        queries = load_dev_set(path)
        texts = [q.query for q in queries]
        cosines = np.sum(np.vstack([fast.embed_queries([t]) for t in texts])
                         * np.vstack([exact.embed_queries([t]) for t in texts]), axis=1)
        a = part_scores(open_searcher(home, exact), queries)
        b = part_scores(open_searcher(home, fast), queries)
        lines.append(f"{part:<12} {len(queries):>7}  {a['hybrid']:>11.3f}  {b['hybrid']:>11.3f}"
                     f"  {b['hybrid'] - a['hybrid']:+.3f}  {a['dense']:>11.3f}  "
                     f"{b['dense']:>10.3f}  {b['dense'] - a['dense']:+.3f}  {cosines.min():>11.4f}")
        if part not in REPORTED_PARTS:  # the reported parts stay out of the pool
            pooled["n"] += len(queries)
            for mode in ("hybrid", "dense"):
                pooled[f"{mode} fp32"] += a[mode] * len(queries)
                pooled[f"{mode} fast"] += b[mode] * len(queries)
    n = pooled["n"]
    lines.append(f"{'pool':<12} {n:>7.0f}  {pooled['hybrid fp32'] / n:>11.3f}  "
                 f"{pooled['hybrid fast'] / n:>11.3f}  "
                 f"{(pooled['hybrid fast'] - pooled['hybrid fp32']) / n:+.3f}  "
                 f"{pooled['dense fp32'] / n:>11.3f}  {pooled['dense fast'] / n:>10.3f}  "
                 f"{(pooled['dense fast'] - pooled['dense fp32']) / n:+.3f}")
    return lines


def main() -> int:
    """Print (and optionally save) the comparison table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path)
    parser.add_argument("--pair", type=Path, nargs=2, metavar=("FP32_DIR", "INT8_DIR"))
    parser.add_argument("--out", type=Path)
    parser.add_argument("--recipe", default=QUERY_RECIPE or "int8-pc-rr",
                        choices=sorted([*RECIPES, *NBITS_RECIPES]),
                        help="the int8 (or 4-bit) recipe for queries (default: search's, else "
                             "int8-pc-rr)")
    args = parser.parse_args()
    questions = [q.strip() for q in QUESTIONS.read_text("utf-8").splitlines()
                 if q.strip() and not q.startswith("#")]
    if args.pair:
        stamp = (f"# {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, load average "
                 f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}, 2 cores")
        text = "\n".join([stamp, *pair(*args.pair, questions)])
        print(text)
        if args.out:
            with args.out.open("a", encoding="utf-8") as out:
                out.write("\n" + text + "\n")
        return 0
    if args.data is None:
        parser.error("--data or --pair is needed")
    model_dir = resolve_model("multilingual-e5-small", args.data)
    fast = query_only(model_dir, args.data, args.recipe)
    exact = for_indexing(fast)
    assert fast.query_precision in ("int8", "nbits") and exact.query_precision == "fp32"
    lines = [f"# recipe {args.recipe}, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
             f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}, 2 cores",
             *part_table(fast, exact, index_home(args.data))]
    # timed like for like: fp32 on its two-thread serving session, as search runs it (the bulk
    # embedder `exact` has one thread; it only gives the reference vectors)
    serving = load_embedder(model_dir, args.data, query_recipe=None)
    p50 = encoder_p50({"fp32": serving, "fast": fast}, questions)
    lines.append(f"query encoder p50 per 20-token question, both on two-thread serving sessions: "
                 f"fp32 {p50['fp32']:.2f} ms, {args.recipe} {p50['fast']:.2f} ms "
                 f"({p50['fast'] / p50['fp32']:.2f}× fp32)")
    text = "\n".join(lines)
    print(text)
    if args.out:  # appended: the file keeps every round's runs
        with args.out.open("a", encoding="utf-8") as out:
            out.write("\n" + text + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
