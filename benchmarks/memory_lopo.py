"""Leave-one-part-out over the pool for the memory's and the adapter's settings (round 20).

For each pool part P the adapter and the judged-query memory are built from the judged
queries of the other parts (search/adapter_queries.jsonl without P's rows) and P's queries
are searched by the real HybridSearcher (hybrid nDCG@10). Only the encoder's answers are
cached (a query's vectors never depend on the settings). The protocol and the figures:
benchmarks/results/eval_round20_memory.txt. Read-only on the data directory. Run:
    python benchmarks/memory_lopo.py {check,baseline,grid,ridge,latency} [--data DIR]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from search import query_adapter, query_memory
from search.embedder import Embedder, for_indexing
from search.engine import embedder_for
from search.evaluate import DevQuery, load_dev_set, ndcg_at_k
from search.hybrid import HybridSearcher
from search.index_store import SearchIndex
from search.query_adapter import QUERIES, JudgedQuery, QueryAdapter, load_judged
from search.query_memory import QueryMemory
from search.shipped_vectors import export_of, load_shipped
from web.cli.common import settings
from web.cli.search import REPORTED_PARTS, default_dev_sets
from web.pipeline.layout import index_dir

OUT = Path("/tmp/mm20work")
BASE = (1.0, 0.90, 0.5, 8, 20)  # ridge, floor, weight, neighbours, depth: round 19 shipped these
FLOORS, WEIGHTS, NEIGHBOURS, DEPTHS = (0.85, 0.88, 0.90), (0.5, 0.75, 1.0), (8, 16), (20, 40)
Point = tuple[float, float, float, int, int]


def name(point: Point) -> str:
    """A grid point as text."""
    return "R{} F{} W{} N{} D{}".format(*point)


def pool() -> dict[str, list[DevQuery]]:
    """The pool parts' queries: every bundled part but the reported ones (never opened)."""
    return {part: load_dev_set(path) for part, path in default_dev_sets().items()
            if part not in REPORTED_PARTS}


def judged_parts() -> list[str]:
    """The part of each row of the judged file, in load_judged's order."""
    return [json.loads(line)["part"] for line in QUERIES.read_text("utf-8").splitlines()
            if line.strip() and not line.lstrip().startswith("#")]


class CachedEmbedder:
    """The searcher's embedder, answering a batch it has seen from memory."""

    def __init__(self, inner: Embedder) -> None:
        self.inner, self.seen = inner, dict[tuple[str, ...], np.ndarray]()
        self.name, self.dimension, self.fingerprint = inner.name, inner.dimension, \
            inner.fingerprint

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        """The inner embedder's rows for this batch, computed once."""
        key = tuple(texts)
        if key not in self.seen:
            self.seen[key] = self.inner.embed_queries(texts)
        return self.seen[key]


