"""One int8 encoder for index and queries against fp32: the adoption check of issue 12.

Run: .venv/bin/python benchmarks/bench_int8_index.py --work /tmp/int8 [--recipes A B ...]
     [--out benchmarks/results/bench_int8_index.txt]

Each candidate (fp32 first, then the recipes) ingests the bundled corpus afresh into its own
data directory under --work (`bokslut ingest` with BOKSLUT_ENCODER_PRECISION; the built model
and export are linked from this checkout's data/models, no shipped-text vectors), so its
passages, gate banks, article queries and sentences are all embedded with that encoder. Then,
against fp32: (a) least cosine of every judged query's vector; (b) hybrid and dense nDCG@10
per part and query-weighted over all parts; (c) off-topic strings with hits and judged queries
whose relevant hits the gate refuses; (d) benchmarks/rights_eval.py on the directory. Timing is
not measured here (the A/B runs are bench_ingest.py and bench_query_encoder.py).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from search.embedder import resolve_model
from search.engine import open_searcher
from search.eval_report import run_part
from search.evaluate import load_dev_set
from search.onnx_loading import load_embedder
from web.pipeline.layout import index_home

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
RECIPES = ("int8-pc-rr", "int8-pc-rr-ffn", "int8-pc-u8", "int8-pc-rr-ends")


def dev_sets() -> dict[str, Path]:
    """Every judged search part in tests/data, fixed when the run starts."""
    return {p.stem.removeprefix("search_"): p for p in sorted(DATA.glob("search_*.jsonl"))}


def offtopic_strings() -> dict[str, list[str]]:
    """Nonsense and out-of-domain strings of the quality test, and every off-topic file."""
    sys.path.insert(0, str(ROOT))
    from tests.test_search_quality import NONSENSE, OUT_OF_DOMAIN

    out = {"nonsense": NONSENSE, "out-of-domain (test)": OUT_OF_DOMAIN}
    for path in sorted(DATA.glob("search_offtopic_*.txt")):
        out[path.name] = [line.strip() for line in path.read_text("utf-8").splitlines()
                          if line.strip() and not line.startswith("#")]
    return out


def ingest(name: str, work: Path) -> tuple[Path, float]:
    """A fresh data directory for one candidate, ingested with it; (directory, wall s)."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from bench_ingest import fresh_data

    data = fresh_data(work, name)
    env = {**os.environ, "BOKSLUT_ENCODER_PRECISION": name}
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "from web.cli.main import main; main()", "ingest",
                    "--data", str(data)], cwd=ROOT, env=env, check=True, capture_output=True)
    return data, time.perf_counter() - started


def rights(data: Path) -> str:
    """benchmarks/rights_eval.py's summary lines on one data directory's encoder."""
    env = {**os.environ, "BOKSLUT_DATA": str(data)}
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "rights_eval.py"),
                           "--no-timing"], cwd=ROOT, env=env, check=True, capture_output=True,
                          text=True)
    (data / "rights_eval.txt").write_text(done.stdout, "utf-8")
    return "\n".join(line for line in done.stdout.splitlines()
                     if re.match(r"\s*(mean|Model|all|fitted)", line))


class Candidate:
    """One ingested data directory, its searcher and what it answers."""

    def __init__(self, name: str, data: Path) -> None:
        self.name, self.data = name, data
        self.embedder = load_embedder(resolve_model("multilingual-e5-small", data), data)
        self.searcher = open_searcher(index_home(data), self.embedder)

    def scores(self, queries) -> dict[str, float]:
        """hybrid and dense nDCG@10 of one part."""
        def rank(query: str, n: int, mode: str) -> list[str]:
            if mode not in ("hybrid", "dense"):
                return []
            return [h.passage["id"] for h in self.searcher.search(query, n, mode)]

        result = run_part(rank, queries, 10)
        return {mode: result[mode]["ndcg"] for mode in ("hybrid", "dense")}

    def vectors(self, texts: list[str]) -> np.ndarray:
        """Query vectors one at a time, as search embeds them."""
        return np.vstack([self.embedder.embed_queries([t]) for t in texts])

    def refused(self, text: str) -> bool:
        """True when the domain gate says the query is about nothing the reports cover."""
        return self.searcher.search_page(text, 10).off_topic

    def has_hits(self, text: str) -> bool:
        """True when hybrid search returns any hit."""
        return bool(self.searcher.search(text, 10))


