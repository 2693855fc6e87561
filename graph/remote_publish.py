"""Publish a finished generation to the external SPARQL server with one SPARQL Update request.

The request drops the graphs the server holds and inserts the generation's named graphs and
its materialised union (the default graph) in a single `INSERT DATA`, so blank nodes stay
shared between a graph and the union. Oxigraph and Fuseki apply one update request as one
transaction: readers see the old data or the new, never a mix.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

from graph.location import StoreLocation
from graph.remote_http import Request, post

PUSH_TIMEOUT = 600.0  # seconds: a whole dataset in one request
_MAX_ANSWER = 1 << 20


def push_generation(location: StoreLocation, generation: Path, server_graphs: Iterable[str],
                    timeout: float = PUSH_TIMEOUT) -> int:
    """Make the server hold exactly this generation; returns the quads sent."""
    store = ox.Store.read_only(str(generation))
    try:
        text, sent = update_text(store, server_graphs)
    finally:
        del store
        gc.collect()  # the generation must be closed before it is renamed
    post(Request(location.update_url, text.encode("utf-8"), "application/sparql-update",
                 "*/*"), timeout, _MAX_ANSWER)
    return sent


def update_text(store: ox.Store, server_graphs: Iterable[str]) -> tuple[str, int]:
    """DROP the server's graphs and the default graph, then INSERT DATA everything."""
    by_graph: dict[str, list[ox.Triple]] = {}
    default: list[ox.Triple] = []
    for quad in store.quads_for_pattern(None, None, None, None):
        if isinstance(quad.graph_name, ox.DefaultGraph):
            default.append(quad.triple)
        else:
            by_graph.setdefault(quad.graph_name.value, []).append(quad.triple)
    drops = sorted(set(server_graphs) | set(by_graph))
    parts = [f"DROP SILENT GRAPH <{g}> ;\n" for g in drops]
    parts.append("DROP SILENT DEFAULT ;\nINSERT DATA {\n")
    parts.append(_ntriples(default))
    for name in sorted(by_graph):
        parts.append(f"GRAPH <{name}> {{\n{_ntriples(by_graph[name])}}}\n")
    parts.append("}\n")
    return "".join(parts), len(default) + sum(len(t) for t in by_graph.values())


def _ntriples(triples: list[ox.Triple]) -> str:
    """N-Triples lines, which are valid SPARQL triples as they stand."""
    return (ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"").decode("utf-8")