class Lopo:
    """One index, its searcher and the judged queries, rebuilt per left-out part."""

    def __init__(self, data: Path, cached: bool = True) -> None:
        cfg = settings(data=data)
        embedder = embedder_for(cfg["embed_model"], str(cfg["data"]))
        self.index = SearchIndex.load(index_dir(Path(cfg["data"])), embedder)
        self.shipped = (self.index.adapter, self.index.memory)
        self.encoder = CachedEmbedder(embedder) if cached else embedder
        self.searcher = HybridSearcher(self.index, self.encoder)
        self.searcher.prepare()
        # the judged texts' vectors as ingest reads them: shipped, then kept, then embedded
        known = {**load_shipped(cfg["data"], embedder.fingerprint, print,
                                export_of(embedder)).get("query", {}),
                 **(self.index.texts.known("query", embedder.fingerprint)
                    if self.index.texts else {})}
        self.known, self.indexing = known, embedder
        self.vectors = self.index.dense.index.reconstruct_n(0, len(self.index.dense))
        self.judged, self.parts = load_judged(), judged_parts()
        self.kept = self.index.texts.known("passage", self.index.manifest["model"]) \
            if self.index.texts else {}

    def embed(self, texts: list[str]) -> np.ndarray:
        """Query vectors of judged texts (the shipped ones first, as ingest)."""
        missing = [t for t in dict.fromkeys(texts) if t not in self.known]
        if missing:
            self.known.update(zip(missing, for_indexing(self.indexing).embed_queries(missing),
                                  strict=True))
        return np.stack([self.known[t] for t in texts])

    def build(self, leave_out: str | None, ridge: float) -> tuple[QueryAdapter, QueryMemory]:
        """The adapter (at `ridge`) and memory of the judged queries without one part."""
        judged: list[JudgedQuery] = [q for q, part in zip(self.judged, self.parts, strict=True)
                                     if part != leave_out]
        fit = query_adapter.fit_ridge
        query_adapter.fit_ridge = lambda q, p, ridge=ridge: fit(q, p, ridge)
        try:
            adapter = QueryAdapter.fit(self.index.passages, self.vectors, self.embed, judged)
        finally:
            query_adapter.fit_ridge = fit
        memory = QueryMemory.build(self.index.passages, self.embed, judged)
        assert adapter is not None and memory is not None
        return adapter, memory

    def use(self, adapter: QueryAdapter, memory: QueryMemory) -> None:
        """Search with this adapter and memory (as a searcher opened on such an index)."""
        self.index.adapter, self.index.memory = adapter, memory
        self.searcher.adapter, self.searcher.memory = adapter, memory
        self.searcher.folded = self.index.folded(self.kept)

    def score(self, queries: list[DevQuery], memory: QueryMemory,
              point: Point) -> list[tuple[float, bool]]:
        """(nDCG@10, refused) per query at one point (the adapter already in use)."""
        _, floor, weight, neighbours, depth = point
        self.searcher.memory = dataclasses.replace(memory, floor=floor, neighbours=neighbours)
        self.searcher.memory_weight = weight
        with candidate_depth(depth):
            out = []
            for q in queries:
                page = self.searcher.search_page(q.query, 10, "hybrid")
                out.append((ndcg_at_k([h.passage["id"] for h in page.hits], q.relevant, 10),
                            page.off_topic))
        return out


@contextmanager
def candidate_depth(depth: int) -> Iterator[None]:
    """search.query_memory.CANDIDATE_DEPTH set to `depth` for a while."""
    old, query_memory.CANDIDATE_DEPTH = query_memory.CANDIDATE_DEPTH, depth
    try:
        yield
    finally:
        query_memory.CANDIDATE_DEPTH = old


def run(lopo: Lopo, points: list[Point], target: Path) -> None:
    """Every point's per-query LOPO scores, part by part, into `target` (resumable)."""
    done = json.loads(target.read_text()) if target.exists() else {}
    for part, queries in pool().items():
        todo = [p for p in points if part not in done.get(name(p), {})]
        for ridge in sorted({p[0] for p in todo}, reverse=True):
            adapter, memory = lopo.build(part, ridge)
            lopo.use(adapter, memory)
            for point in (p for p in todo if p[0] == ridge):
                rows = lopo.score(queries, memory, point)
                done.setdefault(name(point), {})[part] = [
                    [q.id, q.type, s, r] for q, (s, r) in zip(queries, rows, strict=True)]
        target.write_text(json.dumps(done))
        print(time.strftime("%H:%M:%S"), part, {name(p): round(float(np.mean(
            [r[2] for r in done[name(p)][part]])), 4) for p in points[:3]}, flush=True)


