"""How far the fp32 query encoder is from this machine's compute floor (issue 12's 10 ms aim).

Run: .venv/bin/python benchmarks/bench_encoder_floor.py --data DIR [--out FILE]

DIR is a data directory with the model built and exported (`bokslut ingest`). For the 20
questions of benchmarks/questions_20_tokens.txt it prints, in one run:
- the encoder's p50 per question (one question per call) with 1 and 2 threads;
- the arithmetic one question needs (matrix products of the 12 layers, from the model's sizes
  and the question's token count);
- the rate ONNX Runtime reaches on its most favourable shape here (a batch of long passages)
  and the rate of a large fp32 matrix product in numpy (the machine's practical peak);
- the resulting floors: a question's arithmetic at those rates.
Nothing is asserted; the figures say whether a 10 ms hybrid query is reachable in fp32.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

import numpy as np

from search.embedder import resolve_model
from search.onnx_encoder import OnnxEmbedder
from search.onnx_loading import existing_export

QUESTIONS = Path(__file__).with_name("questions_20_tokens.txt")
LAYERS, HIDDEN, INTERMEDIATE = 12, 384, 1536  # multilingual-e5-small


def flops_per_text(tokens: int) -> float:
    """Multiply-adds x 2 of one text's forward pass (projections, feed-forward, attention)."""
    dense = 4 * HIDDEN * HIDDEN + 2 * HIDDEN * INTERMEDIATE  # q, k, v, out; up, down
    attention = 2 * tokens * HIDDEN  # scores and weighted values, per token
    return 2.0 * LAYERS * tokens * (dense + attention)


def p50_ms(function, repeats: int) -> float:
    """Median milliseconds of `repeats` calls."""
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def question_p50(embedder, questions: list[str], passes: int = 5) -> float:
    """Milliseconds per question, one per call, after a warm-up."""
    embedder.embed_queries(questions[:2])
    times = []
    for _ in range(passes):
        for question in questions:
            started = time.perf_counter()
            embedder.embed_queries([question])
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def batch_rate(embedder, tokens: int = 120, rows: int = 16) -> float:
    """GFLOP/s ONNX Runtime reaches on a batch of long texts (its best shape here)."""
    text = " ".join(["kommunens arbete med barns rätt till lek och fritid"] * 40)
    ids = embedder.tokenizer.encode("passage: " + text).ids[:tokens]
    texts = [embedder.tokenizer.decode(ids[1:-1])] * rows
    embedder.embed_passages(texts[:2])
    seconds = p50_ms(lambda: embedder.embed_passages(texts), 5) / 1000
    length = len(embedder.tokenizer.encode("passage: " + texts[0]).ids)
    return rows * flops_per_text(length) / seconds / 1e9


def numpy_rate(size: int = 1536) -> float:
    """GFLOP/s of a large fp32 matrix product (numpy's BLAS, all cores): the practical peak."""
    a = np.random.default_rng(0).standard_normal((size, size), dtype=np.float32)
    a @ a
    seconds = p50_ms(lambda: a @ a, 7) / 1000
    return 2 * size**3 / seconds / 1e9


def main() -> int:
    """Print (and optionally save) the floor table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    model = resolve_model("multilingual-e5-small", args.data)
    export = existing_export(model, args.data)
    if export is None:
        parser.error(f"{args.data}: no ONNX export; run `bokslut ingest --data {args.data}` first")
    questions = [q for q in QUESTIONS.read_text("utf-8").splitlines() if q.strip()]
    embedders = {n: OnnxEmbedder(model, export, threads=n) for n in (1, 2)}
    tokens = statistics.median(len(embedders[2].tokenizer.encode("query: " + q).ids)
                               for q in questions)
    need = flops_per_text(int(tokens)) / 1e9
    measured = {n: question_p50(e, questions) for n, e in embedders.items()}
    ort_rate, peak = batch_rate(embedders[2]), numpy_rate()
    lines = [f"# {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} cores, "
             f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}",
             f"question: median {tokens:.0f} tokens with the prompt, {need:.2f} GFLOP",
             f"encoder p50, one question per call: 1 thread {measured[1]:.1f} ms, "
             f"2 threads {measured[2]:.1f} ms ({need / measured[2] * 1000:.0f} GFLOP/s)",
             f"ONNX Runtime on a batch of 16 x 120 tokens: {ort_rate:.0f} GFLOP/s "
             f"-> floor {need / ort_rate * 1000:.1f} ms per question",
             f"numpy fp32 1536^3 product: {peak:.0f} GFLOP/s "
             f"-> floor {need / peak * 1000:.1f} ms per question",
             f"measured / ORT floor: {measured[2] / (need / ort_rate * 1000):.2f}x"]
    text = "\n".join(lines) + "\n"
    print(text, end="")
    if args.out:
        args.out.write_text(text, "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
