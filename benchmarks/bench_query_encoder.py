"""The search-time query encoder: int8 queries against the fp32 index, beside exact fp32 queries.

Run: .venv/bin/python benchmarks/bench_query_encoder.py --data DIR [--out FILE]

DIR is a data directory made by `bokslut ingest` (fp32 index, int8 copy made beside the
export). For each dev part (tuning, held-out, held-out 2) it prints nDCG@10 of hybrid and
dense with exact and with int8 queries and their difference (issue 12: less than 0.005),
the least cosine between the two query vectors, and each encoder's p50 per 20-token
question, interleaved in one run. No thresholds are asserted.
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
from search.onnx_encoder import load_embedder
from search.onnx_quantize import QUERY_RECIPE, RECIPES
from web.cli.search import default_dev_sets
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


def main() -> int:
    """Print (and optionally save) the comparison table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--recipe", default=QUERY_RECIPE or "int8-pc-rr", choices=sorted(RECIPES),
                        help="the int8 recipe for queries (default: search's, else int8-pc-rr)")
    args = parser.parse_args()
    model_dir = resolve_model("multilingual-e5-small", args.data)
    fast = load_embedder(model_dir, args.data, query_recipe=args.recipe)
    exact = for_indexing(fast)
    assert fast.query_precision == "int8" and exact.query_precision == "fp32"
    questions = [q.strip() for q in QUESTIONS.read_text("utf-8").splitlines()
                 if q.strip() and not q.startswith("#")]
    lines = [f"# recipe {args.recipe}, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
             f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}, 2 cores",
             "part         queries  hybrid fp32  hybrid int8      Δ   dense fp32  dense int8"
             "      Δ   min cosine"]
    for part, path in default_dev_sets().items():
        queries = load_dev_set(path)
        texts = [q.query for q in queries]
        cosines = np.sum(np.vstack([fast.embed_queries([t]) for t in texts])
                         * np.vstack([exact.embed_queries([t]) for t in texts]), axis=1)
        home = index_home(args.data)
        a = part_scores(open_searcher(home, exact), queries)
        b = part_scores(open_searcher(home, fast), queries)
        lines.append(f"{part:<12} {len(queries):>7}  {a['hybrid']:>11.3f}  {b['hybrid']:>11.3f}"
                     f"  {b['hybrid'] - a['hybrid']:+.3f}  {a['dense']:>11.3f}  "
                     f"{b['dense']:>10.3f}  {b['dense'] - a['dense']:+.3f}  {cosines.min():>11.4f}")
    p50 = encoder_p50({"fp32": exact, "int8": fast}, questions)
    lines.append(f"query encoder p50 per 20-token question: fp32 {p50['fp32']:.2f} ms, "
                 f"int8 {p50['int8']:.2f} ms ({p50['int8'] / p50['fp32']:.2f}× fp32)")
    text = "\n".join(lines)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