def check(lopo: Lopo) -> None:
    """The harness against the real thing: shipped files rebuilt, one part ranked alike."""
    adapter, memory = lopo.build(None, 1.0)
    shipped_adapter, shipped_memory = lopo.shipped
    assert shipped_adapter is not None and shipped_memory is not None
    print("adapter max |diff|", float(np.abs(adapter.matrix - shipped_adapter.matrix).max()),
          "source equal", adapter.source == shipped_adapter.source)
    print("memory vectors max |diff|",
          float(np.abs(memory.vectors - shipped_memory.vectors).max()),
          "judged equal", memory.judged == shipped_memory.judged,
          "twins equal", memory.twins == shipped_memory.twins,
          "indicators equal", memory.indicators == shipped_memory.indicators)
    part, queries = "held-out 7", pool()["held-out 7"]
    adapter, memory = lopo.build(part, 1.0)
    lopo.use(adapter, memory)
    harness = [[h.passage["id"] for h in lopo.searcher.search(q.query, 10)] for q in queries]
    cached = lopo.score(queries, memory, BASE)  # second pass: the cache answers
    again = [[h.passage["id"] for h in lopo.searcher.search(q.query, 10)] for q in queries]
    fresh = HybridSearcher(lopo.index, lopo.encoder.inner)  # a searcher opened on that index
    real = [[h.passage["id"] for h in fresh.search(q.query, 10)] for q in queries]
    scores = [ndcg_at_k(ids, q.relevant, 10) for ids, q in zip(real, queries, strict=True)]
    print(part, "fresh searcher == harness:", real == harness == again,
          "nDCG", round(float(np.mean(scores)), 6), "harness", round(float(np.mean(
              [s for s, _ in cached])), 6))


def best_of_rounds(arms: dict[str, Callable[[], object]], n: int, rounds: int) -> dict[str, float]:
    """Each arm's best ms per query over `rounds` rounds, the arms in turn (an arm asks its n
    queries once); every round printed."""
    best: dict[str, float] = {}
    for r in range(rounds):
        for label, ask_all in arms.items():
            start = time.perf_counter()
            ask_all()
            ms = (time.perf_counter() - start) * 1000 / n
            best[label] = min(ms, best.get(label, ms))
            print(f"round {r + 1} {label}: {ms:.3f} ms/query", flush=True)
    return best


def latency(lopo: Lopo, chosen: Point, n: int = 300, rounds: int = 3) -> None:
    """ms per query, baseline and chosen (full builds), alternating; each arm's best round."""
    queries = random.Random(20).sample([q for qs in pool().values() for q in qs], n)
    arms = {}
    for point in (BASE, chosen):
        adapter, memory = lopo.build(None, point[0])
        arms[point] = (adapter, dataclasses.replace(memory, floor=point[1],
                                                    neighbours=point[3]))
    for q in queries[:20]:  # warm
        lopo.searcher.search(q.query, 10)
    best: dict[Point, float] = {}
    for r in range(rounds):
        for point, (adapter, memory) in arms.items():
            lopo.use(adapter, memory)
            lopo.searcher.memory = memory
            lopo.searcher.memory_weight = point[2]
            with candidate_depth(point[4]):
                t = time.perf_counter()
                for q in queries:
                    lopo.searcher.search(q.query, 10)
                ms = (time.perf_counter() - t) * 1000 / n
            best[point] = min(ms, best.get(point, ms))
            print(f"round {r + 1} {name(point)}: {ms:.3f} ms/query", flush=True)
    print(f"best: base {best[BASE]:.3f} chosen {best[chosen]:.3f} "
          f"diff {best[chosen] - best[BASE]:+.3f} ms/query")


def main() -> None:
    """Run one step of the protocol."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("step", choices=("check", "baseline", "grid", "ridge", "latency"))
    ap.add_argument("--data", type=Path, default=Path("/work/main/data"))
    ap.add_argument("--point", default="", help="ridge,floor,weight,neighbours,depth")
    ap.add_argument("--uncached", action="store_true", help="latency: the real encoder")
    args = ap.parse_args()
    lopo = Lopo(args.data, cached=not (args.step == "latency" and args.uncached))
    OUT.mkdir(exist_ok=True)
    given = tuple(json.loads(f"[{args.point}]")) if args.point else None
    if args.step == "check":
        check(lopo)
    elif args.step == "baseline":
        run(lopo, [BASE], OUT / "baseline.json")
    elif args.step == "grid":
        run(lopo, [(1.0, f, w, k, d) for f in FLOORS for w in WEIGHTS for k in NEIGHBOURS
                   for d in DEPTHS], OUT / "grid.json")
    elif args.step == "ridge":
        assert given is not None
        run(lopo, [given], OUT / "ridge.json")
    else:
        assert given is not None
        latency(lopo, given)


if __name__ == "__main__":
    main()
