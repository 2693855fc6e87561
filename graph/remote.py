"""The external backend: a SPARQL 1.1 server reached over the SPARQL 1.1 Protocol.

People's queries are vetted by a sandboxed worker (the same guard as for the embedded store)
and only the vetted text is sent, to the configured server only, under our own deadline
(closing the connection cancels the request) and caps. The server's default graph holds the
materialised union of the named graphs, written by each publish, as in the embedded store.
"""

from __future__ import annotations

import time
from collections.abc import Collection, Mapping

import pyoxigraph as ox
from rdflib import Graph

from graph.export import select_graphs, serialize_quads
from graph.formats import format_name, media_type, render_table, result_kind
from graph.query_pool import WorkerPool
from graph.query_results import serialize_boolean, serialize_solutions, serialize_triples
from graph.rdf_terms import from_ox
from graph.reader import Bindings, GraphReader, Rows
from graph.remote_http import RemoteError, RemoteTimeout, RemoteTooBig, Request, post
from graph.safe_query import (
    Limits,
    QueryFailed,
    QueryResult,
    QueryTimeout,
    QueryTooExpensive,
    check_untrusted,
)
from graph.sparql_text import json_rows, prologue, with_bindings

_JSON = "application/sparql-results+json"
_NT = "application/n-triples"
_GRAPHS = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
_SIZES = ("SELECT ?g (COUNT(*) AS ?n) WHERE { { GRAPH ?g { ?s ?p ?o } } UNION "
          "{ ?s ?p ?o } } GROUP BY ?g")


