"""Loading the Swedish lemma table: parsing the packaged gzipped JSON (the reference) against
reading the compact copy kept under the data directory's models/ (search/lemma_store.py).

A/B interleaved in one process, the order turned round each round, CPU seconds
(time.process_time); the lookups are checked identical. Run:
    .venv/bin/python benchmarks/bench_lemma.py > benchmarks/results/bench_lemma.txt
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from search.lemma_store import copy_path, parse, read_lemma_table, source_bytes

ROUNDS = 5


def timed(load) -> tuple[float, dict[str, str]]:
    """CPU seconds of one load, and what it loaded."""
    start = time.process_time()
    table = load()
    return time.process_time() - start, table


def main() -> None:
    """Print each side's median, the ratio and that both tables are the same."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        reference = parse(source_bytes())
        read_lemma_table(folder)  # the copy an earlier ingest wrote
        print(f"copy: {copy_path(folder, source_bytes()).stat().st_size / 1e6:.1f} MB; "
              f"source {len(source_bytes()) / 1e6:.1f} MB gzipped JSON; {len(reference)} forms")
        sides = {"source (json.gz parse)": lambda: parse(source_bytes()),
                 "copy (marshal)": lambda: read_lemma_table(folder)}
        seconds: dict[str, list[float]] = {name: [] for name in sides}
        for round_ in range(ROUNDS):
            names = list(sides) if round_ % 2 == 0 else list(reversed(sides))
            for name in names:
                spent, table = timed(sides[name])
                assert table == reference, name
                seconds[name].append(spent)
        for name, values in seconds.items():
            print(f"{name:24s} median {statistics.median(values):.3f} s CPU  "
                  f"runs {' '.join(f'{v:.3f}' for v in values)}")
        source, copy = (statistics.median(v) for v in seconds.values())
        print(f"ratio copy/source: {copy / source:.2f} (identical tables: yes)")


if __name__ == "__main__":
    main()
