"""Load test of the production server: `bokslut serve` (waitress) under concurrent clients.

Run: .venv/bin/python benchmarks/load_web.py [--data DIR] [--seconds 30] [--connections 16]

Starts the server over a data directory in a subprocess (ingesting the bundled corpus first
if the directory is empty), then, one scenario at a time, keeps N keep-alive connections busy
on loopback for a fixed time: the JSON search API, the SPARQL endpoint with an example query,
and a mål page. Prints requests/s, p50/p99 latency and errors; exits 1 if any request failed.
Traffic goes only to 127.0.0.1 and every loop stops at its deadline.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
GOAL_PAGE = "/id/strategi/sodertalje-2025-2030/mal/C"
SPARQL_EXAMPLE = ROOT / "ontology" / "queries" / "01-insatser-for-artikel.rq"
MAX_REQUESTS_PER_CONNECTION = 1_000_000  # a hard bound besides the deadline


@dataclass
class Scenario:
    """One kind of request, cycled over a few paths."""

    name: str
    paths: list[str]
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Tally:
    """What the connections of one scenario saw."""

    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def search_queries(n: int = 20) -> list[str]:
    """The first n queries of the search tuning set (varied text, as real users type)."""
    lines = (ROOT / "tests" / "data" / "search_tune.jsonl").read_text("utf-8").splitlines()
    return [json.loads(line)["query"] for line in lines
            if line.strip() and not line.startswith("#")][:n]


def scenarios() -> list[Scenario]:
    """Search API, SPARQL endpoint, mål page."""
    search = [f"/api/search?q={quote(q)}&k=10" for q in search_queries()]
    sparql = ["/sparql?query=" + quote(SPARQL_EXAMPLE.read_text("utf-8"))]
    return [
        Scenario("api/search", search),
        Scenario("sparql", sparql, {"Accept": "application/sparql-results+json"}),
        Scenario("mål-sida", [GOAL_PAGE], {"Accept": "text/html"}),
    ]


def connection_loop(port: int, scenario: Scenario, deadline: float, offset: int,
                    tally: Tally) -> None:
    """Send requests over one keep-alive connection until the deadline."""
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    latencies, errors = [], []
    for i in range(MAX_REQUESTS_PER_CONNECTION):
        if time.monotonic() >= deadline:
            break
        path = scenario.paths[(offset + i) % len(scenario.paths)]
        started = time.perf_counter()
        try:
            conn.request("GET", path, headers=scenario.headers)
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                errors.append(f"{response.status} {path[:80]}")
        except (OSError, http.client.HTTPException) as exc:
            errors.append(f"{type(exc).__name__}: {exc}")
            conn.close()
            conn = http.client.HTTPConnection(HOST, port, timeout=60)
        latencies.append(time.perf_counter() - started)
    conn.close()
    with tally.lock:
        tally.latencies.extend(latencies)
        tally.errors.extend(errors)


def run_scenario(port: int, scenario: Scenario, connections: int, seconds: float) -> dict:
    """Keep `connections` connections busy for `seconds`; the scenario's figures."""
    tally = Tally()
    started = time.monotonic()
    deadline = started + seconds
    workers = [threading.Thread(target=connection_loop,
                                args=(port, scenario, deadline, n, tally), daemon=True)
               for n in range(connections)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=seconds + 120)
    elapsed = time.monotonic() - started
    lat = sorted(tally.latencies)
    return {"name": scenario.name, "requests": len(lat), "rps": len(lat) / elapsed,
            "p50": percentile(lat, 0.50) * 1000, "p99": percentile(lat, 0.99) * 1000,
            "errors": len(tally.errors), "examples": sorted(set(tally.errors))[:3]}


def percentile(values: list[float], q: float) -> float:
    """The q-quantile of sorted values (nearest rank); NaN for none."""
    if not values:
        return float("nan")
    return values[min(len(values) - 1, max(0, round(q * len(values)) - 1))]


def free_port() -> int:
    """A loopback port nothing listens on right now."""
    import socket

    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def wait_until_ready(port: int, process: subprocess.Popen, seconds: float) -> None:
    """Poll /api/health until it answers 200 (the first run may ingest the corpus first)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=5)
            conn.request("GET", "/api/health")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"the server did not become ready within {seconds:g} s")


def start_server(data: Path, port: int, threads: int, log) -> subprocess.Popen:
    """`bokslut serve` (waitress) over the data directory, output to a log file."""
    command = [str(Path(sys.executable).parent / "bokslut"), "serve", "--data", str(data),
               "--host", HOST, "--port", str(port), "--threads", str(threads)]
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    return subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=ROOT)


def stop_server(process: subprocess.Popen) -> None:
    """SIGTERM, then kill if it does not stop."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def print_table(results: list[dict], connections: int, seconds: float, threads: int) -> None:
    """The figures, one line per scenario."""
    print(f"\n{connections} samtidiga anslutningar, {seconds:g} s per scenario, "
          f"waitress med {threads} trådar, {os.cpu_count()} kärnor (klienten delar dem)")
    print(f"{'scenario':<12} {'anrop':>7} {'anrop/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'fel':>5}")
    for r in results:
        print(f"{r['name']:<12} {r['requests']:>7} {r['rps']:>9.1f} {r['p50']:>8.1f} "
              f"{r['p99']:>8.1f} {r['errors']:>5}")
        for example in r["examples"]:
            print(f"    t.ex. {example}")


def main() -> int:
    """Start the server, run each scenario, print the figures; 1 if any request failed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path(os.environ.get("BOKSLUT_DATA", "data")))
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=8, help="waitress worker threads")
    args = parser.parse_args()
    port = free_port()
    with tempfile.TemporaryFile() as log:
        process = start_server(args.data, port, args.threads, log)
        try:
            print(f"startar bokslut serve på {HOST}:{port} över {args.data} …", flush=True)
            wait_until_ready(port, process, seconds=900)
            results = []
            for scenario in scenarios():
                run_scenario(port, scenario, 2, 2.0)  # warm up: model, caches, forks
                results.append(run_scenario(port, scenario, args.connections, args.seconds))
                print(f"  {scenario.name}: klart", flush=True)
        except RuntimeError as exc:
            log.seek(0)
            print(f"fel: {exc}\n{log.read().decode('utf-8', 'replace')[-3000:]}", file=sys.stderr)
            return 1
        finally:
            stop_server(process)
    print_table(results, args.connections, args.seconds, args.threads)
    failed = sum(r["errors"] for r in results)
    print(f"\n{'inga fel' if not failed else f'{failed} fel'}; medel p50 "
          f"{statistics.mean(r['p50'] for r in results):.1f} ms")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
