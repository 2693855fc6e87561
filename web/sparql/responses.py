"""HTTP responses of the SPARQL endpoint for programs: results, errors, headers."""

from __future__ import annotations

import json
import math

from flask import Response

from graph import (
    QueryBusy,
    QueryError,
    QueryFailed,
    QueryRefused,
    QueryResult,
    QueryTimeout,
    QueryTooExpensive,
    QueryUnavailable,
    StoreError,
)
from web.sparql.editor import excerpt
from web.sparql.negotiation import negotiate

TRUNCATED_HEADER = "X-Bokslut-Truncated"
TEXT_TYPES = ("text/", "application/sparql-results+", "application/n-triples",
              "application/ld+json", "application/rdf+xml")


def result_response(result: QueryResult) -> Response:
    """The serialized result, with the row cap and timing reported in headers."""
    mimetype = result.media_type
    if mimetype.startswith(TEXT_TYPES):
        mimetype += "; charset=utf-8"
    response = Response(result.body, content_type=mimetype)
    if result.truncated:
        response.headers[TRUNCATED_HEADER] = str(result.rows)
    response.headers["Server-Timing"] = f"query;dur={result.elapsed * 1000:.1f}"
    return response


def status_of(error: Exception) -> int:
    """The HTTP status for a query failure.

    A timeout and a memory or result-size overrun are both the server's per-query budget
    running out, as at Fuseki and Virtuoso: 503, never a truncated 200. A refusal is the
    client's fault (400).
    """
    if isinstance(error, QueryRefused):
        return 400
    if isinstance(error, QueryBusy):
        return 429 if error.per_client else 503
    if isinstance(error, QueryTimeout | QueryTooExpensive | QueryUnavailable | StoreError):
        return 503
    return 500


def lead(error: Exception) -> str:
    """A Swedish sentence saying what happened; the detail follows it."""
    if isinstance(error, QueryRefused):
        return "Frågan avvisades."
    if isinstance(error, QueryTimeout):
        return "Frågan tog för lång tid och avbröts (tidsgräns)."
    if isinstance(error, QueryTooExpensive):
        return "Frågan krävde mer minne eller ett större svar än tjänsten tillåter och avbröts."
    if isinstance(error, QueryBusy):
        return ("Du har redan flera frågor igång; vänta tills de är klara." if error.per_client
                else "Tjänsten är upptagen just nu; försök igen om en stund.")
    if isinstance(error, QueryUnavailable):
        return "Frågor kan inte köras säkert på den här servern och tas därför inte emot."
    if isinstance(error, StoreError):
        return "Det finns ingen data att fråga ännu."
    if isinstance(error, QueryFailed):
        return "Frågan kunde inte köras."
    return "Ett fel uppstod."


def detail(error: Exception) -> str:
    """The error's own message (safe to show: it never holds server internals beyond the store)."""
    return error.message if isinstance(error, QueryError) else str(error)


def retry_after(error: Exception, timeout: float) -> str | None:
    """Seconds before trying again, for a timeout or a missing store (busy server, ingest).

    A memory or size overrun gets none: the same query would fail again, so clients that
    retry on Retry-After should not.
    """
    if isinstance(error, QueryTimeout | StoreError):
        return str(max(1, math.ceil(timeout)))
    if isinstance(error, QueryBusy):  # a worker is free again within one query's budget
        return str(max(1, math.ceil(timeout / 2)))
    return None


def error_response(status: int, lead_text: str, message: str, accept: str | None,
                   *, line: int | None = None, column: int | None = None,
                   retry: str | None = None, query: str | None = None) -> Response:
    """An error as text/plain, or JSON when the client prefers JSON over plain text."""
    wanted = negotiate(accept, [("text/plain", "text"), ("application/json", "json"),
                                ("application/sparql-results+json", "json")])
    if wanted == "json":
        body = {"status": status, "error": lead_text, "message": message}
        if line:
            body.update(line=line, column=column)
        response = Response(json.dumps(body, ensure_ascii=False), status=status,
                            content_type="application/json; charset=utf-8")
    else:
        text = f"{lead_text}\n{message}\n" if message else f"{lead_text}\n"
        text += _pointer(query, line, column)
        response = Response(text, status=status, content_type="text/plain; charset=utf-8")
    response.headers["X-Content-Type-Options"] = "nosniff"
    if retry:
        response.headers["Retry-After"] = retry
    return response


def query_error_response(error: Exception, accept: str | None, timeout: float,
                         query: str | None = None) -> Response:
    """The answer to a failed query for a program."""
    return error_response(
        status_of(error), lead(error), detail(error), accept,
        line=getattr(error, "line", None), column=getattr(error, "column", None),
        retry=retry_after(error, timeout), query=query)


def _pointer(query: str | None, line: int | None, column: int | None) -> str:
    """The offending line and a caret under the column, for plain-text errors."""
    found = excerpt(query or "", line, column)
    if found is None:
        return ""
    margin = f"{found.line} | "
    return f"\n{margin}{found.text}\n{' ' * (len(margin) - 2)}| {found.caret}\n"
