"""A VoID description of the live dataset: size, classes, vocabularies, endpoint, dumps, graphs."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, XSD

from graph import PREFIXES, GraphReader, sparql_prologue

VOID = Namespace("http://rdfs.org/ns/void#")
DATASET_ID = "datamangd/bokslutsgrafen"
GRAPH_TITLES = {
    "graf/ontologi": "Ontologin (bk:) med klasser och egenskaper",
    "graf/referens": "Referensvokabulär: rättigheter, globala mål och geografiska områden",
    "graf/kurerat": "Projektets kurerade kopplingar från målområden till de globala målen",
    "graf/harlett": "Rättighetskopplingar härledda ur texten (hålls åtskilda)",
}
UNION_SIZE = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
COUNTS = sparql_prologue() + """
SELECT (COUNT(DISTINCT ?s) AS ?subjects) (COUNT(DISTINCT ?p) AS ?properties)
       (COUNT(DISTINCT ?o) AS ?objects) WHERE { ?s ?p ?o }
"""
CLASSES = sparql_prologue() + """
SELECT ?class (COUNT(DISTINCT ?s) AS ?entities) WHERE { ?s a ?class FILTER(isIRI(?s)) }
GROUP BY ?class ORDER BY ?class
"""
TERMS = ("SELECT DISTINCT ?term WHERE { { ?s ?term ?o } UNION { ?s a ?term } "
         "UNION { ?s ?p ?term FILTER(isIRI(?term)) } }")
REPORT_TITLES = sparql_prologue() + """
SELECT ?g ?title WHERE { GRAPH ?g { ?r a bk:Report ; dcterms:title ?title } }
"""


def public_base(extensions: dict, configured: str, request_host_url: str) -> str:
    """The site's public base URL without a trailing slash: the setting, else the first
    request's, kept for good (never one per Host header: a client chooses that header)."""
    if configured:
        return configured.rstrip("/")
    return extensions.setdefault("bokslut_public_base", request_host_url.rstrip("/"))


@dataclass(frozen=True)
class Links:
    """Absolute URLs of this site's endpoint, dumps and home page."""

    home: str
    sparql: str | None
    dumps: list[str]


def union_triples(store: GraphReader) -> int:
    """Distinct triples over all named graphs: the default graph the SPARQL endpoint queries."""
    return int(store.select(UNION_SIZE, trusted=True)[0]["n"])


def number(value: int) -> Literal:
    """An xsd:integer literal."""
    return Literal(value, datatype=XSD.integer)


def vocabularies(terms: Iterable[str]) -> list[str]:
    """The known namespaces that these predicate and class IRIs belong to."""
    spaces = sorted(set(PREFIXES.values()), key=len, reverse=True)
    used = {next((ns for ns in spaces if t.startswith(ns)), None) for t in terms}
    return sorted(ns for ns in used if ns)


def graph_titles(store: GraphReader, base: str) -> dict[str, str]:
    """A Swedish title for each named graph."""
    titles = {base + name: title for name, title in GRAPH_TITLES.items()}
    for row in store.select(REPORT_TITLES, trusted=True):
        titles[str(row["g"])] = str(row["title"])
    return titles


def describe(store: GraphReader, generation: Path, base: str, links: Links) -> Graph:
    """The VoID graph of the whole dataset with one subset per named graph."""
    g = Graph()
    g.bind("void", VOID)
    g.bind("dcterms", DCTERMS)
    g.bind("foaf", FOAF)
    g.bind("bk", PREFIXES["bk"])
    ds = URIRef(base + DATASET_ID)
    g.add((ds, RDF.type, VOID.Dataset))
    g.add((ds, DCTERMS.title, Literal("Bokslutsgrafen", lang="sv")))
    g.add((ds, DCTERMS.description, Literal(
        "Kunskapsgraf över kommunernas bokslut för social hållbarhet: målområden, mål, "
        "insatser, indikatorer med observationer (W3C Data Cube), textavsnitt och kopplingar "
        "till mänskliga rättigheter och de globala målen.", lang="sv")))
    modified = datetime.fromtimestamp(generation.stat().st_mtime, UTC).replace(microsecond=0)
    g.add((ds, DCTERMS.modified, Literal(modified.isoformat(), datatype=XSD.dateTime)))
    g.add((ds, FOAF.homepage, URIRef(links.home)))
    if links.sparql:
        g.add((ds, VOID.sparqlEndpoint, URIRef(links.sparql)))
    for url in links.dumps:
        g.add((ds, VOID.dataDump, URIRef(url)))
    g.add((ds, VOID.uriSpace, Literal(base)))
    add_statistics(g, ds, store)
    titles = graph_titles(store, base)
    for graph_iri, size in sorted(store.graph_sizes().items()):
        add_subset(g, ds, graph_iri, size, titles)
    return g


def add_statistics(g: Graph, ds: URIRef, store: GraphReader) -> None:
    """Triples (the union, each once), entities, classes, properties, class partitions."""
    g.add((ds, VOID.triples, number(union_triples(store))))
    counts = store.select(COUNTS, trusted=True)[0]
    g.add((ds, VOID.properties, number(int(counts["properties"]))))
    g.add((ds, VOID.distinctSubjects, number(int(counts["subjects"]))))
    g.add((ds, VOID.distinctObjects, number(int(counts["objects"]))))
    classes = store.select(CLASSES, trusted=True)
    g.add((ds, VOID.classes, number(len(classes))))
    entities = store.select("SELECT (COUNT(DISTINCT ?s) AS ?n) "
                                     "WHERE { ?s a ?c FILTER(isIRI(?s)) }", trusted=True)[0]["n"]
    g.add((ds, VOID.entities, number(int(entities))))
    for row in classes:
        part = BNode()
        g.add((ds, VOID.classPartition, part))
        g.add((part, VOID["class"], row["class"]))
        g.add((part, VOID.entities, number(int(row["entities"]))))
    terms = [str(r["term"]) for r in store.select(TERMS, trusted=True)]
    for ns in vocabularies(terms):
        g.add((ds, VOID.vocabulary, URIRef(ns)))


def add_subset(g: Graph, ds: URIRef, graph_iri: str, size: int, titles: dict[str, str]) -> None:
    """One named graph as a subset of the dataset."""
    if not graph_iri:
        return  # the default graph is empty in this store; nothing to describe
    subset = URIRef(graph_iri)
    g.add((ds, VOID.subset, subset))
    g.add((subset, RDF.type, VOID.Dataset))
    g.add((subset, VOID.triples, number(size)))
    if graph_iri in titles:
        g.add((subset, DCTERMS.title, Literal(titles[graph_iri], lang="sv")))
