"""Where a hybrid search's time goes, stage by stage, as bench_engine's hybrid row measures it.

Run: .venv/bin/python benchmarks/bench_search_stages.py --data DIR [--rounds 3]

One process opens the data directory's live index with the serving encoder (embedder_for,
as bench_engine does), prepares the searcher and warms it on the dev queries (every mode,
as bench_engine's first_search). Then each 20-token question is searched once in hybrid mode
with timers wrapped around the stages (exclusive time: a stage nested in another is taken
out of its parent): the tokenizer, the ONNX Runtime run, pooling, the rest of the encoder
call, faiss, the sentence signal, BM25's analysis and its scoring, the lexical match, the
gate, the rights signal, fusion and the snippets (collect's own analysis of the query, for
the snippets' terms, apart from BM25's). Each round starts a fresh searcher on the same
index, so no question meets itself in the index's caches (the analyzer's resolutions, the
compound splits); the module-level caches of words and short texts (search.textnorm's
_short_words, fold and variants, search.rights_signal._word_terms) are not cleared and
survive between rounds, so from the second round on a question's words are found there, as
in bench_engine's repeated searches. Prints per-stage p50 and mean (ms) and the total. The
query's lexical work runs in the caller's thread, after the encoder (the searcher's overlap
off), so the stages add up to the search. Asserts nothing (the machine is
shared); the timers cost about 1 µs a stage.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from search.embedder import Embedder
    from search.hybrid import HybridSearcher

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))


class Stages:
    """Exclusive wall time per stage label, for the current search."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = defaultdict(float)
        self._stack: list[list[float]] = []  # per open stage: [started, time in children]
        self._inside_inclusive = 0  # open stages that take the time of what they call

    def wrap(self, call: Callable, label: str, inclusive: bool = False) -> Callable:
        """`call`, timed under `label`; `inclusive`: the stages it calls count as its own."""
        def timed(*args: Any, **kwargs: Any) -> Any:
            if self._inside_inclusive:
                return call(*args, **kwargs)
            frame = [time.perf_counter(), 0.0]
            self._stack.append(frame)
            self._inside_inclusive += inclusive
            try:
                return call(*args, **kwargs)
            finally:
                self._inside_inclusive -= inclusive
                self._stack.pop()
                whole = time.perf_counter() - frame[0]
                self.spent[label] += whole - frame[1]
                if self._stack:
                    self._stack[-1][1] += whole
        return timed

    def patch(self, owner: Any, name: str, label: str, inclusive: bool = False) -> None:
        """Replace owner.name by its timed self (instance or module attribute)."""
        setattr(owner, name, self.wrap(getattr(owner, name), label, inclusive))


class _Proxy:
    """An object whose named methods are timed, everything else passed through."""

    def __init__(self, inner: Any, stages: Stages, methods: dict[str, str]) -> None:
        self._inner = inner
        for name, label in methods.items():
            setattr(self, name, stages.wrap(getattr(inner, name), label))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def instrument(searcher: HybridSearcher, stages: Stages) -> None:
    """Wrap the searcher's stages (its own objects; modules' functions it calls by name)."""
    import search.hybrid as hybrid
    import search.onnx_encoder as onnx_encoder

    embedder, index = searcher.embedder, searcher.index
    searcher.overlap = False  # one thread: the timers' stack is the caller's
    embedder.tokenizer = _Proxy(embedder.tokenizer, stages, {"encode_batch": "tokenizer",
                                                            "encode": "tokenizer"})
    for kind, session in list(embedder._sessions.items()):
        embedder._sessions[kind] = _Proxy(session, stages, {"run": "ort run"})
    stages.patch(onnx_encoder, "mean_pool", "pooling")
    stages.patch(embedder, "embed_queries", "encoder, rest")
    stages.patch(searcher.repair, "repaired", "query repair")
    stages.patch(index.dense, "search", "faiss")
    if searcher.sentences is not None:
        stages.patch(searcher.sentences, "mixed", "sentence signal")
    analyzer = index.bm25.analyzer
    stages.patch(analyzer, "query_groups", "bm25 analysis")
    # collect() analyses the query again for the snippets' terms (cached query_groups inside)
    stages.patch(analyzer, "analyze_query", "collect: query terms", inclusive=True)
    stages.patch(index.bm25, "search", "bm25 scoring")
    stages.patch(searcher, "lexical_match", "lexical match")
    stages.patch(searcher, "in_domain", "gate")
    stages.patch(searcher, "coverage", "coverage")
    if index.rights is not None:
        stages.patch(index.rights, "scores", "rights signal")
        stages.patch(index.rights, "said", "rights signal")
    stages.patch(searcher, "rows", "rights signal")
    stages.patch(hybrid.section_signal, "asks_development", "development cue")
    stages.patch(searcher, "fuse", "fusion")
    stages.patch(hybrid, "snippet", "snippets")
    stages.patch(searcher, "collect", "collect (rest)")
    stages.patch(searcher, "search_page", "search (rest)")


