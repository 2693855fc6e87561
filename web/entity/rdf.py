"""Content negotiation and RDF serialization for resource pages (/id/…)."""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import URIRef
from rdflib.term import Node
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from graph import EXPORT_PREFIXES, GRAPH_FORMATS, serialize_triples

HTML = "html"
# URL suffix -> format name (graph.formats).
SUFFIXES = {"ttl": "ttl", "jsonld": "jsonld", "nt": "nt", "rdf": "rdfxml"}
# Offered media types in order of preference on ties (so */* gets HTML).
OFFERS: dict[str, str] = {
    "text/html": HTML, "application/xhtml+xml": HTML,
    "text/turtle": "ttl", "application/ld+json": "jsonld", "application/n-triples": "nt",
    "application/rdf+xml": "rdfxml", "application/x-turtle": "ttl",
    "application/json": "jsonld", "application/xml": "rdfxml", "text/xml": "rdfxml",
}
CONTENT_TYPES = {name: media + ("; charset=utf-8" if name != "rdfxml" else "")
                 for name, media in GRAPH_FORMATS.items()}
SUFFIX_OF = {name: suffix for suffix, name in SUFFIXES.items()}
FORMAT_NAMES = {"ttl": "Turtle", "jsonld": "JSON-LD", "nt": "N-Triples", "rdfxml": "RDF/XML"}


def negotiate(accept: str | None) -> str | None:
    """HTML or an RDF format name for an Accept header (q-values honoured); None: nothing fits."""
    if accept is None or not accept.strip():
        return HTML
    best = parse_accept_header(accept, MIMEAccept).best_match(list(OFFERS))
    return OFFERS.get(best) if best else None


def split_suffix(rest: str) -> tuple[str, str] | None:
    """('strategi/…/mal/C', 'ttl') for 'strategi/…/mal/C.ttl'; None without a known suffix."""
    stem, dot, ext = rest.rpartition(".")
    if dot and stem and ext in SUFFIXES:
        return stem, SUFFIXES[ext]
    return None


def prefixes(base: str) -> dict[str, str]:
    """Prefixes for Turtle and RDF/XML output, with 'id' at the configured base."""
    return EXPORT_PREFIXES | {"id": base}


def serialize(iri: str, pairs: Iterable[tuple[Node, Node]], fmt: str, base: str) -> bytes:
    """The triples (iri, p, o) in one of the graph formats."""
    subject = URIRef(iri)
    return serialize_triples(((subject, p, o) for p, o in pairs), fmt, prefixes(base))


def alternates(path: str) -> list[dict[str, str]]:
    """Links to the RDF representations of the page at `path` (/id/…)."""
    return [{"href": f"{path}.{SUFFIX_OF[name]}", "type": GRAPH_FORMATS[name],
             "name": FORMAT_NAMES[name]} for name in ("ttl", "jsonld", "nt", "rdfxml")]
