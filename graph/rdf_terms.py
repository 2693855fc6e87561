"""Convert RDF terms between rdflib (how graphs are built) and pyoxigraph (how they are stored)."""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

OxTerm = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def to_ox(term: Node | OxTerm) -> OxTerm:
    """An rdflib term (or an Oxigraph one, passed through) as an Oxigraph term."""
    if isinstance(term, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple):
        return term
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"Not an RDF term: {term!r}")


def from_ox(term: OxTerm) -> Node | tuple[Node, Node, Node]:
    """An Oxigraph term as an rdflib term (a triple term becomes a 3-tuple)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype.value == _XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    if isinstance(term, ox.Triple):
        return (from_ox(term.subject), from_ox(term.predicate), from_ox(term.object))
    raise TypeError(f"Not an Oxigraph term: {term!r}")


def ox_graph_name(graph_iri: str | URIRef | ox.NamedNode) -> ox.NamedNode:
    """A named graph's IRI as an Oxigraph NamedNode."""
    return graph_iri if isinstance(graph_iri, ox.NamedNode) else ox.NamedNode(str(graph_iri))
