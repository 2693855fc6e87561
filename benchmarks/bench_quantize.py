"""Int8 recipes for the encoder against the fp32 export: cosine, speed, and eval nDCG deltas.

Run: .venv/bin/python benchmarks/bench_quantize.py --data DIR [--recipes a,b] [--eval NAME,...]

DIR is a data directory with the model built and exported (any `bokslut ingest` made it).
Every recipe of search/onnx_quantize.py is made into a scratch directory and compared with
the fp32 export in the same run: cosine of query vectors (tuning and held-out dev queries,
one at a time), cosine of passage vectors (every passage), p50 per 20-token question
(interleaved passes), passages per second, session start. A recipe is chosen on the tuning
queries (min cosine >= 0.99, then speed); held-out figures are only reported. With --eval,
the index is rebuilt with each named recipe (passages and gate included) and `bokslut
eval`'s nDCG@10 for hybrid and dense is printed beside fp32's. Int8 queries alone against the
fp32 index: benchmarks/bench_query_encoder.py. No thresholds are asserted.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import numpy as np
from bench_engine_parts import QUESTIONS, interleaved

from corpus import read_report
from corpus.passages import build_passages
from search.eval_report import run_part
from search.evaluate import load_dev_set
from search.hybrid import HybridSearcher
from search.index_store import SearchIndex
from search.model_store import E5_DIR_NAME
from search.onnx_encoder import OnnxEmbedder
from search.onnx_export import ONNX_FILE
from search.onnx_loading import existing_export
from search.onnx_quantize import RECIPES, ensure_quantised
from web.pipeline.ingest import bundled_reports

ROOT = Path(__file__).resolve().parents[1]
DEV = {"tuning": ROOT / "tests" / "data" / "search_tune.jsonl",
       "held-out": ROOT / "tests" / "data" / "search_heldout.jsonl"}


def one_by_one(embedder: OnnxEmbedder, texts: list[str]) -> np.ndarray:
    """Query vectors embedded alone, as search does."""
    return np.vstack([embedder.embed_queries([t]) for t in texts])


def cosine(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """(min, mean) row-wise cosine of two stacks of unit rows."""
    values = np.sum(a * b, axis=1)
    return float(values.min()), float(values.mean())


def timed(make):
    """(result, seconds) of one call."""
    started = time.perf_counter()
    out = make()
    return out, time.perf_counter() - started


def variant_rows(model_dir: Path, export: Path, scratch: Path, names: list[str],
                 queries: dict[str, list[str]], passages: list[str]) -> dict[str, OnnxEmbedder]:
    """Make and measure every recipe; print one table row each. Returns the embedders."""
    base = scratch / export.name
    base.symlink_to(export, target_is_directory=True)  # recipes are made beside their source
    encoders: dict[str, OnnxEmbedder] = {}
    facts: dict[str, dict] = {}
    for name in ["fp32", *names]:
        folder, made = (export, 0.0) if name == "fp32" else \
            timed(lambda name=name: ensure_quantised(base, RECIPES[name]))
        encoders[name], start = timed(lambda folder=folder: OnnxEmbedder(model_dir, folder))
        vectors, seconds = timed(lambda name=name: encoders[name].embed_passages(passages))
        facts[name] = {"made": made, "start": start, "passages/s": len(passages) / seconds,
                       "MB": (folder / ONNX_FILE).stat().st_size / 1e6, "vectors": vectors,
                       **{part: one_by_one(encoders[name], t) for part, t in queries.items()}}
    speed = interleaved({n: (lambda q, e=e: e.embed_queries([q])) for n, e in encoders.items()},
                        QUESTIONS)
    print(f"\n{'recipe':<22}{'tuning min/mean':>17}{'held-out min/mean':>19}"
          f"{'passages min/mean':>19}{'query p50':>11}{'×fp32':>7}{'passages/s':>12}"
          f"{'start s':>9}{'make s':>8}{'MB':>6}")
    ref = facts["fp32"]
    for name, fact in facts.items():
        cells = [cosine(fact[key], ref[key]) for key in (*queries, "vectors")]
        print(f"{name:<22}" + "".join(f"{lo:>10.4f}/{mean:.4f}" for lo, mean in cells)
              + f"{speed[name]:>9.2f}ms{speed[name] / speed['fp32']:>7.2f}"
              f"{fact['passages/s']:>12.1f}{fact['start']:>9.2f}{fact['made']:>8.1f}"
              f"{fact['MB']:>6.0f}", flush=True)
    return encoders


def eval_rows(encoders: dict[str, OnnxEmbedder], rows: list[dict]) -> None:
    """nDCG@10 of hybrid and dense per part, each index built by its own encoder."""
    sets = {part: load_dev_set(path) for part, path in DEV.items()}
    print(f"\n{'index + queries':<22}" + "".join(f"{p + ' ' + m:>18}" for p in sets
                                                  for m in ("hybrid", "dense")))
    base: dict[tuple[str, str], float] = {}
    for name, encoder in encoders.items():
        index = SearchIndex.build(rows, encoder)
        searchers = {"rrf": HybridSearcher(index, encoder, rrf=True),  # eval's baseline column
                     "run": HybridSearcher(index, encoder)}

        def rank(query: str, n: int, mode: str, s=searchers) -> list[str]:
            found = s["rrf"].search(query, n, "hybrid") if mode == "rrf" \
                else s["run"].search(query, n, mode)
            return [h.passage["id"] for h in found]

        cells = []
        for part, queries in sets.items():
            result = run_part(rank, queries)
            for mode in ("hybrid", "dense"):
                value = result[mode]["ndcg"]
                delta = value - base.setdefault((part, mode), value)
                cells.append(f"{value:.3f} ({delta:+.3f})")
        print(f"{name:<22}" + "".join(f"{c:>18}" for c in cells), flush=True)


def main() -> None:
    """Measure the recipes, then evaluate the chosen ones."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--recipes", default=",".join(RECIPES))
    parser.add_argument("--eval", default="", help="recipes to rebuild the index with")
    args = parser.parse_args()
    model_dir = args.data / "models" / E5_DIR_NAME
    export = existing_export(model_dir, args.data)
    if export is None:
        raise SystemExit(f"fel: {args.data} has no ONNX export; run 'bokslut ingest' first")
    queries = {part: [q.query for q in load_dev_set(path)] for part, path in DEV.items()}
    rows = [p.__dict__ for path in bundled_reports() for p in build_passages(read_report(path))]
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"# {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, load average {load}; "
          f"{len(QUESTIONS)} questions, {sum(map(len, queries.values()))} dev queries, "
          f"{len(rows)} passages")
    with tempfile.TemporaryDirectory() as scratch:
        names = [n for n in args.recipes.split(",") if n]
        encoders = variant_rows(model_dir, export, Path(scratch), names, queries,
                                [r["text"] for r in rows])
        chosen = [n for n in args.eval.split(",") if n]
        if chosen:
            eval_rows({n: encoders[n] for n in ["fp32", *chosen]}, rows)


if __name__ == "__main__":
    main()
