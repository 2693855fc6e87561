"""The embedded store against an Oxigraph server (BOKSLUT_STORE) on the same data.

Run: .venv/bin/python benchmarks/bench_store_backends.py
Builds a data directory from the bundled reports (fake embedder: only the graph matters),
starts `oxigraph serve` on loopback, publishes the live generation to it, then times every
example query on both backends, trusted (in-process / one HTTP request) and untrusted (guard
on a sandboxed worker, then the engine), and one whole publish. Prints medians and ratios.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from graph import StoreLocation, load_examples, open_reader, push_live
from search.embedder import FakeEmbedder
from tests.remote_server import oxigraph_server
from web.pipeline.ingest import bundled_reports, ingest, store_dir

RUNS = 5


def median_ms(work: Callable[[], object], runs: int = RUNS) -> float:
    """Median wall time of `work` in milliseconds (one warm-up run first)."""
    work()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    """Time both backends on the example queries and print a table."""
    root = Path(tempfile.mkdtemp(prefix="bench-backends-"))
    data = root / "data"
    ingest(bundled_reports(), data, "https://w3id.org/bokslut/id/", FakeEmbedder(),
           progress=lambda _: None)
    with oxigraph_server(root / "server") as url:
        embedded = open_reader(StoreLocation(store_dir(data)))
        remote_location = StoreLocation(store_dir(data), url)
        publish = median_ms(lambda: push_live(remote_location), runs=3)
        remote = open_reader(remote_location)
        print(f"publish the whole generation to the server: {publish:.0f} ms (median of 3)")
        print(f"{'query':<42} {'emb. trusted':>12} {'srv trusted':>12} {'ratio':>6} "
              f"{'emb. guarded':>12} {'srv guarded':>12} {'ratio':>6}")
        ratios_t, ratios_u = [], []
        for ex in load_examples():
            t_emb = median_ms(lambda q=ex.text: embedded.query(q))
            t_srv = median_ms(lambda q=ex.text: remote.query(q))
            u_emb = median_ms(lambda q=ex.text: embedded.run(q))
            u_srv = median_ms(lambda q=ex.text: remote.run(q))
            ratios_t.append(t_srv / t_emb)
            ratios_u.append(u_srv / u_emb)
            print(f"{ex.name[:42]:<42} {t_emb:>10.1f}ms {t_srv:>10.1f}ms {t_srv / t_emb:>6.1f} "
                  f"{u_emb:>10.1f}ms {u_srv:>10.1f}ms {u_srv / u_emb:>6.1f}")
        print(f"median ratio server/embedded: trusted {statistics.median(ratios_t):.1f}x, "
              f"guarded {statistics.median(ratios_u):.1f}x")


if __name__ == "__main__":
    main()
