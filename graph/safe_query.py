"""Run one untrusted, read-only SPARQL query on a sandboxed worker with a hard deadline.

A pre-started worker (graph.query_pool) that has left the network opens the live
generation read-only, caps its memory and CPU for the query, vets it (graph.query_guard),
runs it in Oxigraph and sends back a fully serialized result. The server never parses the
user's text: the worker reports the query form. A worker that misses the deadline is
killed: a timeout is an error, never an empty or partial result.
"""

from __future__ import annotations

import os
import time
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graph.child_process import WorkerStopped
from graph.formats import format_name, media_type, render_table, result_kind
from graph.query_guard import QueryError, QueryRefused, check_size
from graph.query_pool import (
    IsolationUnavailable,
    PoolBusy,
    PoolConfig,
    WorkerPool,
    shared_pool,
)
from graph.store import CURRENT, resolve_store_path

__all__ = [
    "CheckedText", "Limits", "PoolConfig", "QueryBusy", "QueryError", "QueryFailed",
    "QueryRefused", "QueryResult", "QueryTimeout", "QueryTooExpensive", "QueryUnavailable",
    "check_untrusted", "run_query", "run_untrusted", "set_default_pool", "shared_pool",
]


class QueryTimeout(QueryError):
    """The query ran past its time budget and was killed."""

    def __init__(self, message: str, timeout: float) -> None:
        super().__init__(message)
        self.timeout = timeout


class QueryTooExpensive(QueryError):
    """The query needed more memory (or a bigger result) than allowed and was stopped.

    `reason` is 'memory', 'size' (the serialized result) or 'depth' (nesting).
    """

    def __init__(self, message: str, reason: str = "memory") -> None:
        super().__init__(message)
        self.reason = reason


class QueryFailed(QueryError):
    """The query could not be run for another reason (store missing, engine error)."""


class QueryBusy(QueryError):
    """Every query worker is busy (or this client holds its share): try again shortly."""

    def __init__(self, message: str, per_client: bool = False) -> None:
        super().__init__(message)
        self.per_client = per_client


class QueryUnavailable(QueryError):
    """Queries cannot be run isolated from the network here, and unisolated runs are off."""


@dataclass(frozen=True)
class Limits:
    """What one query may use: wall time, rows, memory over the worker's size, result bytes."""

    timeout: float = 10.0
    row_cap: int = 10_000
    memory_mb: int = 2048
    max_result_bytes: int = 64 * 1024 * 1024

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> Limits:
        """Limits from resolved settings (sparql_timeout, sparql_row_cap, sparql_memory_mb)."""
        return cls(timeout=float(settings["sparql_timeout"]),
                   row_cap=int(settings["sparql_row_cap"]),
                   memory_mb=int(settings["sparql_memory_mb"]))


@dataclass(frozen=True)
class QueryResult:
    """A finished query: the serialized body and what a client needs to know about it."""

    query_type: str
    format: str
    media_type: str
    body: bytes
    rows: int
    truncated: bool
    elapsed: float
    network_isolated: bool
    isolation: str = "none"

    @property
    def truncation_note(self) -> str | None:
        """A sentence for people when the row cap cut the result, else None."""
        if not self.truncated:
            return None
        return f"More than {self.rows} results; only the first {self.rows} are included."


@dataclass(frozen=True)
class CheckedText:
    """A query vetted by a worker, to be run by another engine: its form and exact text."""

    query_type: str
    text: str
    prefixes: dict[str, str]


def run_query(
    store_path: str | Path,
    query: str,
    *,
    select_format: str = "json",
    graph_format: str = "ttl",
    base_iri: str | None = None,
    prefixes: Mapping[str, str] | None = None,
    default_graphs: Collection[str] = (),
    named_graphs: Collection[str] = (),
    limits: Limits = Limits(),  # frozen, so one shared default is safe
    client: str | None = None,
    pool: WorkerPool | None = None,
) -> QueryResult:
    """Vet and run a query with limits; SELECT/ASK use select_format, others graph_format.

    Raises a QueryError subclass, or StoreError when no store has been built yet.
    """
    check_size(query)  # an O(n) check: refuse oversized text before using a worker
    select_name = format_name(select_format, "select")
    graph_name = format_name(graph_format, "graph")
    request = _request(query, base_iri, prefixes, default_graphs, named_graphs, limits,
                       store=_generation_path(store_path), op="run",
                       select_format="json" if select_name == "table" else select_name,
                       graph_format=graph_name)
    started = time.monotonic()
    header, body = _exchange(pool, request, limits, client)
    elapsed = time.monotonic() - started
    fmt = select_name if result_kind(header["type"]) == "select" else graph_name
    if fmt == "table":
        body = render_table(body, header.get("prefixes")).encode("utf-8")
    return QueryResult(
        query_type=header["type"], format=fmt, media_type=media_type(fmt), body=body,
        rows=header["rows"], truncated=header["truncated"], elapsed=elapsed,
        network_isolated=header.get("isolation", "none") != "none",
        isolation=header.get("isolation", "none"),
    )