def fresh_searcher(data: Path, embedder: Embedder) -> HybridSearcher:
    """A prepared searcher over the live index, as a server opens it."""
    from search.hybrid import HybridSearcher
    from search.index_store import SearchIndex
    from web.pipeline.layout import index_dir

    searcher = HybridSearcher(SearchIndex.load(index_dir(data), embedder), embedder)
    searcher.prepare()
    return searcher


def profile(data: Path, rounds: int) -> tuple[dict[str, list[float]], list[float]]:
    """Per stage, its time in each question's search (ms); and each search's wall time."""
    from bench_engine_parts import QUESTIONS
    from load_web import search_queries

    import search.hybrid as hybrid
    import search.onnx_encoder as onnx_encoder
    from search.engine import embedder_for

    embedder = embedder_for("multilingual-e5-small", str(data))
    originals = {"snippet": hybrid.snippet, "pool": onnx_encoder.mean_pool,
                 "dev": hybrid.section_signal.asks_development,
                 "embed": embedder.embed_queries, "tok": embedder.tokenizer,
                 "sessions": dict(embedder._sessions)}
    per_stage: dict[str, list[float]] = defaultdict(list)
    walls: list[float] = []
    for _ in range(rounds):
        searcher = fresh_searcher(data, embedder)
        for mode in ("hybrid", "dense", "bm25"):
            for text in search_queries():
                searcher.search(text, 10, mode)
        stages = Stages()
        instrument(searcher, stages)
        try:
            for text in QUESTIONS:
                stages.spent.clear()
                started = time.perf_counter()
                searcher.search(text, 10, "hybrid")
                walls.append((time.perf_counter() - started) * 1000)
                for label, seconds in stages.spent.items():
                    per_stage[label].append(seconds * 1000)
        finally:
            hybrid.snippet, onnx_encoder.mean_pool = originals["snippet"], originals["pool"]
            hybrid.section_signal.asks_development = originals["dev"]
            embedder.embed_queries, embedder.tokenizer = originals["embed"], originals["tok"]
            embedder._sessions.clear()
            embedder._sessions.update(originals["sessions"])
    return per_stage, walls


def main() -> int:
    """Profile and print the table."""
    import os

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    per_stage, walls = profile(args.data, args.rounds)
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"# {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, load average {load}; "
          f"{len(walls)} hybrid searches (each question once per round, {args.rounds} rounds)")
    print(f"{'stage':<20} {'p50 ms':>8} {'mean ms':>8}")
    total = 0.0
    for label, values in sorted(per_stage.items(), key=lambda kv: -statistics.fmean(kv[1])):
        values = values + [0.0] * (len(walls) - len(values))
        total += statistics.fmean(values)
        print(f"{label:<20} {statistics.median(values):8.3f} {statistics.fmean(values):8.3f}")
    print(f"{'sum of stages':<20} {'':>8} {total:8.3f}")
    print(f"{'search wall':<20} {statistics.median(walls):8.3f} {statistics.fmean(walls):8.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
