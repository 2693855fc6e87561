"""Run one untrusted, read-only SPARQL query in a forked, confined process with a hard deadline.

The child opens the live generation read-only, leaves the network, caps its own memory and
CPU, vets the query (graph.query_guard), runs it in Oxigraph and writes a fully serialized
result to a pipe. The parent kills it at the deadline: a timeout is an error, never an
empty or partial result.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graph.child_process import Outcome, run_forked
from graph.formats import format_name, media_type, render_table, result_kind
from graph.query_executor import Job, execute
from graph.query_guard import (
    PARENT_PARSE_LOCK,
    QueryError,
    QueryRefused,
    check_query,
    check_size,
)
from graph.sandbox import load_libc
from graph.store import resolve_store_path

__all__ = [
    "Limits", "QueryError", "QueryFailed", "QueryRefused", "QueryResult",
    "QueryTimeout", "QueryTooExpensive", "run_query",
]


class QueryTimeout(QueryError):
    """The query ran past its time budget and was killed."""

    def __init__(self, message: str, timeout: float) -> None:
        super().__init__(message)
        self.timeout = timeout


class QueryTooExpensive(QueryError):
    """The query needed more memory (or a bigger result) than allowed and was stopped."""


class QueryFailed(QueryError):
    """The query could not be run for another reason (store missing, engine error)."""


@dataclass(frozen=True)
class Limits:
    """What one query may use: wall time, rows, memory above the fork, result bytes."""

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

    @property
    def truncation_note(self) -> str | None:
        """A sentence for people when the row cap cut the result, else None."""
        if not self.truncated:
            return None
        return f"More than {self.rows} results; only the first {self.rows} are included."


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
) -> QueryResult:
    """Vet and run a query with limits; SELECT/ASK use select_format, others graph_format.

    Raises a QueryError subclass, or StoreError when no store has been built yet.
    """
    check_size(query)  # refuse oversized text before paying for a fork
    select_name = format_name(select_format, "select")
    graph_name = format_name(graph_format, "graph")
    job = Job(
        path=str(resolve_store_path(store_path)), query=query,
        select_format="json" if select_name == "table" else select_name,
        graph_format=graph_name, base_iri=base_iri, prefixes=dict(prefixes or {}),
        default_graphs=list(default_graphs), named_graphs=list(named_graphs),
        row_cap=limits.row_cap, memory_mb=limits.memory_mb, timeout=limits.timeout,
    )
    _prepare_parent()
    started = time.monotonic()
    outcome = run_forked(lambda: execute(job), limits.timeout, limits.max_result_bytes)
    elapsed = time.monotonic() - started
    _raise_if_stopped(outcome, limits)
    header, body = _split(outcome.output, outcome.crash_message(), limits)
    fmt = select_name if result_kind(header["type"]) == "select" else graph_name
    if fmt == "table":
        body = render_table(body, header.get("prefixes")).encode("utf-8")
    return QueryResult(
        query_type=header["type"], format=fmt, media_type=media_type(fmt), body=body,
        rows=header["rows"], truncated=header["truncated"], elapsed=elapsed,
        network_isolated=header["isolated"],
    )


_WARM = threading.Event()


def _prepare_parent() -> None:
    """Warm up once so every forked child inherits it: the grammar (~10 ms) and libc.

    Serialised with the other parses of this process (see query_guard.PARENT_PARSE_LOCK).
    """
    if _WARM.is_set():
        return
    with PARENT_PARSE_LOCK:
        if not _WARM.is_set():
            check_query("ASK {}", ())
            load_libc()
            _WARM.set()


def _raise_if_stopped(outcome: Outcome, limits: Limits) -> None:
    """The parent stopped the child: at the deadline, or because its output grew too big."""
    if outcome.timed_out:
        raise QueryTimeout(
            f"The query did not finish within {limits.timeout:g} seconds and was stopped. "
            "Make it more selective (more specific patterns, LIMIT, fewer variables).",
            limits.timeout)
    if outcome.too_big:
        raise QueryTooExpensive(
            f"The result is larger than {limits.max_result_bytes / 2**20:g} MB; "
            "add LIMIT or select fewer variables.")


def _split(output: bytes, crash: str | None, limits: Limits) -> tuple[dict, bytes]:
    """The child's header and body, or the matching exception."""
    head, sep, body = output.partition(b"\n")
    try:
        header = json.loads(head) if sep else None
    except ValueError:
        header = None
    if header is None or not header.get("ok"):
        _raise_failure(header or {}, crash, limits)
    return header, body


def _raise_failure(header: dict, crash: str | None, limits: Limits) -> None:
    """Turn a child's error report (or its crash) into the right QueryError."""
    error = header.get("error")
    if error == "refused":
        raise QueryRefused(header["message"], header.get("line"), header.get("column"))
    text = f"{header.get('message', '')} {crash or ''}"
    if error == "memory" or "memory allocation" in text or "MemoryError" in text:
        raise QueryTooExpensive(
            f"The query needed more than {limits.memory_mb} MB of memory and was stopped. "
            "Make it more selective or avoid ORDER BY / DISTINCT over large intermediate results.")
    if "overflowed its stack" in text:
        raise QueryTooExpensive("The query is nested too deeply to evaluate.")
    if crash and "SIGXCPU" in crash:
        raise QueryTimeout(f"The query used more than {limits.timeout:g} seconds of CPU.",
                           limits.timeout)
    if error == "failed":
        raise QueryFailed(f"The query could not be run: {header.get('message')}")
    raise QueryFailed(f"The query process ended without a result ({crash or 'no output'}).")
