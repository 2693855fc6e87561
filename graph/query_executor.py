"""The query child's work: confine itself, vet the query, run it in Oxigraph, frame the result."""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field

import pyoxigraph as ox

from graph.query_guard import QueryRefused, check_query
from graph.query_results import serialize_boolean, serialize_solutions, serialize_triples
from graph.sandbox import isolate_network, limit_cpu, limit_memory

_OX_POSITION = re.compile(r"error at (\d+):(\d+): ?(.*)", re.DOTALL)
# rdflib's grammar recurses once per triple pattern: the default limit stops at ~80 patterns.
# A deeper stack only risks this disposable child; 32 KB of flat patterns needs about this.
_RECURSION_LIMIT = 100_000


@dataclass(frozen=True)
class Job:
    """Everything a child needs to run one query (plain data, fixed before the fork)."""

    path: str
    query: str
    select_format: str
    graph_format: str
    row_cap: int
    memory_mb: int
    timeout: float
    base_iri: str | None = None
    prefixes: dict[str, str] = field(default_factory=dict)
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)


def execute(job: Job) -> bytes:
    """Run the job; always returns a JSON header line followed by the body (possibly empty)."""
    isolated = isolate_network()  # first: it needs a single-threaded process
    try:
        store = ox.Store.read_only(job.path)
        limit_memory(job.memory_mb)
        limit_cpu(job.timeout)
        sys.setrecursionlimit(_RECURSION_LIMIT)
        header, body = _run(store, job)
        header.update(ok=True, isolated=isolated)
    except QueryRefused as refused:
        header, body = {"ok": False, "error": "refused", "message": refused.message,
                        "line": refused.line, "column": refused.column}, b""
    except MemoryError:
        header, body = {"ok": False, "error": "memory"}, b""
    except Exception as error:
        header = {"ok": False, "error": "failed", "message": f"{type(error).__name__}: {error}"}
        body = b""
    return json.dumps(header).encode("utf-8") + b"\n" + body


def _run(store: ox.Store, job: Job) -> tuple[dict, bytes]:
    """Vet and evaluate the query; header fields: type, rows, truncated, prefixes."""
    known = {g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode)}
    checked = check_query(
        job.query, known, base_iri=job.base_iri, prefixes=job.prefixes,
        default_graphs=job.default_graphs, named_graphs=job.named_graphs)
    try:
        result = store.query(checked.text, base_iri=job.base_iri,
                             prefixes=job.prefixes or None, **_dataset(job))
    except SyntaxError as error:
        raise _refusal(str(error)) from None
    header = {"type": checked.query_type, "prefixes": checked.prefixes}
    if isinstance(result, ox.QueryBoolean):
        body = serialize_boolean(result, job.select_format)
        header.update(rows=1, truncated=False)
    elif isinstance(result, ox.QuerySolutions):
        body, rows, truncated = serialize_solutions(result, job.select_format, job.row_cap)
        header.update(rows=rows, truncated=truncated)
    else:
        body, rows, truncated = serialize_triples(
            result, job.graph_format, job.row_cap, checked.prefixes)
        header.update(rows=rows, truncated=truncated)
    return header, body


def _dataset(job: Job) -> dict:
    """Oxigraph's dataset arguments: protocol graphs, else the query's FROM, else the store's
    default graph, which every rebuild makes the set union of all named graphs."""
    if job.default_graphs or job.named_graphs:
        return {"default_graph": [ox.NamedNode(g) for g in job.default_graphs],
                "named_graphs": [ox.NamedNode(g) for g in job.named_graphs]}
    return {}


def _refusal(message: str) -> QueryRefused:
    """Oxigraph's syntax error as a refusal with line and column."""
    match = _OX_POSITION.search(message)
    if not match:
        return QueryRefused(f"Syntax error: {message}")
    line, column, detail = int(match.group(1)), int(match.group(2)), match.group(3)
    return QueryRefused(f"Syntax error at line {line}, column {column}: {detail}", line, column)
