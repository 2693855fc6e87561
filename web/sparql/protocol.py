"""Read a SPARQL 1.1 Protocol query: GET ?query=, POST form, POST application/sparql-query."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import Request
from werkzeug.datastructures import MultiDict

from graph import MAX_QUERY_BYTES

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
QUERY_TYPE = "application/sparql-query"
UPDATE_TYPE = "application/sparql-update"
READ_ONLY = ("Den här SPARQL-tjänsten är skrivskyddad: uppdateringar (INSERT, DELETE, LOAD, "
             "CLEAR, CREATE, DROP …) tas inte emot.")


class ProtocolError(Exception):
    """A request the protocol does not allow; `status` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class QueryRequest:
    """What a client asked: the query text (None = no query) and the protocol dataset."""

    query: str | None
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)


def read_request(request: Request, args: MultiDict[str, str] | None = None) -> QueryRequest:
    """The query and dataset of a GET or POST; ProtocolError for anything else.

    `args` are the URL's parameters when already decoded (else `request.args`).
    """
    args = request.args if args is None else args
    if request.method == "GET" or request.method == "HEAD":
        if "update" in args:
            raise ProtocolError(400, READ_ONLY)
        return _build(args.getlist("query"), args)
    mimetype = request.mimetype
    if mimetype in FORM_TYPES:
        form = request.form
        if "update" in form:
            raise ProtocolError(400, READ_ONLY)
        queries = form.getlist("query") + args.getlist("query")
        return _build(queries, form, args)
    if mimetype == QUERY_TYPE:
        return _build([*args.getlist("query"), _body_text(request)], args)
    if mimetype == UPDATE_TYPE:
        raise ProtocolError(415, READ_ONLY)
    what = f"Content-Type {mimetype!r}" if mimetype else "en POST utan Content-Type"
    raise ProtocolError(
        415, f"Frågan kan inte tas emot som {what}. Skicka den som "
             f"{FORM_TYPES[0]} (query=…) eller {QUERY_TYPE}, eller med GET ?query=….")


def _body_text(request: Request) -> str:
    """The raw query body, which the protocol requires to be UTF-8."""
    charset = request.mimetype_params.get("charset", "utf-8").lower()
    if charset not in ("utf-8", "utf8"):
        raise ProtocolError(415, f"Teckenkodningen {charset!r} stöds inte; skicka UTF-8.")
    _check_length(request.content_length)
    try:
        return request.get_data(cache=False).decode("utf-8")
    except UnicodeDecodeError:
        raise ProtocolError(400, "Frågan är inte giltig UTF-8.") from None


def _build(queries: list[str], *sources: object) -> QueryRequest:
    """One query (or none) plus the graph parameters gathered from the given multidicts."""
    if len(queries) > 1:
        raise ProtocolError(400, "Ange bara en fråga (parametern query förekommer flera gånger).")
    query = queries[0] if queries else None
    if query is not None:
        _check_length(len(query.encode("utf-8", "surrogatepass")))
    return QueryRequest(query, _graphs(sources, "default-graph-uri"),
                        _graphs(sources, "named-graph-uri"))


def _graphs(sources: tuple[object, ...], name: str) -> list[str]:
    """The non-empty, distinct values of a repeatable graph parameter."""
    values: list[str] = []
    for source in sources:
        for value in source.getlist(name):  # type: ignore[attr-defined]
            value = value.strip()
            if value and value not in values:
                values.append(value)
    return values


def _check_length(size: int | None) -> None:
    """Query text over the guard's limit is refused before anything else (413)."""
    if size is not None and size > MAX_QUERY_BYTES:
        raise ProtocolError(413, f"Frågan är {size} byte; gränsen är {MAX_QUERY_BYTES} byte.")
