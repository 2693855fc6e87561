"""The SPARQL 1.1 Protocol endpoint and, for browsers, the query editor at /sparql."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, Response, make_response, redirect, render_template, request, url_for
from werkzeug.datastructures import CombinedMultiDict, MultiDict

from graph import (
    PREFIXES,
    Limits,
    PoolConfig,
    QueryError,
    QueryResult,
    StoreError,
    media_type,
    result_kind,
    shared_pool,
)
from web.services import Services, services
from web.sparql.negotiation import Choice, choose
from web.sparql.negotiation import not_acceptable_message as not_acceptable
from web.sparql.page import PAGE_BYTES, PAGE_ROWS, PageState, page_error, page_result
from web.sparql.protocol import ProtocolError, QueryRequest, read_request
from web.sparql.query_string import url_args
from web.sparql.responses import error_response, query_error_response, result_response
from web.sparql.share import pack, unpack
from web.sparql.vocabulary import vocabulary_json

bp = Blueprint("sparql", __name__, template_folder="../templates")


@bp.after_request
def protocol_headers(response: Response) -> Response:
    """Answers differ by Accept; the public, read-only data may be read from any web page."""
    response.vary.add("Accept")
    response.headers.setdefault("Access-Control-Allow-Origin", "*")
    return response


@bp.errorhandler(413)
def too_large(_error: Exception) -> Response:
    """A request body over the app's limit."""
    return error_response(413, "Förfrågan är för stor.",
                          "Frågor får vara högst 32 KB.", request.headers.get("Accept"))


@bp.route("/sparql", methods=["GET", "POST"])
def editor() -> Response:
    """Answer a protocol request, or show the editor (with results) to a browser."""
    accept = request.headers.get("Accept")
    args = url_args(request)
    values = args if request.method == "GET" else CombinedMultiDict([args, request.form])
    try:
        choice = choose(accept, values.get("format"))
        asked = read_request(request, args)
    except ValueError as error:
        return error_response(400, "Okänt format.", str(error), accept)
    except ProtocolError as error:
        return error_response(error.status, "Förfrågan kan inte besvaras.", error.message, accept)
    if asked.query is None:
        return _without_query(choice, asked, accept, values)
    if choice.html:
        return _page(asked, values)
    return answer(services(), Caller(request.base_url, request.remote_addr), choice, asked,
                  accept)


@dataclass(frozen=True)
class Caller:
    """Who asked: the endpoint URL (every query's base IRI) and the client's address."""

    base_url: str
    address: str | None


def _limits(svc: Services | None = None) -> Limits:
    """This app's per-query limits."""
    return Limits.from_settings((svc or services()).settings)


def _run(svc: Services, caller: Caller, asked: QueryRequest, select_format: str,
         graph_format: str, limits: Limits | None = None) -> QueryResult:
    """Run a user's query on a sandboxed worker, with the endpoint URL as base and the known
    prefixes; the query text is never parsed in this process (the worker reports its form)."""
    return svc.store().run(
        asked.query or "", select_format=select_format,
        graph_format=graph_format, base_iri=caller.base_url, prefixes=PREFIXES,
        default_graphs=asked.default_graphs, named_graphs=asked.named_graphs,
        limits=limits or _limits(svc), client=caller.address or "-",
        pool=shared_pool(PoolConfig.from_settings(svc.settings)))


def answer(svc: Services, caller: Caller, choice: Choice, asked: QueryRequest,
           accept: str | None) -> Response:
    """Run the query for a program and send the negotiated format (406 if none fits).

    When only one result kind is acceptable the query still runs: its form is known only
    after a worker has parsed it, and 406 follows then. Needs no request context (the lean
    path of web.sparql.fast_path calls it too).
    """
    if choice.select is None and choice.graph is None:
        return _not_acceptable(["select", "graph"], accept)
    try:
        result = _run(svc, caller, asked, choice.select or "json", choice.graph or "ttl")
    except (QueryError, StoreError) as error:
        return query_error_response(error, accept, _limits(svc).timeout, asked.query)
    if choice.for_kind(result_kind(result.query_type)) is None:
        return _not_acceptable([result_kind(result.query_type)], accept)
    return result_response(result)