run_untrusted = run_query  # the name the read interface (graph/__init__.py) uses


def check_untrusted(
    query: str,
    known_graphs: Collection[str],
    *,
    base_iri: str | None = None,
    prefixes: Mapping[str, str] | None = None,
    default_graphs: Collection[str] = (),
    named_graphs: Collection[str] = (),
    limits: Limits = Limits(),
    client: str | None = None,
    pool: WorkerPool | None = None,
) -> CheckedText:
    """Vet a query on a worker without running it: its form and the exact text to run.

    For an engine outside this process (a SPARQL server): send it `.text`, never `query`.
    """
    check_size(query)
    request = _request(query, base_iri, prefixes, default_graphs, named_graphs, limits,
                       store=None, op="check", known_graphs=list(known_graphs))
    header, _ = _exchange(pool, request, limits, client)
    return CheckedText(header["type"], header["text"], header["prefixes"])


_default_config = PoolConfig()


def set_default_pool(config: PoolConfig) -> None:
    """The pool settings used when a caller passes no pool (e.g. from the app's settings)."""
    global _default_config
    _default_config = config


_GENERATIONS: dict[str, tuple[str, str]] = {}  # store dir -> (its link's target, the path)


def _generation_path(store_path: str | Path) -> str:
    """resolve_store_path as text, with a single readlink while the link is unchanged (a
    request's path objects cost more CPU in the server than the rest of run_query)."""
    key = os.fspath(store_path)
    try:
        target = os.readlink(os.path.join(key, CURRENT))
    except OSError:  # no generation published: the slow path says what is there
        return str(resolve_store_path(store_path))
    known = _GENERATIONS.get(key)
    if known is None or known[0] != target:
        if len(_GENERATIONS) > 64:  # a process serves one store or a few
            _GENERATIONS.clear()
        known = _GENERATIONS[key] = (target, str(resolve_store_path(store_path)))
    return known[1]


def _request(query: str, base_iri: str | None, prefixes: Mapping[str, str] | None,
             default_graphs: Collection[str], named_graphs: Collection[str], limits: Limits,
             **extra: Any) -> dict:
    """The request a worker receives (plain JSON data)."""
    return {"query": query, "base_iri": base_iri, "prefixes": dict(prefixes or {}),
            "default_graphs": list(default_graphs), "named_graphs": list(named_graphs),
            "row_cap": limits.row_cap, "memory_mb": limits.memory_mb,
            "timeout": limits.timeout, "max_bytes": limits.max_result_bytes, **extra}


def _exchange(pool: WorkerPool | None, request: dict, limits: Limits,
              client: str | None) -> tuple[dict, bytes]:
    """Run a request on the pool; the worker's header (ok) and body, or a QueryError."""
    pool = pool or shared_pool(_default_config)
    try:
        header, body = pool.run(request, limits.timeout, limits.max_result_bytes, client)
    except PoolBusy as busy:
        raise QueryBusy(busy.message, busy.per_client) from None
    except IsolationUnavailable as unavailable:
        raise QueryUnavailable(str(unavailable)) from None
    except WorkerStopped as stopped:
        _raise_stopped(stopped, limits)
    if not header.get("ok"):
        _raise_failure(header, None, limits)
    header["isolation"] = (pool.isolation or "none")
    return header, body


def _raise_stopped(stopped: WorkerStopped, limits: Limits) -> None:
    """The worker was stopped: at the deadline, because its answer grew too big, or it died."""
    if stopped.reason == "deadline":
        raise QueryTimeout(
            f"The query did not finish within {limits.timeout:g} seconds and was stopped. "
            "Make it more selective (more specific patterns, LIMIT, fewer variables).",
            limits.timeout)
    if stopped.reason == "size":
        _raise_failure({"error": "too_big"}, None, limits)
    _raise_failure({}, stopped.crash, limits)


def _raise_failure(header: dict, crash: str | None, limits: Limits) -> None:
    """Turn a worker's error report (or its crash) into the right QueryError."""
    error = header.get("error")
    if error == "refused":
        raise QueryRefused(header["message"], header.get("line"), header.get("column"))
    if error == "too_big":
        raise QueryTooExpensive(
            f"The result is larger than {limits.max_result_bytes / 2**20:g} MB; "
            "add LIMIT or select fewer variables.", reason="size")
    text = f"{header.get('message', '')} {crash or ''}"
    if error == "memory" or "memory allocation" in text or "MemoryError" in text:
        raise QueryTooExpensive(
            f"The query needed more than {limits.memory_mb} MB of memory and was stopped. "
            "Make it more selective or avoid ORDER BY / DISTINCT over large intermediate results.")
    if "overflowed its stack" in text:
        raise QueryTooExpensive("The query is nested too deeply to evaluate.", reason="depth")
    if crash and "SIGXCPU" in crash:
        raise QueryTimeout(f"The query used more than {limits.timeout:g} seconds of CPU.",
                           limits.timeout)
    if error == "failed":
        raise QueryFailed(f"The query could not be run: {header.get('message')}")
    raise QueryFailed(f"The query process ended without a result ({crash or 'no output'}).")
