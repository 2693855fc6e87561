"""/api/search under 16 connections for two checkouts, in ABBA turns: does a change cost throughput?

Run: .venv/bin/python benchmarks/bench_api_search_ab.py --data DIR NAME=CHECKOUT NAME=CHECKOUT
         [--pairs 2] [--seconds 10] [--connections 16]

For each turn, `bokslut serve` (waitress, 8 threads, as bench_engine starts it) is started on
one checkout's code (PYTHONPATH) over the same data directory, warmed with one pass of the
queries, then bench_engine's /api/search load (its 20 queries cycled over N keep-alive
connections for the given seconds) runs, and the server stops. The turns go A B B A per pair,
so a drift in the host's load falls on both. Prints requests/s, p50 and errors per turn and
the ratio of the means. Asserts nothing (the machine is shared).
"""

from __future__ import annotations

import argparse
import http.client
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import IO
from urllib.parse import quote

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from load_web import (  # noqa: E402
    HOST,
    Scenario,
    free_port,
    run_scenario,
    search_queries,
    stop_server,
    wait_until_ready,
)


def serve(checkout: Path, data: Path, port: int, log: IO[bytes]) -> subprocess.Popen:
    """`bokslut serve` running `checkout`'s code."""
    command = [str(Path(sys.executable).parent / "bokslut"), "serve", "--data", str(data),
               "--host", HOST, "--port", str(port), "--threads", "8"]
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
           "PYTHONPATH": str(checkout)}
    return subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=checkout)


def turn(checkout: Path, data: Path, paths: list[str], conns: int, seconds: float) -> dict:
    """One server on one checkout: warm-up pass, then the timed load."""
    port = free_port()
    with tempfile.TemporaryFile() as log:
        process = serve(checkout, data, port, log)
        try:
            wait_until_ready(port, process, seconds=900)
            conn = http.client.HTTPConnection(HOST, port, timeout=60)
            for path in paths:
                conn.request("GET", path)
                conn.getresponse().read()
            conn.close()
            return run_scenario(port, Scenario("search", paths), conns, seconds)
        finally:
            stop_server(process)


def main() -> int:
    """Parse, run the ABBA turns, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--pairs", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("checkouts", nargs=2, help="NAME=CHECKOUT (the first is the base)")
    args = parser.parse_args()
    sides = {}
    for pair in args.checkouts:
        name, _, path = pair.partition("=")
        sides[name] = Path(path).resolve()
    paths = [f"/api/search?q={quote(q)}&k=10" for q in search_queries()]
    first, second = sides
    results: dict[str, list[dict]] = {name: [] for name in sides}
    load_before = " ".join(f"{x:.2f}" for x in os.getloadavg())
    for _ in range(args.pairs):
        for name in (first, second, second, first):
            result = turn(sides[name], args.data.resolve(), paths, args.connections,
                          args.seconds)
            results[name].append(result)
            print(f"  {time.strftime('%H:%M:%S')} {name}: {result['rps']:.1f} anrop/s, "
                  f"p50 {result['p50']:.1f} ms, {result['errors']} fel", flush=True)
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"# {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, load average before "
          f"{load_before}, after {load}; /api/search, {args.connections} connections, "
          f"{args.seconds:g} s per turn, ABBA x {args.pairs}")
    mean = {name: statistics.fmean(r["rps"] for r in rows) for name, rows in results.items()}
    for name, rows in results.items():
        print(f"{name:<10} mean {mean[name]:7.1f} req/s  p50s "
              + ", ".join(f"{r['p50']:.0f}" for r in rows) + " ms  errors "
              + str(sum(r["errors"] for r in rows)) + f"  ({sides[name]})")
    print(f"{second}/{first} throughput: {mean[second] / mean[first]:.3f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
