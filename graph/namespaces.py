"""Namespaces of the graph's public contract and the project's named graphs."""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

BK = Namespace("https://w3id.org/bokslut/def#")
QB = Namespace("http://purl.org/linked-data/cube#")
SDMX_DIM = Namespace("http://purl.org/linked-data/sdmx/2009/dimension#")
SDMX_MEASURE = Namespace("http://purl.org/linked-data/sdmx/2009/measure#")
SDMX_CODE = Namespace("http://purl.org/linked-data/sdmx/2009/code#")

PREFIXES: dict[str, str] = {
    "bk": str(BK), "skos": str(SKOS), "dcterms": str(DCTERMS), "prov": str(PROV),
    "qb": str(QB), "sdmx-dimension": str(SDMX_DIM), "sdmx-measure": str(SDMX_MEASURE),
    "sdmx-code": str(SDMX_CODE), "rdf": str(RDF), "rdfs": str(RDFS), "xsd": str(XSD),
    "owl": str(OWL),
}

# Named graphs other than the per-report ones (relative to the base IRI).
ONTOLOGY_GRAPH = "graf/ontologi"
REFERENCE_GRAPH = "graf/referens"
CURATED_GRAPH = "graf/kurerat"
INFERRED_GRAPH = "graf/harlett"
PROJECT_GRAPHS = (ONTOLOGY_GRAPH, REFERENCE_GRAPH, CURATED_GRAPH, INFERRED_GRAPH)


def sparql_prologue() -> str:
    """PREFIX lines for every namespace above."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


def iri(base: str, relative: str) -> URIRef:
    """An instance IRI under the configured base."""
    return URIRef(base + relative)
