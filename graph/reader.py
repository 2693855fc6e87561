"""The one read interface over the graph, whichever backend holds it.

`select / ask / construct / describe (query, trusted=False)` return plain Python and rdflib
terms. Untrusted text (people's queries) always goes through the guard and a sandboxed
worker under the SPARQL limits; trusted text (the project's own queries, values passed as
`bindings`, never spliced in) skips the guard.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Collection, Mapping
from pathlib import Path

from rdflib import Graph
from rdflib.term import Node

from graph.formats import result_kind
from graph.location import StoreLocation
from graph.query_pool import WorkerPool
from graph.safe_query import Limits, QueryResult
from graph.sparql_text import json_rows
from graph.store import current_generation, published_sidecar

Rows = list[dict[str, Node]]
Bindings = Mapping[str, Node] | None


class GraphReader(ABC):
    """Typed queries, graph listings and exports over the live store."""

    def __init__(self, location: StoreLocation, limits: Limits | None = None) -> None:
        self.location = location
        self.limits = limits or Limits()

    def select(self, query: str, bindings: Bindings = None, *, trusted: bool = False,
               prefixes: Mapping[str, str] | None = None) -> Rows:
        """SELECT rows as {variable: term} (unbound variables left out)."""
        result = self._typed(query, bindings, trusted, prefixes)
        if not isinstance(result, list):
            raise TypeError("select needs a SELECT query")
        return result

    def ask(self, query: str, bindings: Bindings = None, *, trusted: bool = False,
            prefixes: Mapping[str, str] | None = None) -> bool:
        """The answer of an ASK query."""
        result = self._typed(query, bindings, trusted, prefixes)
        if not isinstance(result, bool):
            raise TypeError("ask needs an ASK query")
        return result

    def construct(self, query: str, bindings: Bindings = None, *, trusted: bool = False,
                  prefixes: Mapping[str, str] | None = None) -> Graph:
        """The graph a CONSTRUCT query builds."""
        result = self._typed(query, bindings, trusted, prefixes)
        if not isinstance(result, Graph):
            raise TypeError("construct needs a CONSTRUCT or DESCRIBE query")
        return result

    describe = construct  # DESCRIBE returns a graph just the same

    @abstractmethod
    def run(self, query: str, *, select_format: str = "json", graph_format: str = "ttl",
            base_iri: str | None = None, prefixes: Mapping[str, str] | None = None,
            default_graphs: Collection[str] = (), named_graphs: Collection[str] = (),
            limits: Limits | None = None, client: str | None = None,
            pool: WorkerPool | None = None) -> QueryResult:
        """Run untrusted query text under the guard and the limits; a serialized result."""

    @abstractmethod
    def _trusted(self, query: str, bindings: Bindings,
                 prefixes: Mapping[str, str] | None) -> Rows | bool | Graph:
        """Run the project's own query (no guard): rows, an answer, or a graph."""

    @abstractmethod
    def query(self, query: str, prefixes: Mapping[str, str] | None = None,
              substitutions: Mapping | None = None) -> object:
        """A trusted query with Oxigraph-shaped results (for graph/ modules written against
        Oxigraph's `Store.query`, e.g. through graph.trusted_query)."""

    @abstractmethod
    def list_graphs(self) -> list[str]:
        """The named graphs' IRIs, sorted ([] before the first ingest)."""

    @abstractmethod
    def graph_sizes(self) -> dict[str, int]:
        """Triples per named graph, plus '' for the default graph (the union) when not empty."""

    @abstractmethod
    def export(self, fmt: str, graphs: Collection[str] | None = None,
               prefixes: Mapping[str, str] | None = None) -> bytes:
        """The dataset (trig, nq) or the union of some graphs (ttl, nt, jsonld, rdfxml)."""

    def union_graph(self) -> Graph:
        """Every triple of every named graph as one rdflib graph (e.g. for SHACL)."""
        return self.construct("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", trusted=True)

    @property
    def generation(self) -> Path | None:
        """The published generation's directory: a cache key that changes with every publish."""
        return current_generation(self.location.directory)

    def sidecar(self, name: str) -> Path | None:
        """The published generation's derived files of this name (the search index), if any."""
        return published_sidecar(self.location.directory, name)

    def _typed(self, query: str, bindings: Bindings, trusted: bool,
               prefixes: Mapping[str, str] | None) -> Rows | bool | Graph:
        """Trusted: in the backend's fast path. Untrusted: guarded, limited, then parsed."""
        if trusted:
            return self._trusted(query, bindings, prefixes)
        if bindings:
            raise ValueError("bindings are only for trusted queries")
        result = self.run(query, select_format="json", graph_format="nt", prefixes=prefixes)
        if result_kind(result.query_type) == "select":
            return json_rows(result.body)
        return Graph().parse(data=result.body.decode("utf-8"), format="nt")
