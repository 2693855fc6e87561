"""How long after its deadline a runaway SPARQL query is answered, at three levels.

Run: .venv/bin/python benchmarks/bench_deadlines.py [--repeats 3]  (output: benchmarks/results/)

The tests check that a runaway query ends in a timeout error (never an empty result); how
fast that happens depends on the machine, so it is measured here instead of asserted:
`run_query` with a 2 s budget, the editor page in the Flask test client with 1 s, and the
SPARQL endpoint of a real waitress server with 2 s. Each figure is set beside a trivial
query on the same path in the same run (the fixed overhead) and as a ratio to its budget.
The data directory is the bundled corpus with the fake embedder (no model is loaded).
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path

from graph.safe_query import Limits, QueryError, run_query
from search.embedder import FakeEmbedder
from web.app import create_app
from web.pipeline.ingest import bundled_reports, ingest, store_dir
from web.settings import resolve

ROOT = Path(__file__).resolve().parents[1]
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
TRIVIAL = "ASK { ?s ?p ?o }"


def median_seconds(action: Callable[[], object], repeats: int) -> float:
    """Median wall-clock seconds of `action` over `repeats` runs."""
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def expect_error(action: Callable[[], object]) -> Callable[[], None]:
    """Wrap an action that must fail with a query error or an HTTP error status."""
    def run() -> None:
        try:
            action()
        except (QueryError, urllib.error.HTTPError):
            return
        raise SystemExit("fel: the runaway query was answered instead of stopped")
    return run


def in_process(data: Path, repeats: int) -> tuple[float, float, float]:
    """run_query with a 2 s budget: (budget, runaway, trivial)."""
    store, budget = store_dir(data), 2.0
    runaway = expect_error(lambda: run_query(store, RUNAWAY, limits=Limits(timeout=budget)))
    trivial = median_seconds(lambda: run_query(store, TRIVIAL), repeats)
    return budget, median_seconds(runaway, repeats), trivial


def test_client(data: Path, repeats: int) -> tuple[float, float, float]:
    """The editor page in Flask's test client with a 1 s budget: (budget, runaway, trivial)."""
    client = create_app({"data": data, "testing": True, "sparql_timeout": 1},
                        embedder=FakeEmbedder()).test_client()

    def page(query: str) -> int:
        return client.get("/sparql", query_string={"query": query},
                          headers={"Accept": "text/html"}).status_code

    def runaway() -> None:
        status = page(RUNAWAY)
        if status != 503:
            raise SystemExit(f"fel: the editor answered {status}, not 503")
    return 1.0, median_seconds(runaway, repeats), median_seconds(lambda: page(TRIVIAL), repeats)


def live_server(data: Path, repeats: int) -> tuple[float, float, float]:
    """A waitress server with a 2 s budget, over loopback: (budget, runaway, trivial)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "BOKSLUT_DATA": str(data), "BOKSLUT_SPARQL_TIMEOUT": "2"}
    server = subprocess.Popen([sys.executable, "-m", "waitress", f"--listen=127.0.0.1:{port}",
                               "--call", "web.app:create_app"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}/sparql?"

    def get(query: str) -> None:
        request = urllib.request.Request(base + urllib.parse.urlencode({"query": query}),
                                         headers={"Accept": "application/sparql-results+json"})
        with urllib.request.urlopen(request, timeout=60) as answer:
            answer.read()
    try:
        wait_until_up(lambda: get(TRIVIAL), server)
        return (2.0, median_seconds(expect_error(lambda: get(RUNAWAY)), repeats),
                median_seconds(lambda: get(TRIVIAL), repeats))
    finally:
        server.terminate()
        server.wait(timeout=30)


def wait_until_up(probe: Callable[[], None], server: subprocess.Popen) -> None:
    """Retry the probe until the server answers (at most 120 s)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"fel: the server exited ({server.returncode})")
        try:
            probe()
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("fel: the server did not answer within 120 s")


def main() -> None:
    """Build the data directory, measure the three levels, print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-deadlines-") as folder:
        data = Path(folder)
        ingest(bundled_reports(), data, resolve({"data": data})["base_iri"], FakeEmbedder(),
               progress=lambda _: None)
        print(f"median of {args.repeats}; load average {os.getloadavg()[0]:.1f}")
        print("level | budget s | runaway answered s | over budget s | ratio | trivial query s")
        for name, level in (("run_query", in_process), ("editor page (test client)", test_client),
                            ("waitress /sparql", live_server)):
            budget, runaway, trivial = level(data, args.repeats)
            print(f"{name} | {budget:g} | {runaway:.2f} | {runaway - budget:+.2f} | "
                  f"{runaway / budget:.2f} | {trivial:.3f}")


if __name__ == "__main__":
    main()
