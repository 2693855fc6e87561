"""Searcher start-up, A/B: open + prepare() + first queries, a fresh process per start.

Run: .venv/bin/python benchmarks/bench_search_startup.py --data DIR NAME=CHECKOUT NAME=CHECKOUT
         [--runs 5]

Each run starts one process per checkout (its own `search` package via PYTHONPATH), the order
swapped from run to run, and times in it: the imports, SearchIndex.load (encoder session
included), HybridSearcher(), prepare() (as `bokslut serve` does before the first request),
the first and second 20-token question and one off-topic query, all hybrid. Prints each run
and the medians per checkout with the load average; asserts nothing (the machine is shared).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
STAGES = ("import", "load", "searcher", "prepare", "first", "second", "refused")
REFUSED = "recipe for lasagna"  # tests/test_search_quality.OUT_OF_DOMAIN: the gate refuses it


def worker(data: Path) -> None:
    """Time the stages of one start in this process and print them as one JSON line (ms)."""
    sys.path.insert(0, str(HERE))
    from bench_engine_parts import QUESTIONS

    times, started = {}, time.perf_counter()

    def mark(stage: str) -> None:
        nonlocal started
        now = time.perf_counter()
        times[stage], started = (now - started) * 1000, now

    from search.engine import embedder_for
    from search.hybrid import HybridSearcher
    from search.index_store import SearchIndex
    from web.pipeline.layout import index_dir
    mark("import")
    embedder = embedder_for("multilingual-e5-small", str(data))
    index = SearchIndex.load(index_dir(data), embedder)
    mark("load")
    searcher = HybridSearcher(index, embedder)
    mark("searcher")
    searcher.prepare()
    mark("prepare")
    for stage, text in (("first", QUESTIONS[0]), ("second", QUESTIONS[1]), ("refused", REFUSED)):
        searcher.search(text, 10, "hybrid")
        mark(stage)
    print(json.dumps(times), flush=True)


def one_start(checkout: Path, data: Path) -> dict[str, float]:
    """The stage times of one fresh process on `checkout`'s code."""
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    out = subprocess.run([sys.executable, __file__, "--worker", "--data", str(data)],
                         cwd=checkout, env=env, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def row(name: str, times: dict[str, float]) -> str:
    """One line: the stages, and open -> first answer (load + searcher + prepare + first)."""
    ready = sum(times[s] for s in ("load", "searcher", "prepare", "first"))
    return f"{name:<10}" + "".join(f"{times[s]:9.1f}" for s in STAGES) + f"{ready:10.1f}"


def load() -> str:
    """The load averages now."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    """Parse NAME=CHECKOUT pairs; alternate starts; print each and the medians."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("checkouts", nargs="*", help="NAME=CHECKOUT (the first is the base)")
    args = parser.parse_args()
    if args.worker:
        worker(args.data)
        return
    checkouts = {n: Path(p).resolve() for n, _, p in (c.partition("=") for c in args.checkouts)}
    names, got = list(checkouts), {name: [] for name in checkouts}
    print(f"# {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} cores, "
          f"load average before {load()}; ms")
    print(f"{'run':<10}" + "".join(f"{s:>9}" for s in STAGES) + f"{'ready':>10}")
    for run in range(args.runs):
        for name in names[run % len(names):] + names[:run % len(names)]:
            got[name].append(one_start(checkouts[name], args.data.resolve()))
            print(row(f"{run + 1} {name}", got[name][-1]) + f"   load {load()}", flush=True)
    for name in names:
        median = {s: statistics.median(t[s] for t in got[name]) for s in STAGES}
        print(row(f"med {name}", median))
    print(f"# load average after {load()}")


if __name__ == "__main__":
    main()
