"""A query worker's work for one request: vet the query, run it in Oxigraph, frame the result."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field, fields

import pyoxigraph as ox

from graph.query_guard import CheckedQuery, QueryRefused, check_query
from graph.query_results import (
    serialize_boolean,
    serialize_bounded,
    serialize_solutions,
    serialize_triples,
)

_OX_POSITION = re.compile(r"error at (\d+):(\d+): ?(.*)", re.DOTALL)


@dataclass(frozen=True)
class Job:
    """Everything a worker needs to run one query (plain data, sent as JSON)."""

    query: str
    store: str | None = None
    op: str = "run"  # "run": vet and evaluate; "check": only vet (for a remote engine)
    select_format: str = "json"
    graph_format: str = "ttl"
    row_cap: int = 10_000
    memory_mb: int = 2048
    timeout: float = 10.0
    max_bytes: int = 64 * 1024 * 1024
    base_iri: str | None = None
    prefixes: dict[str, str] = field(default_factory=dict)
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)
    known_graphs: list[str] | None = None  # given for a remote engine; else the store's

    @classmethod
    def from_json(cls, data: dict) -> Job:
        """A job from a decoded request (unknown keys ignored)."""
        return cls(**{k: v for k, v in data.items() if k in _JOB_FIELDS})


_JOB_FIELDS = frozenset(f.name for f in fields(Job))


class ResultTooBig(Exception):
    """The serialized result is larger than the job allows."""


def vet(job: Job, known: Collection[str]) -> CheckedQuery:
    """The guard's verdict on the job's query (raises QueryRefused)."""
    return check_query(
        job.query, known, base_iri=job.base_iri, prefixes=job.prefixes,
        default_graphs=job.default_graphs, named_graphs=job.named_graphs)


def checked_header(checked: CheckedQuery) -> dict:
    """What a caller needs to run a vetted query elsewhere: form, exact text, prefixes."""
    return {"ok": True, "type": checked.query_type, "text": checked.text,
            "prefixes": checked.prefixes}


def evaluate(store: ox.Store, known: Collection[str], job: Job) -> tuple[dict, bytes]:
    """Vet and evaluate the job; header fields: type, rows, truncated, prefixes."""
    checked = vet(job, known)
    header = {"ok": True, "type": checked.query_type, "prefixes": checked.prefixes}
    bounded = bounded_text(checked, job.row_cap)
    if bounded is not None:
        try:
            solutions = _query(store, bounded, job)
        except QueryRefused:
            pass  # the engine read the appended LIMIT otherwise: the plain way below decides
        else:
            body, rows, truncated = serialize_bounded(solutions, job.select_format, job.row_cap)
            return _sized(header | {"rows": rows, "truncated": truncated}, body, job)
    result = _query(store, checked.text, job)
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
    return _sized(header, body, job)


def bounded_text(checked: CheckedQuery, cap: int) -> str | None:
    """The SELECT text bounded to at most `cap` + 1 solutions by LIMIT, or None when the text
    cannot say so: its own LIMIT does when it is at most `cap`; else `LIMIT cap+1` is appended
    when the query ends open (the SELECT's solution modifiers come last, no trailing VALUES)."""
    if checked.query_type != "SELECT":
        return None
    if checked.limit is not None:
        return checked.text if checked.limit <= cap else None
    if checked.open_end:
        return f"{checked.text}\nLIMIT {cap + 1}"  # a new line ends a closing # comment
    return None


def _query(store: ox.Store, text: str, job: Job) -> object:
    """Oxigraph's result for `text` with the job's base, prefixes and dataset."""
    try:
        return store.query(text, base_iri=job.base_iri, prefixes=job.prefixes or None,
                           **_dataset(job))
    except SyntaxError as error:
        raise _refusal(str(error)) from None


def _sized(header: dict, body: bytes, job: Job) -> tuple[dict, bytes]:
    """The answer, unless its body is over the job's byte limit."""
    if len(body) > job.max_bytes:
        raise ResultTooBig
    return header, body


def refusal_header(refused: QueryRefused) -> dict:
    """A refusal as the worker reports it."""
    return {"ok": False, "error": "refused", "message": refused.message,
            "line": refused.line, "column": refused.column}


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
