"""Hybrid search outside the encoder call: this checkout against another, A/B in one run.

Run: .venv/bin/python benchmarks/bench_search_overhead.py --data DIR --old CHECKOUT
         [--rounds 3] [--out FILE]

Two worker processes, one per checkout (PYTHONPATH picks its `search` package), open the
same data directory with the real encoder, get ready as a server does (`prepare()` where
the checkout has it, else the analyzer's and the repair's own warm-ups, as `bokslut serve`
did before) and are warmed on the dev queries. Then the 20-token questions go to the two in
turns (the side that goes first alternates), each question once per worker as in
bench_engine's hybrid row, and each worker reports a search's wall time and the part spent
in the encoder. Every round starts fresh workers. Prints p50s and new/old ratios; asserts
nothing (the machine is shared).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent


def worker(data: Path) -> None:
    """Answer questions from stdin, one JSON line each: search wall time and encoder time."""
    sys.path.insert(0, str(HERE))
    from load_web import search_queries

    from search.engine import embedder_for
    from search.hybrid import HybridSearcher
    from search.index_store import SearchIndex
    from web.pipeline.layout import index_dir

    embedder = embedder_for("multilingual-e5-small", str(data))
    spent = [0.0]
    inner = embedder.embed_queries

    def timed(texts: list[str]):
        started = time.perf_counter()
        try:
            return inner(texts)
        finally:
            spent[0] += time.perf_counter() - started

    embedder.embed_queries = timed  # instance attribute: the searcher calls this one
    searcher = HybridSearcher(SearchIndex.load(index_dir(data), embedder), embedder)
    if hasattr(searcher, "prepare"):
        searcher.prepare()
    else:
        searcher.index.bm25.analyzer.prepare()
        searcher.repair.prepare()
    for text in search_queries():
        searcher.search(text, 10, "hybrid")
    print("ready", flush=True)
    for line in sys.stdin:
        spent[0] = 0.0
        started = time.perf_counter()
        searcher.search(json.loads(line), 10, "hybrid")
        total = time.perf_counter() - started
        print(json.dumps({"total": total * 1000, "encoder": spent[0] * 1000}), flush=True)


def start(checkout: Path, data: Path) -> subprocess.Popen:
    """A worker running on `checkout`'s code, once it says it is ready."""
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    proc = subprocess.Popen([sys.executable, __file__, "--worker", "--data", str(data)],
                            cwd=checkout, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    if proc.stdout.readline().strip() != "ready":
        raise SystemExit(f"fel: arbetaren för {checkout} startade inte")
    return proc


def ask(proc: subprocess.Popen, question: str) -> dict:
    """One timed search in a worker."""
    proc.stdin.write(json.dumps(question) + "\n")
    proc.stdin.flush()
    return json.loads(proc.stdout.readline())


def interleave(data: Path, checkouts: dict[str, Path], rounds: int, pause: float,
               launch: Callable[[Path, Path], subprocess.Popen] | None = None,
               questions: list[str] | None = None) -> dict[str, list[dict]]:
    """Every question (default: bench_engine_parts.QUESTIONS) once per checkout's worker per
    round, the workers' order rotating from question to question, `pause` seconds apart (the
    other worker's encoder threads may still be spinning just after its call); fresh workers
    each round (`launch`, default `start`)."""
    sys.path.insert(0, str(HERE))
    from bench_engine_parts import QUESTIONS

    names = list(checkouts)
    times: dict[str, list[dict]] = {name: [] for name in names}
    for r in range(rounds):
        workers = {name: (launch or start)(path, data) for name, path in checkouts.items()}
        try:
            for n, question in enumerate(questions or QUESTIONS):
                shift = (n + r) % len(names)
                for name in names[shift:] + names[:shift]:
                    time.sleep(pause)
                    times[name].append(ask(workers[name], question))
        finally:
            for proc in workers.values():
                proc.stdin.close()
                proc.wait(timeout=60)
    return times


def run(data: Path, old: Path, rounds: int, pause: float) -> dict[str, list[dict]]:
    """This checkout ("new") against `old`, interleaved."""
    return interleave(data, {"new": ROOT, "old": old}, rounds, pause)


def report(times: dict[str, list[dict]], old: Path, rounds: int) -> str:
    """The figures as text, with when, load and host."""
    def p50(side: str, part: str) -> float:
        rows = times[side]
        if part == "outside":
            return statistics.median(r["total"] - r["encoder"] for r in rows)
        return statistics.median(r[part] for r in rows)

    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    lines = [f"# {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, host {os.uname().nodename},"
             f" {os.cpu_count()} cores, load average at the end {load}",
             f"# new: {ROOT} vs old: {old}; {rounds} rounds x {len(times['new']) // rounds}"
             " 20-token questions, each once per worker per round, A/B in turns",
             "| part | new p50 ms | old p50 ms | new/old |", "|---|---|---|---|"]
    for part, label in (("total", "hybrid search, encoder included"),
                        ("outside", "outside the encoder call"), ("encoder", "encoder calls")):
        new, before = p50("new", part), p50("old", part)
        lines.append(f"| {label} | {new:.2f} | {before:.2f} | {new / before:.2f} |")
    return "\n".join(lines)


def main() -> None:
    """Parse arguments; run as the driver or as a worker."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--old", type=Path, help="the other checkout (e.g. a git worktree)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--pause", type=float, default=0.2, help="seconds between searches")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.data)
        return
    if args.old is None:
        raise SystemExit("fel: --old CHECKOUT behövs (den kod som jämförs med)")
    text = report(run(args.data, args.old.resolve(), args.rounds, args.pause), args.old,
                  args.rounds)
    print(text)
    if args.out:
        with args.out.open("a", encoding="utf-8") as out:
            out.write(text + "\n\n")


if __name__ == "__main__":
    main()
