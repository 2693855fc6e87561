"""Records to RDF, the store, safe SPARQL execution, exports and SHACL validation.

The package surface: everything outside graph/ (web/, the CLI, the ingest pipeline) imports
only these names, never a submodule nor the engines (pyoxigraph, oxrdflib).

- Read: `open_reader(location)` gives `select / ask / construct / describe (query,
  trusted=False)` with rdflib terms, `run` for people's queries serialized for the protocol,
  and graph listings, sizes and exports.
- Write: `rebuild(location)` (one lock, one generation; derived files such as the search
  index ride along as sidecars), `load_graph`, `drop_graph`, `push_live`, `tidy`.
- Backends: `StoreLocation.parse(directory, BOKSLUT_STORE)`: the embedded on-disk Oxigraph,
  or an external SPARQL 1.1 server.
"""

from __future__ import annotations

from graph.build import report_graph
from graph.embedded import EmbeddedReader
from graph.examples import Example, load_examples
from graph.export import EXPORT_PREFIXES
from graph.formats import (
    DATASET_FORMATS,
    GRAPH_FORMATS,
    SELECT_FORMATS,
    format_for_media_type,
    format_name,
    media_type,
    result_kind,
)
from graph.location import StoreLocation
from graph.namespaces import (
    BK,
    INFERRED_GRAPH,
    PREFIXES,
    PROJECT_GRAPHS,
    QB,
    REFERENCE_GRAPH,
    SDMX_CODE,
    sparql_prologue,
)
from graph.quality import QualityNote, quality_notes
from graph.query_guard import MAX_QUERY_BYTES, QueryError, QueryRefused, query_form
from graph.query_results import term_json
from graph.rdf_io import ntriples_terms, serialize_triples, valid_iri
from graph.reader import GraphReader, Rows
from graph.reference import project_graphs
from graph.remote import RemoteReader
from graph.remote_http import RemoteError
from graph.safe_query import (
    Limits,
    PoolConfig,
    QueryBusy,
    QueryFailed,
    QueryResult,
    QueryTimeout,
    QueryTooExpensive,
    QueryUnavailable,
    set_default_pool,
    shared_pool,
)
from graph.store import StoreError, published_sidecar
from graph.store import current_generation as published_generation
from graph.store_writer import StoreBuilder, checkpoint
from graph.validate import Finding, findings, violations
from graph.writer import drop_graph, load_graph, push_live, read_auxiliary, rebuild, tidy


def open_reader(location: StoreLocation, limits: Limits | None = None) -> GraphReader:
    """The read interface over the configured backend."""
    if location.remote:
        return RemoteReader(location, limits)
    return EmbeddedReader(location, limits)


__all__ = [
    "BK",
    "DATASET_FORMATS",
    "EXPORT_PREFIXES",
    "GRAPH_FORMATS",
    "INFERRED_GRAPH",
    "MAX_QUERY_BYTES",
    "PREFIXES",
    "PROJECT_GRAPHS",
    "QB",
    "REFERENCE_GRAPH",
    "SDMX_CODE",
    "SELECT_FORMATS",
    "Example",
    "Finding",
    "GraphReader",
    "Limits",
    "PoolConfig",
    "QualityNote",
    "QueryBusy",
    "QueryError",
    "QueryFailed",
    "QueryRefused",
    "QueryResult",
    "QueryTimeout",
    "QueryTooExpensive",
    "QueryUnavailable",
    "RemoteError",
    "Rows",
    "StoreBuilder",
    "StoreError",
    "StoreLocation",
    "checkpoint",
    "drop_graph",
    "findings",
    "format_for_media_type",
    "format_name",
    "load_examples",
    "load_graph",
    "media_type",
    "ntriples_terms",
    "open_reader",
    "project_graphs",
    "published_generation",
    "published_sidecar",
    "push_live",
    "quality_notes",
    "query_form",
    "read_auxiliary",
    "rebuild",
    "report_graph",
    "result_kind",
    "serialize_triples",
    "set_default_pool",
    "shared_pool",
    "sparql_prologue",
    "term_json",
    "tidy",
    "valid_iri",
    "violations",
]
