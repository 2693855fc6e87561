"""/sparql example 01 against the raw Oxigraph server, requests interleaved, on one data dir.

Run: .venv/bin/python benchmarks/bench_sparql_path.py --data DIR [--rounds 400] [--seconds 10]
     [--before TREE]   (TREE: another checkout, e.g. `git archive COMMIT | tar -x -C TREE`)
(output: benchmarks/results/bench_sparql_path.txt)

Both servers answer the same example query over the same generation (the raw one on a copy):
ours as `bokslut serve` (waitress, 8 threads, as in bench_engine), the reference as
`oxigraph serve-read-only`. One keep-alive connection to each, requests alternating between
them so that load from elsewhere on the machine hits both alike; then N connections on each
server in turn, in short slices (--slices), each server's rate taken over all its slices.
With --before, a server from another checkout joins both parts, so a change is measured
against what it replaced under the same load.
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
from contextlib import ExitStack
from pathlib import Path
from typing import IO
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_engine_parts import raw_server
from load_web import (
    HOST,
    SPARQL_EXAMPLE,
    Scenario,
    free_port,
    run_scenario,
    start_server,
    stop_server,
    wait_until_ready,
)

JSON = {"Accept": "application/sparql-results+json"}


TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and its children, living and reaped."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    own = sum(int(f) for f in fields[11:15]) / TICK  # utime, stime, cutime, cstime
    children = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        children += task.read_text().split()
    return own + sum(cpu_seconds(int(child)) for child in children)


def pid_serving(port: int) -> int:
    """The process whose command line binds `port` (the raw server)."""
    needle = f"{HOST}:{port}".encode()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if needle in (entry / "cmdline").read_bytes():
                    return int(entry.name)
            except OSError:
                continue
    raise RuntimeError(f"no process serves port {port}")


def interleaved(targets: list[tuple[int, str]], rounds: int) -> tuple[list[list[float]], int]:
    """Latencies (ms) of requests going round the servers in turn, and answers not 200."""
    conns = [http.client.HTTPConnection(HOST, port, timeout=60) for port, _ in targets]
    times: list[list[float]] = [[] for _ in targets]
    errors = 0
    try:
        for i in range(rounds + 20):
            for side, (conn, (_, path)) in enumerate(zip(conns, targets, strict=True)):
                started = time.perf_counter()
                conn.request("GET", path, headers=JSON)
                response = conn.getresponse()
                response.read()
                if i >= 20:  # the first ones warm every server up
                    times[side].append((time.perf_counter() - started) * 1000)
                    errors += response.status != 200
    finally:
        for conn in conns:
            conn.close()
    return times, errors


def interleaved_load(targets: dict[str, tuple[int, str]], connections: int, seconds: float,
                     rounds: int) -> dict[str, dict]:
    """N connections on each server in turn, `rounds` slices each, so that load from elsewhere
    on the machine falls on all of them alike; per server its rate over all its slices."""
    runs: dict[str, list[dict]] = {name: [] for name in targets}
    for _ in range(rounds):
        for name, (port, path) in targets.items():
            runs[name].append(run_scenario(port, Scenario(name, [path], JSON), connections,
                                           seconds / rounds))
    figures = {}
    for name, parts in runs.items():
        count = sum(p["requests"] for p in parts)
        elapsed = sum(p["requests"] / p["rps"] for p in parts if p["rps"])
        figures[name] = {"rps": count / elapsed if elapsed else 0.0,
                         "p50": statistics.median(p["p50"] for p in parts),
                         "errors": sum(p["errors"] for p in parts),
                         "spread": "/".join(f"{p['rps']:.0f}" for p in parts)}
    return figures


def start_tree(tree: Path, data: Path, log: IO[bytes]) -> tuple[subprocess.Popen, int]:
    """`bokslut serve` from another checkout (its modules first on the path), and its port."""
    port = free_port()
    command = [sys.executable, "-c", "from web.cli.main import main; main()", "serve",
               "--data", str(data), "--host", HOST, "--port", str(port), "--threads", "8"]
    env = {**os.environ, "PYTHONPATH": str(tree), "HF_HUB_OFFLINE": "1"}
    return subprocess.Popen(command, cwd=tree, env=env, stdout=log, stderr=subprocess.STDOUT), port


def measure(data: Path, rounds: int, seconds: float, connections: int,
            before: Path | None, slice_rounds: int = 5) -> list[str]:
    """Every figure, as printable lines."""
    os.environ.setdefault("BOKSLUT_SPARQL_PER_CLIENT", str(2 * connections))
    query = "?query=" + quote(SPARQL_EXAMPLE.read_text("utf-8"))
    with ExitStack() as stack:
        raw_port = stack.enter_context(raw_server(data))
        servers = {"ours": start_server(data, ours_port := free_port(), 8,
                                        stack.enter_context(tempfile.TemporaryFile()))}
        ports = {"ours": ours_port}
        if before is not None:
            servers["before"], ports["before"] = start_tree(
                before, data, stack.enter_context(tempfile.TemporaryFile()))
        for process in servers.values():
            stack.callback(stop_server, process)
        for name, process in servers.items():
            wait_until_ready(ports[name], process, seconds=900)
        names = [*ports, "raw"]
        targets = [(port, "/sparql" + query) for port in ports.values()]
        interleaved([*targets, (raw_port, "/query" + query)], 30)  # every worker up and warm
        time.sleep(3)  # the spare worker's start (seconds of CPU) must not count
        pids = [*(process.pid for process in servers.values()), pid_serving(raw_port)]
        cpu_before = [cpu_seconds(pid) for pid in pids]
        times, errors = interleaved([*targets, (raw_port, "/query" + query)], rounds)
        cpu_ms = {name: (cpu_seconds(pid) - start) * 1000 / (rounds + 20)
                  for name, pid, start in zip(names, pids, cpu_before, strict=True)}
        p50 = {name: statistics.median(t) for name, t in zip(names, times, strict=True)}
        lines = [f"load average at start {os.getloadavg()[0]:.1f}; {os.cpu_count()} CPUs",
                 f"example 01, 1 connection, requests taking turns, {rounds} each "
                 f"(errors {errors}), p50:"]
        lines += [f"  {name} {p50[name]:.2f} ms = {p50[name] / p50['raw']:.2f}x raw"
                  for name in names]
        lines.append("  CPU per request (server and its query workers, /proc; on a saturated "
                     "machine throughput goes as its inverse):")
        lines += [f"  {name} {cpu_ms[name]:.2f} ms, raw/this = {cpu_ms['raw'] / cpu_ms[name]:.2f}"
                  for name in names]
        slices = interleaved_load({**{n: (port, "/sparql" + query) for n, port in ports.items()},
                                   "raw": (raw_port, "/query" + query)},
                                  connections, seconds, rounds=slice_rounds)
        reference = slices["raw"]["rps"]
        lines.append(f"example 01, {connections} connections, {slice_rounds} rounds of "
                     f"{seconds / slice_rounds:g} s per server taking turns "
                     f"(raw {reference:.0f} req/s):")
        lines += [f"  {name} {slices[name]['rps']:.0f} req/s = "
                  f"{slices[name]['rps'] / reference:.2f}x raw (p50 {slices[name]['p50']:.1f} ms, "
                  f"errors {slices[name]['errors']}; slices {slices[name]['spread']})"
                  for name in ports]
        return lines


def main() -> int:
    """Measure and print (and save) the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="an ingested data directory")
    parser.add_argument("--rounds", type=int, default=400)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--slices", type=int, default=5,
                        help="N-connection runs per server, taking turns (seconds split)")
    parser.add_argument("--before", type=Path, help="another checkout to measure alongside")
    parser.add_argument("--out", type=Path, help="also append the figures to this file")
    args = parser.parse_args()
    if not (args.data / "store" / "current").exists():
        print(f"fel: {args.data} has no store generation; run `bokslut ingest` first")
        return 2
    lines = measure(args.data, args.rounds, args.seconds, args.connections, args.before,
                    args.slices)
    print("\n".join(lines))
    if args.out:
        with args.out.open("a", encoding="utf-8") as out:
            out.write(f"# {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}\n")
            out.write("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