class RemoteReader(GraphReader):
    """Reads from the configured SPARQL server."""

    def run(self, query: str, *, select_format: str = "json", graph_format: str = "ttl",
            base_iri: str | None = None, prefixes: Mapping[str, str] | None = None,
            default_graphs: Collection[str] = (), named_graphs: Collection[str] = (),
            limits: Limits | None = None, client: str | None = None,
            pool: WorkerPool | None = None) -> QueryResult:
        """Vet in a worker, send the vetted text, cap and re-serialize the answer."""
        limits = limits or self.limits
        started = time.monotonic()
        select_name = format_name(select_format, "select")
        graph_name = format_name(graph_format, "graph")
        checked = check_untrusted(
            query, self._known_graphs(), base_iri=base_iri, prefixes=prefixes,
            default_graphs=default_graphs, named_graphs=named_graphs, limits=limits,
            client=client, pool=pool)
        kind = result_kind(checked.query_type)
        params = tuple([("default-graph-uri", g) for g in default_graphs]
                       + [("named-graph-uri", g) for g in named_graphs])
        text = prologue(prefixes, base_iri) + checked.text
        left = limits.timeout - (time.monotonic() - started)
        body = self._send(text, _JSON if kind == "select" else _NT, left, limits, params)
        fmt = select_name if kind == "select" else graph_name
        body, rows, truncated = _reserialize(body, kind, fmt, limits.row_cap, checked.prefixes)
        return QueryResult(
            query_type=checked.query_type, format=fmt, media_type=media_type(fmt), body=body,
            rows=rows, truncated=truncated, elapsed=time.monotonic() - started,
            network_isolated=True, isolation="remote")

    def _trusted(self, query: str, bindings: Bindings,
                 prefixes: Mapping[str, str] | None) -> Rows | bool | Graph:
        """Our own query, values bound with VALUES; SELECT/ASK as JSON, graphs as N-Triples."""
        text = prologue(prefixes) + with_bindings(query, bindings)
        content_type, body = post(self._request(text, f"{_JSON}, {_NT};q=0.9"),
                                  self.limits.timeout, self.limits.max_result_bytes)
        if "json" in content_type:
            return json_rows(body)
        graph = Graph()
        return graph.parse(data=body.decode("utf-8"), format="nt")

    def query(self, query: str, prefixes: Mapping[str, str] | None = None,
              substitutions: Mapping | None = None) -> object:
        """The server's answer parsed into Oxigraph results (rows, a boolean, or triples)."""
        bindings = {str(getattr(k, "value", k)): from_ox(v)
                    for k, v in (substitutions or {}).items()}
        text = prologue(prefixes) + with_bindings(query, bindings)
        content_type, body = post(self._request(text, f"{_JSON}, {_NT};q=0.9"),
                                  self.limits.timeout, self.limits.max_result_bytes)
        if "json" in content_type:
            return ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
        return ox.parse(body, format=ox.RdfFormat.N_TRIPLES)

    def _known_graphs(self) -> list[str]:
        """The named graphs, asked once per published generation (the guard needs them)."""
        generation = self.generation
        cached = getattr(self, "_known", None)
        if cached is None or cached[0] != generation or generation is None:
            self._known = (generation, self.list_graphs())
        return self._known[1]

    def list_graphs(self) -> list[str]:
        """The server's named graphs."""
        rows = self.select(_GRAPHS, trusted=True)
        return sorted(str(row["g"]) for row in rows)

    def graph_sizes(self) -> dict[str, int]:
        """Triples per named graph, '' for the default graph (the union)."""
        rows = self.select(_SIZES, trusted=True)
        sizes = {str(row.get("g", "")): int(row["n"]) for row in rows}
        return {name: n for name, n in sizes.items() if name or n}

    def export(self, fmt: str, graphs: Collection[str] | None = None,
               prefixes: Mapping[str, str] | None = None) -> bytes:
        """The server's named graphs, serialized as the embedded export does."""
        wanted = select_graphs(self.list_graphs(), graphs)
        return serialize_quads(self.quads(wanted), fmt, prefixes)

    def quads(self, graphs: Collection[str] | None = None) -> list[ox.Quad]:
        """Every quad of the named graphs (or of some), in a stable order."""
        query = "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g"
        _, body = post(self._request(query, _JSON), max(self.limits.timeout, 60.0), 1 << 31)
        keep = None if graphs is None else set(graphs)
        return [ox.Quad(row["s"], row["p"], row["o"], row["g"])
                for row in ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
                if keep is None or row["g"].value in keep]

    def _send(self, text: str, accept: str, timeout: float, limits: Limits,
              params: tuple[tuple[str, str], ...]) -> bytes:
        """POST vetted text; our deadline and size cap as QueryErrors."""
        try:
            _, body = post(self._request(text, accept, params), timeout,
                           limits.max_result_bytes)
        except RemoteTimeout:
            raise QueryTimeout(
                f"The query did not finish within {limits.timeout:g} seconds and was stopped. "
                "Make it more selective (more specific patterns, LIMIT, fewer variables).",
                limits.timeout) from None
        except RemoteTooBig:
            raise QueryTooExpensive(
                f"The result is larger than {limits.max_result_bytes / 2**20:g} MB; "
                "add LIMIT or select fewer variables.") from None
        except RemoteError as error:
            raise QueryFailed(f"The SPARQL server could not run the query: {error}") from None
        return body

    def _request(self, text: str, accept: str,
                 params: tuple[tuple[str, str], ...] = ()) -> Request:
        """A SPARQL Protocol query request (POST, application/sparql-query)."""
        return Request(self.location.query_url, text.encode("utf-8"),
                       "application/sparql-query", accept, params)


def _reserialize(body: bytes, kind: str, fmt: str, cap: int,
                 prefixes: Mapping[str, str]) -> tuple[bytes, int, bool]:
    """The server's answer capped at `cap` rows in the requested format (table from JSON)."""
    if kind == "select":
        parsed = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
        wire = "json" if fmt == "table" else fmt
        if isinstance(parsed, ox.QueryBoolean):
            out, rows, truncated = serialize_boolean(parsed, wire), 1, False
        else:
            out, rows, truncated = serialize_solutions(parsed, wire, cap)
        if fmt == "table":
            out = render_table(out, prefixes).encode("utf-8")
        return out, rows, truncated
    triples = ox.parse(body, format=ox.RdfFormat.N_TRIPLES)
    return serialize_triples(triples, fmt, cap, prefixes)
