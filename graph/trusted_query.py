"""In-process queries for the project's own SPARQL (web pages, tests): fast, no fork, no guard.

Never pass user-written query text here; user values go in `bindings`, which Oxigraph
substitutes as RDF terms, so they cannot change the query.
"""

from __future__ import annotations

from collections.abc import Mapping

import pyoxigraph as ox
from rdflib.term import Node

from graph.rdf_terms import from_ox, to_ox


def trusted_select(
    store: ox.Store,
    query: str,
    bindings: Mapping[str, Node] | None = None,
    prefixes: Mapping[str, str] | None = None,
) -> list[dict[str, Node]]:
    """SELECT rows over the default graph (the union) as {variable: term}; unbound left out."""
    result = _query(store, query, bindings, prefixes)
    if not isinstance(result, ox.QuerySolutions):
        raise TypeError("trusted_select needs a SELECT query")
    names = [v.value for v in result.variables]
    rows = []
    for solution in result:
        rows.append({n: from_ox(solution[n]) for n in names if solution[n] is not None})
    return rows


def trusted_ask(
    store: ox.Store,
    query: str,
    bindings: Mapping[str, Node] | None = None,
    prefixes: Mapping[str, str] | None = None,
) -> bool:
    """The answer of an ASK over the union of all graphs."""
    result = _query(store, query, bindings, prefixes)
    if not isinstance(result, ox.QueryBoolean):
        raise TypeError("trusted_ask needs an ASK query")
    return bool(result)


def _query(
    store: ox.Store,
    query: str,
    bindings: Mapping[str, Node] | None,
    prefixes: Mapping[str, str] | None,
) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
    """Run a query in-process with the union default graph and substituted bindings."""
    substitutions = {ox.Variable(k): to_ox(v) for k, v in (bindings or {}).items()}
    # the default graph is the materialised union (see StoreBuilder.refresh_union)
    return store.query(query,
                       prefixes=dict(prefixes) if prefixes else None,
                       substitutions=substitutions or None)
