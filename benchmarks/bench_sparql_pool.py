"""Our /sparql (pooled, sandboxed workers) against the raw Oxigraph server on the same data.

Run: .venv/bin/python benchmarks/bench_sparql_pool.py [--seconds 15] [--connections 16]
(output: benchmarks/results/bench_sparql_pool.txt)

Both servers run in this one run over the same store generation: ours under waitress
(16 threads, default pool of 2 workers, per-client cap raised because every benchmark
connection comes from 127.0.0.1), the reference as `oxigraph serve-read-only` (the `oxigraph`
package of the dev extra). Measured on loopback: example query 01 on one connection (p50) and
on N connections (requests/s, errors), `ASK {}` p50; then a cartesian query against the 10 s
deadline while cheap queries keep coming, and a 32 KB hostile query (rdflib needs ~48 s to
parse it) while `ASK {}` and `GET /` are timed.
"""

from __future__ import annotations

import argparse
import http.client
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote, urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load_web import Scenario, free_port, percentile, run_scenario

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
EXAMPLE = (ROOT / "ontology" / "queries" / "01-insatser-for-artikel.rq").read_text("utf-8")
JSON = {"Accept": "application/sparql-results+json"}
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
HOSTILE = "ASK{FILTER(1 IN (" + ",".join(["1"] * 16_000) + "))}"
DEADLINE = 10.0  # the default BOKSLUT_SPARQL_TIMEOUT: it also bounds waiting for a worker


def build_data(folder: Path) -> Path:
    """The bundled corpus ingested with the fake embedder (the graph is the real one)."""
    from search.embedder import FakeEmbedder
    from web.pipeline.ingest import bundled_reports, ingest
    from web.settings import resolve

    ingest(bundled_reports(), folder, resolve({"data": folder})["base_iri"], FakeEmbedder(),
           progress=lambda _: None)
    return folder


def start(command: list[str], env: dict[str, str] | None = None) -> subprocess.Popen:
    """A server process; its output goes to a temporary file, shown if it dies."""
    log = tempfile.TemporaryFile()  # noqa: SIM115 (kept open as long as the process runs)
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
    process.log = log  # type: ignore[attr-defined]
    return process


def get(port: int, path: str, headers: dict[str, str] | None = None,
        timeout: float = 120) -> tuple[int, float]:
    """One request on a fresh connection: (status, seconds)."""
    started = time.perf_counter()
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        response.read()
        return response.status, time.perf_counter() - started
    finally:
        conn.close()


def wait_up(port: int, path: str, process: subprocess.Popen) -> None:
    """Until `path` answers 200 (at most 180 s)."""
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if process.poll() is not None:
            process.log.seek(0)  # type: ignore[attr-defined]
            output = process.log.read().decode("utf-8", "replace")[-2000:]  # type: ignore[attr-defined]
            raise SystemExit(f"fel: {process.args[0]} exited ({process.returncode}): {output}")
        try:
            if get(port, path, JSON, timeout=30)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit("fel: a server did not answer within 180 s")


def p50_ms(port: int, path: str, count: int) -> float:
    """Median latency over `count` sequential requests on one keep-alive connection (after
    ten unmeasured ones)."""
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    times = []
    for _ in range(count + 10):
        started = time.perf_counter()
        conn.request("GET", path, headers=JSON)
        response = conn.getresponse()
        response.read()
        if response.status != 200:
            raise SystemExit(f"fel: {response.status} for {path[:60]}")
        times.append(time.perf_counter() - started)
    conn.close()
    return percentile(sorted(times[10:]), 0.5) * 1000


def while_running(port: int, slow_path: str, cheap: list[str], method: str = "GET",
                  body: str | None = None) -> tuple[int, float, dict[str, list[float]], list[str]]:
    """Send a slow request; meanwhile time cheap ones. (status, seconds, cheap s, errors)."""
    outcome: dict[str, object] = {}

    def slow() -> None:
        started = time.perf_counter()
        conn = http.client.HTTPConnection(HOST, port, timeout=120)
        headers = {**JSON, "Content-Type": "application/x-www-form-urlencoded"} if body else JSON
        conn.request(method, slow_path, body=body, headers=headers)
        response = conn.getresponse()
        response.read()
        outcome.update(status=response.status, seconds=time.perf_counter() - started)
        conn.close()

    thread = threading.Thread(target=slow)
    thread.start()
    time.sleep(0.3)  # the slow request holds a worker now
    cheap_times: dict[str, list[float]] = {path: [] for path in cheap}
    errors: list[str] = []
    while thread.is_alive():
        for path in cheap:
            status, seconds = get(port, path, JSON)
            cheap_times[path].append(seconds)
            if status != 200:
                errors.append(f"{status} {path[:30]}")
        time.sleep(0.05)
    thread.join()
    return int(outcome["status"]), float(outcome["seconds"]), cheap_times, errors


