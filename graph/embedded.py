"""The embedded backend: the on-disk Oxigraph generation of the data directory."""

from __future__ import annotations

from collections.abc import Collection, Mapping

import pyoxigraph as ox
from rdflib import Graph

from graph.export import export as export_store
from graph.location import StoreLocation
from graph.query_pool import WorkerPool
from graph.rdf_terms import from_ox, to_ox
from graph.reader import Bindings, GraphReader, Rows
from graph.safe_query import Limits, QueryResult, run_query
from graph.store import LiveStore, current_generation, graph_sizes, list_graphs


class EmbeddedReader(GraphReader):
    """Reads the live generation; follows swaps (one readlink per use)."""

    def __init__(self, location: StoreLocation, limits: Limits | None = None) -> None:
        super().__init__(location, limits)
        self._live = LiveStore(location.directory)

    def run(self, query: str, *, select_format: str = "json", graph_format: str = "ttl",
            base_iri: str | None = None, prefixes: Mapping[str, str] | None = None,
            default_graphs: Collection[str] = (), named_graphs: Collection[str] = (),
            limits: Limits | None = None, client: str | None = None,
            pool: WorkerPool | None = None) -> QueryResult:
        """Guarded and limited, in a sandboxed worker over the live generation."""
        return run_query(self.location.directory, query, select_format=select_format,
                         graph_format=graph_format, base_iri=base_iri, prefixes=prefixes,
                         default_graphs=default_graphs, named_graphs=named_graphs,
                         limits=limits or self.limits, client=client, pool=pool)

    def _trusted(self, query: str, bindings: Bindings,
                 prefixes: Mapping[str, str] | None) -> Rows | bool | Graph:
        """In-process (our own queries are cheap); values substituted as RDF terms."""
        return run_trusted(self._live.store(), query, bindings, prefixes)

    def query(self, query: str, prefixes: Mapping[str, str] | None = None,
              substitutions: Mapping | None = None) -> object:
        """Oxigraph's own query on the live generation."""
        return self._live.store().query(query, prefixes=prefixes, substitutions=substitutions)

    def list_graphs(self) -> list[str]:
        """The named graphs of the live generation."""
        if current_generation(self.location.directory) is None:
            return list_graphs(self.location.directory)  # [] or a plain Oxigraph directory
        return list_graphs(self._live.store())

    def graph_sizes(self) -> dict[str, int]:
        """Triples per graph of the live generation."""
        return graph_sizes(self._live.store())

    def export(self, fmt: str, graphs: Collection[str] | None = None,
               prefixes: Mapping[str, str] | None = None) -> bytes:
        """Serialize the live generation."""
        return export_store(self.location.directory, fmt, graphs, prefixes)


def run_trusted(store: ox.Store, query: str, bindings: Bindings = None,
                prefixes: Mapping[str, str] | None = None) -> Rows | bool | Graph:
    """The project's own query on an open store, values substituted as RDF terms."""
    substitutions = {ox.Variable(k): to_ox(v) for k, v in (bindings or {}).items()}
    # the default graph is the materialised union (see StoreBuilder.refresh_union)
    result = store.query(query, prefixes=dict(prefixes) if prefixes else None,
                         substitutions=substitutions or None)
    return typed(result)


def typed(result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples) -> Rows | bool | Graph:
    """An Oxigraph result as rows of rdflib terms, a bool, or an rdflib graph."""
    if isinstance(result, ox.QueryBoolean):
        return bool(result)
    if isinstance(result, ox.QuerySolutions):
        names = [v.value for v in result.variables]
        return [{n: from_ox(row[n]) for n in names if row[n] is not None} for row in result]
    graph = Graph()
    for triple in result:
        graph.add((from_ox(triple.subject), from_ox(triple.predicate), from_ox(triple.object)))
    return graph