def compare(ref: Candidate, other: Candidate, sets: dict, strings: dict) -> list[str]:
    """The table rows of one candidate against fp32 (ref compared with itself gives deltas 0)."""
    lines = [f"## {other.name}: {other.embedder.fingerprint} "
             f"({type(other.embedder).__name__}, {getattr(other.embedder, 'precision', '?')})"]
    totals = {"hybrid": [0.0, 0.0], "dense": [0.0, 0.0]}
    n_all, least = 0, 1.0
    lost: list[str] = []
    for part, queries in sets.items():
        a, b = ref.scores(queries), other.scores(queries)
        texts = [q.query for q in queries]
        cos = float(np.min(np.sum(ref.vectors(texts) * other.vectors(texts), axis=1)))
        least = min(least, cos)
        for mode in totals:
            totals[mode][0] += a[mode] * len(queries)
            totals[mode][1] += b[mode] * len(queries)
        n_all += len(queries)
        lines.append(f"  {part:<10} n={len(queries):>3}  hybrid {a['hybrid']:.3f} -> "
                     f"{b['hybrid']:.3f} ({b['hybrid'] - a['hybrid']:+.3f})  dense "
                     f"{a['dense']:.3f} -> {b['dense']:.3f} ({b['dense'] - a['dense']:+.3f})  "
                     f"min query cosine {cos:.4f}")
        for q in queries:
            if other.refused(q.query) and not ref.refused(q.query):
                kept = {h.passage["id"] for h in ref.searcher.search(q.query, 10)} & set(q.relevant)
                if kept:
                    lost.append(f"{part}:{q.id}")
    h = [t / n_all for t in totals["hybrid"]]
    d = [t / n_all for t in totals["dense"]]
    lines.append(f"  ALL        n={n_all:>3}  hybrid {h[0]:.4f} -> {h[1]:.4f} ({h[1] - h[0]:+.4f})"
                 f"  dense {d[0]:.4f} -> {d[1]:.4f} ({d[1] - d[0]:+.4f})  min query cosine "
                 f"{least:.4f}")
    hits = {name: (sum(ref.has_hits(t) for t in texts), sum(other.has_hits(t) for t in texts),
                   len(texts)) for name, texts in strings.items()}
    lines.append("  off-topic with hits (fp32 -> this): " + "; ".join(
        f"{name} {a}->{b} of {n}" for name, (a, b, n) in hits.items())
        + f"; total {sum(v[0] for v in hits.values())} -> {sum(v[1] for v in hits.values())}")
    lines.append(f"  judged queries refused by this gate with relevant hits fp32 kept: "
                 f"{len(lost)} {lost}")
    return lines


def main() -> None:
    """Ingest each candidate, then compare every one with fp32 and print the table."""
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--recipes", nargs="*", default=list(RECIPES))
    parser.add_argument("--skip-ingest", action="store_true", help="reuse --work's directories")
    parser.add_argument("--no-rights", action="store_true")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    names = ["fp32", *args.recipes]
    sets = {part: load_dev_set(path) for part, path in dev_sets().items()}
    strings = offtopic_strings()
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, text=True,
                          capture_output=True).stdout.strip()
    lines = [f"# {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, git {head}, "
             f"parts {list(sets)}, load {os.getloadavg()[0]:.1f}"]
    for name in names:
        if not args.skip_ingest:
            _, wall = ingest(name, args.work)
            lines.append(f"ingest {name}: {wall:.1f} s wall (strict, one after the other)")
            print(lines[-1], flush=True)
    candidates = {name: Candidate(name, args.work / name) for name in names}
    for name in names:
        lines += compare(candidates["fp32"], candidates[name], sets, strings)
        print("\n".join(lines[-(len(sets) + 4):]), flush=True)
    if not args.no_rights:
        for name in names:
            lines += [f"## rights_eval {name}", rights(args.work / name)]
            print("\n".join(lines[-2:]), flush=True)
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        args.out.write_text(text, "utf-8")


if __name__ == "__main__":
    main()