def spread(times: list[float]) -> str:
    """'n× (p50 a ms, max b ms)' for a list of seconds."""
    ordered = sorted(times)
    return (f"{len(ordered)}× (p50 {percentile(ordered, 0.5) * 1000:.0f} ms, "
            f"max {max(ordered, default=0) * 1000:.0f} ms)")


def measure(args: argparse.Namespace, data: Path) -> list[str]:
    """Every figure, as printable lines."""
    from graph.store import current_generation
    from web.pipeline.ingest import store_dir

    ours_port, raw_port = free_port(), free_port()
    env = {**os.environ, "BOKSLUT_DATA": str(data), "BOKSLUT_SPARQL_TIMEOUT": str(DEADLINE),
           "BOKSLUT_SPARQL_PER_CLIENT": "64", "BOKSLUT_SPARQL_QUEUE": "64"}
    ours = start([sys.executable, "-m", "waitress", f"--listen={HOST}:{ours_port}",
                  "--threads=16", "--call", "web.app:create_app"], env)
    raw = start([str(Path(sys.executable).with_name("oxigraph")), "serve-read-only",
                 "--location", str(current_generation(store_dir(data))),
                 "--bind", f"{HOST}:{raw_port}"])
    ours_path = "/sparql?" + urlencode({"query": EXAMPLE})
    raw_path = "/query?" + urlencode({"query": EXAMPLE})
    try:
        wait_up(ours_port, ours_path, ours)
        wait_up(raw_port, raw_path, raw)
        lines = [f"load average at start {os.getloadavg()[0]:.1f}; {os.cpu_count()} CPUs"]
        ours_p50 = p50_ms(ours_port, ours_path, args.requests)
        raw_p50 = p50_ms(raw_port, raw_path, args.requests)
        ask_p50 = p50_ms(ours_port, "/sparql?query=" + quote("ASK {}"), args.requests)
        lines += ["what | ours | raw oxigraph | ratio",
                  f"example 01, 1 connection, p50 ms | {ours_p50:.1f} | {raw_p50:.1f} | "
                  f"{ours_p50 / raw_p50:.2f}× (target ≤ 3×)",
                  f"ASK {{}}, 1 connection, p50 ms | {ask_p50:.1f} | – | –"]
        n = args.connections
        ours_load = run_scenario(ours_port, Scenario("ours", [ours_path], JSON), n, args.seconds)
        raw_load = run_scenario(raw_port, Scenario("raw", [raw_path], JSON), n, args.seconds)
        lines.append(f"example 01, {n} connections, req/s | {ours_load['rps']:.0f} | "
                     f"{raw_load['rps']:.0f} | {ours_load['rps'] / raw_load['rps']:.2f}× "
                     f"(target ≥ 0.3×)")
        lines.append(f"  errors | {ours_load['errors']} | {raw_load['errors']} | "
                     f"{ours_load['examples'] or ''}")
        lines.append(f"  p50 / p99 ms | {ours_load['p50']:.1f} / {ours_load['p99']:.1f} | "
                     f"{raw_load['p50']:.1f} / {raw_load['p99']:.1f} |")
        cheap = ["/sparql?query=" + quote("ASK {}")]
        # right after the hostile query's deadline kill: a spare worker takes its place
        status, seconds, times, errors = while_running(
            ours_port, "/sparql", [*cheap, "/"], "POST", urlencode({"query": HOSTILE}))
        lines.append(f"32 KB hostile ASK: {status} after {seconds:.2f} s; meanwhile "
                     f"{spread(times[cheap[0]])} ASK {{}}, {spread(times['/'])} GET / "
                     f"(target < 1000 ms), errors: {errors or 0}")
        status, seconds, times, errors = while_running(
            ours_port, "/sparql?" + urlencode({"query": CARTESIAN}), cheap)
        lines.append(f"cartesian with a {DEADLINE:g} s deadline: {status} after {seconds:.2f} s "
                     f"(target 503 within {DEADLINE + 1:g} s); meanwhile "
                     f"{spread(times[cheap[0]])} ASK {{}}, errors: {errors or 0}")
        return lines
    finally:
        for process in (ours, raw):
            process.terminate()
            process.wait(timeout=30)


def main() -> None:
    """Build the data, measure both servers, print and save the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-sparql-") as folder:
        lines = measure(args, build_data(Path(folder)))
    text = "\n".join(lines) + "\n"
    print(text, end="")
    out = ROOT / "benchmarks" / "results" / "bench_sparql_pool.txt"
    out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
