"""bench_engine's hybrid row for several checkouts at once: A/B/... interleaved in one run.

Run: .venv/bin/python benchmarks/bench_search_ab.py --data DIR NAME=CHECKOUT[@DATA] ...
         [--rounds 3] [--pause 0] [--queries FILE]

One worker process per checkout (bench_search_overhead.py's worker, run from that checkout:
its `search` package, the data directory's serving encoder, the searcher prepared and warmed
on the dev queries). Each round starts fresh workers; every 20-token question then goes once
to each worker, the order of the workers rotating from question to question, so a change in
the host's load falls on all alike. Back to back by default, as bench_engine's searches run: a
pause between searches (`--pause 0.1`) let the host idle and made every search slower (old
code 16.7 ms against 11.7 back to back, round 9), the encoder most. Prints per checkout the
p50 (and p95) of the search's wall time, of the part outside the encoder call, and the ratio
to the first checkout, with the load average. Asserts nothing (the machine is shared).
`--queries FILE` asks that file's queries (one a line, '#' lines skipped) instead of the
20-token questions, e.g. the off-topic strings the domain gate refuses (round 12).
`NAME=CHECKOUT@DATA` gives that checkout its own data directory (`--data` is the default for
the others): when old code cannot read a newer index (round 13's adapter), each checkout
searches an ingest made by its own code.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_engine_parts  # noqa: E402
from bench_search_overhead import interleave  # noqa: E402

from search.domain_gate import offtopic_bank  # noqa: E402


def start(checkout: Path, data: Path) -> subprocess.Popen[str]:
    """bench_search_overhead's worker on `checkout`'s code, once it says it is ready."""
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    script = checkout / "benchmarks" / "bench_search_overhead.py"
    proc = subprocess.Popen([sys.executable, str(script), "--worker", "--data", str(data)],
                            cwd=checkout, env=env, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    if proc.stdout.readline().strip() != "ready":
        raise SystemExit(f"fel: arbetaren för {checkout} startade inte")
    return proc


def run(data: Path, checkouts: dict[str, Path], rounds: int, pause: float,
        questions: list[str], own_data: dict[Path, Path] | None = None) -> dict:
    """Per checkout, every question's {total, encoder} ms over all rounds; `own_data` maps a
    checkout to its data directory (the others search `data`)."""
    own = own_data or {}

    def launch(checkout: Path, default: Path) -> subprocess.Popen[str]:
        return start(checkout, own.get(checkout, default))

    return interleave(data, checkouts, rounds, pause, launch=launch, questions=questions)


def parse_checkout(pair: str) -> tuple[str, Path, Path | None]:
    """NAME=CHECKOUT[@DATA] -> (name, checkout, data or None)."""
    name, _, rest = pair.partition("=")
    path, at, data = rest.partition("@")
    return name, Path(path).resolve(), Path(data).resolve() if at else None


def p95(values: list[float]) -> float:
    """The 95th percentile (nearest rank below, as bench_search.latencies)."""
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * 0.95) - 1)]


def report(times: dict[str, list[dict]], checkouts: dict[str, Path], rounds: int,
           load_before: str, questions: int, where: dict[str, str] | None = None) -> str:
    """The table as text (`where`: a checkout's own data directory, as ' @DIR')."""
    where = where or {}
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    first = next(iter(times))
    base = statistics.median(r["total"] for r in times[first])
    lines = [f"# {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} cores, "
             f"load average before {load_before}, after {load}; {rounds} rounds x "
             f"{questions} questions, each once per checkout per round, "
             "in rotating turns",
             f"{'checkout':<14} {'hybrid p50':>10} {'p95':>7} {'outside enc.':>12} {'p95':>7} "
             f"{'encoder':>8} {'vs ' + first:>10}"]
    for name, rows in times.items():
        total = statistics.median(r["total"] for r in rows)
        outside = [r["total"] - r["encoder"] for r in rows]
        encoder = statistics.median(r["encoder"] for r in rows)
        lines.append(f"{name:<14} {total:10.2f} {p95([r['total'] for r in rows]):7.2f} "
                     f"{statistics.median(outside):12.2f} {p95(outside):7.2f} {encoder:8.2f} "
                     f"{total / base:9.3f}x  ({checkouts[name]}{where.get(name, '')})")
    return "\n".join(lines)


def main() -> int:
    """Parse NAME=CHECKOUT[@DATA] pairs, run, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--pause", type=float, default=0.0, help="seconds between searches")
    parser.add_argument("--queries", type=Path, default=None,
                        help="a query file (one a line) instead of the 20-token questions")
    parser.add_argument("checkouts", nargs="+",
                        help="NAME=CHECKOUT[@DATA] (the first is the base; DATA: its own data)")
    args = parser.parse_args()
    # a query file is read as the off-topic bank is (one a line, '#' lines skipped)
    questions = bench_engine_parts.QUESTIONS if args.queries is None \
        else offtopic_bank(args.queries)
    checkouts, own_data, where = {}, {}, {}
    for pair in args.checkouts:
        name, path, data = parse_checkout(pair)
        # workers are started per checkout path: one checkout, one data directory (A/A is fine)
        chosen = data or args.data.resolve()
        if own_data.setdefault(path, chosen) != chosen:
            raise SystemExit(f"fel: {path} har fått två olika datakataloger")
        checkouts[name] = path
        if data is not None:
            where[name] = f" @{data}"
    load_before = " ".join(f"{x:.2f}" for x in os.getloadavg())
    times = run(args.data.resolve(), checkouts, args.rounds, args.pause, questions, own_data)
    print(report(times, checkouts, args.rounds, load_before, len(questions), where))
    return 0


if __name__ == "__main__":
    sys.exit(main())
