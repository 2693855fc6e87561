"""The SPARQL 1.1 Service Description of the endpoint: what it speaks and which graphs it holds."""

from __future__ import annotations

import functools

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, VOID, XSD

from graph import GraphReader

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
ENTAILMENT = Namespace("http://www.w3.org/ns/entailment/")
RESULT_FORMATS = ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV",
                  "SPARQL_Results_TSV", "Turtle", "N-Triples", "JSON-LD", "RDF_XML")
RDFLIB_FORMATS = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "rdfxml": "xml"}


def description(endpoint: str, store: GraphReader, limits_note: str) -> Graph:
    """The service description graph for an endpoint URL over the live store."""
    g = Graph()
    g.bind("sd", SD)
    g.bind("void", VOID)
    g.bind("dcterms", DCTERMS)
    service = URIRef(endpoint)
    g.add((service, RDF.type, SD.Service))
    g.add((service, SD.endpoint, service))
    g.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    g.add((service, SD.feature, SD.UnionDefaultGraph))
    g.add((service, SD.defaultEntailmentRegime, ENTAILMENT.Simple))
    for name in RESULT_FORMATS:
        g.add((service, SD.resultFormat, FORMATS[name]))
    g.add((service, DCTERMS.title, Literal("Bokslutsgrafen – SPARQL", lang="sv")))
    g.add((service, DCTERMS.description, Literal(limits_note, lang="sv")))
    _dataset(g, service, _sizes(str(store.generation), store))
    return g


def serialize(g: Graph, fmt: str) -> bytes:
    """The description in one of the graph formats (ttl, nt, jsonld, rdfxml)."""
    return g.serialize(format=RDFLIB_FORMATS[fmt], encoding="utf-8")


def _dataset(g: Graph, service: URIRef, sizes: tuple[tuple[str, int], ...]) -> None:
    """The default dataset: the union default graph and every named graph with its size."""
    dataset, default = BNode(), BNode()
    g.add((service, SD.defaultDataset, dataset))
    g.add((dataset, RDF.type, SD.Dataset))
    g.add((dataset, SD.defaultGraph, default))
    g.add((default, RDF.type, SD.Graph))
    g.add((default, DCTERMS.description, Literal("Unionen av alla namngivna grafer.", lang="sv")))
    for name, count in sizes:
        if not name:
            continue
        named, graph = BNode(), BNode()
        g.add((dataset, SD.namedGraph, named))
        g.add((named, RDF.type, SD.NamedGraph))
        g.add((named, SD.name, URIRef(name)))
        g.add((named, SD.graph, graph))
        g.add((graph, RDF.type, SD.Graph))
        g.add((graph, VOID.triples, Literal(count, datatype=XSD.integer)))


@functools.lru_cache(maxsize=4)
def _sizes(generation: str, store: GraphReader) -> tuple[tuple[str, int], ...]:
    """Triples per named graph of one store generation (generations never change: cache them)."""
    return tuple(sorted(store.graph_sizes().items()))