def _not_acceptable(kinds: list[str], accept: str | None) -> Response:
    """406 with the formats on offer."""
    return error_response(406, "Formatet kan inte levereras.", not_acceptable(kinds), accept)


def _without_query(choice: Choice, asked: QueryRequest, accept: str | None,
                   values: MultiDict[str, str]) -> Response:
    """No query: the editor for a browser, else the service description (GET) or 400 (POST)."""
    if choice.html:
        return _page(asked, values)
    if request.method == "POST":
        return error_response(400, "Frågan saknas.", "Skicka frågan i parametern query.", accept)
    from web.sparql.description import description, serialize

    fmt = choice.graph
    if fmt is None:
        return _not_acceptable(["graph"], accept)
    try:
        graph = description(request.base_url, services().store(), _limits_note())
    except StoreError as error:
        return query_error_response(error, accept, _limits().timeout)
    return Response(serialize(graph, fmt), content_type=media_type(fmt) + "; charset=utf-8")


def _limits_note() -> str:
    """The limits in a sentence (shown on the page and in the service description)."""
    limits = _limits()
    return (f"Skrivskyddad. Varje fråga får köra i högst {limits.timeout:g} sekunder och "
            f"returnerar högst {limits.row_cap} rader; SERVICE och okända grafer avvisas.")


def _page(asked: QueryRequest, values: MultiDict[str, str]) -> Response:
    """The editor page, with the query's results or error when a query was given."""
    state = PageState.from_request(asked, values.get("action"))
    status = 200
    if state.query_given:
        limits = _limits()
        # the page shows a bounded excerpt; the download links carry the whole result
        shown = Limits(timeout=limits.timeout, row_cap=min(limits.row_cap, PAGE_ROWS),
                       memory_mb=limits.memory_mb, max_result_bytes=PAGE_BYTES)
        try:
            result = _run(services(), Caller(request.base_url, request.remote_addr),
                          QueryRequest(state.query, asked.default_graphs, asked.named_graphs),
                          "json", "nt", shown)
        except (QueryError, StoreError) as error:
            status = page_error(state, error, _limits().timeout)
        else:
            page_result(state, result, limits.row_cap)
    response = make_response(render_template(
        "sparql/sparql.html", state=state, endpoint=request.base_url, limits_note=_limits_note(),
        downloads=_downloads(state), vocabulary=vocabulary_json(),
        share=url_for("sparql.shared", token=pack(state.query), _external=True)), status)
    if state.error and state.error.retry_after:
        response.headers["Retry-After"] = state.error.retry_after
    return response


def _downloads(state: PageState) -> list[tuple[str, str, str]]:
    """(label, url, file name) for the result in other formats."""
    if state.table is None:
        return []
    kind = state.kind or "select"
    names = ["csv", "json", "tsv", "xml"] if kind == "select" else ["ttl", "nt", "jsonld", "rdfxml"]
    labels = {"csv": "CSV", "json": "JSON", "tsv": "TSV", "xml": "XML", "ttl": "Turtle",
              "nt": "N-Triples", "jsonld": "JSON-LD", "rdfxml": "RDF/XML"}
    ext = {"jsonld": "jsonld", "rdfxml": "rdf"}
    return [(labels[n], url_for("sparql.editor", query=state.query, format=n,
                                **state.graph_args()), f"resultat.{ext.get(n, n)}")
            for n in names]


@bp.get("/sparql/d/<token>")
def shared(token: str) -> Response:
    """A short share link (web.sparql.share): opens the editor with the query it carries."""
    text = unpack(token)
    if text is None:
        return error_response(404, "Delningslänken är okänd eller trasig.",
                              "Be om en ny länk, eller klistra in frågan i redigeraren.",
                              request.headers.get("Accept"))
    return redirect(url_for("sparql.editor", query=text), 303)
