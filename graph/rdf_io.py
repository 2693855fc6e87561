"""Small RDF conversions the web needs without touching the engine: IRI checks, serializing
a few rdflib triples, and N-Triples results as SPARQL JSON terms."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pyoxigraph as ox
from rdflib.term import Node

from graph.formats import ox_rdf_format
from graph.query_results import term_json
from graph.rdf_terms import to_ox


def valid_iri(iri: str) -> bool:
    """True when the text is an IRI a store can be asked about (no '<', spaces, …)."""
    try:
        ox.NamedNode(iri)
    except ValueError:
        return False
    return True


def serialize_triples(triples: Iterable[tuple[Node, Node, Node]], fmt: str,
                      prefixes: Mapping[str, str] | None = None) -> bytes:
    """rdflib triples in one of the graph formats (prefixes where the format has them)."""
    items = [ox.Triple(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in triples]
    rdf_format = ox_rdf_format(fmt)
    if prefixes and rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML):
        return ox.serialize(items, format=rdf_format, prefixes=dict(prefixes)) or b""
    return ox.serialize(items, format=rdf_format) or b""


def ntriples_terms(body: bytes) -> list[tuple[dict, dict, dict]]:
    """Each triple of an N-Triples body as three SPARQL JSON terms."""
    return [(term_json(q.subject), term_json(q.predicate), term_json(q.object))
            for q in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)]
