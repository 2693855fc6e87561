"""The project's own RDF files (ontology/), loaded under the configured base IRI."""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from corpus.ids import area_id, slug
from graph.namespaces import BK, CURATED_GRAPH, ONTOLOGY_GRAPH, REFERENCE_GRAPH
from graph.rdf_terms import from_ox

ONTOLOGY_FILES = ("bokslut.ttl",)
REFERENCE_FILES = ("rights.ttl", "sdg.ttl", "areas.ttl")
CURATED_FILES = ("sdg-links.ttl",)


def ontology_dir() -> Path:
    """Where the ontology data files live (installed with the package)."""
    return Path(str(resources.files("ontology")))


def load_files(names: tuple[str, ...], base: str) -> Graph:
    """Parse Turtle files with relative instance IRIs resolved against base.

    Oxigraph's parser reads them about ten times faster than rdflib's (ingest parses the
    ontology on every run); the triples are the same (tests/test_reference_parse.py).
    """
    graph = Graph()
    for name in names:
        path = ontology_dir() / name
        for triple in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=base):
            graph.add((from_ox(triple.subject), from_ox(triple.predicate),
                       from_ox(triple.object)))
    return graph


def project_graphs(base: str) -> dict[str, Graph]:
    """Named graph id -> graph for the ontology, reference vocabularies and curated links."""
    return {
        ONTOLOGY_GRAPH: load_files(ONTOLOGY_FILES, base),
        REFERENCE_GRAPH: load_files(REFERENCE_FILES, base),
        CURATED_GRAPH: load_files(CURATED_FILES, base),
    }


@cache
def reference(base: str) -> Graph:
    """The reference vocabularies (cached per base)."""
    return load_files(REFERENCE_FILES, base)


def area_iri(label: str, base: str) -> tuple[URIRef, bool]:
    """The bk:Area for a label used in the tables ('Länet', 'Riket') and whether it is known."""
    ref = reference(base)
    wanted = {label.lower(), slug(label)}
    for s in ref.subjects(RDF.type, BK.Area):
        labels = {str(o).lower() for o in ref.objects(s, SKOS.prefLabel)}
        labels |= {str(o).lower() for o in ref.objects(s, SKOS.altLabel)}
        if labels & wanted:
            return URIRef(s), True
    return URIRef(base + area_id(label)), False


def municipality_iri(name: str, base: str) -> tuple[URIRef, bool]:
    """The bk:Municipality whose label is `name` ('Södertälje kommun') and whether it is known."""
    ref = reference(base)
    for s in ref.subjects(RDF.type, BK.Municipality):
        if Literal(name, lang="sv") in set(ref.objects(s, SKOS.prefLabel)):
            return URIRef(s), True
    return URIRef(f"{base}kommun/{slug(name)}"), False
