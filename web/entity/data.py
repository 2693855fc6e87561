"""Trusted queries about one resource: does it exist, its types, its triples, what links to it.

The resource's IRI is always passed as a binding (?r), never pasted into query text.
"""

from __future__ import annotations

from typing import Any

from rdflib import Literal, URIRef
from rdflib.term import Node

from graph import PREFIXES, GraphReader, sparql_prologue, valid_iri

P = sparql_prologue()
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
# Swedish names of the standard properties (the project's own come from the ontology).
STANDARD_SV = {
    RDF_TYPE: "typ", PREFIXES["skos"] + "prefLabel": "namn",
    PREFIXES["skos"] + "altLabel": "annat namn", PREFIXES["skos"] + "notation": "kod",
    PREFIXES["skos"] + "inScheme": "ingår i", PREFIXES["skos"] + "exactMatch": "samma som",
    PREFIXES["skos"] + "topConceptOf": "toppbegrepp i", PREFIXES["dcterms"] + "title": "titel",
    PREFIXES["dcterms"] + "publisher": "utgivare", PREFIXES["dcterms"] + "source": "källa",
    PREFIXES["dcterms"] + "creator": "skapad av", PREFIXES["rdfs"] + "label": "etikett",
    PREFIXES["rdfs"] + "comment": "beskrivning", PREFIXES["qb"] + "dataSet": "datamängd",
    PREFIXES["qb"] + "structure": "struktur", PREFIXES["prov"] + "wasDerivedFrom": "härledd från",
    PREFIXES["sdmx-measure"] + "obsValue": "värde",
    PREFIXES["sdmx-dimension"] + "refArea": "område", PREFIXES["sdmx-dimension"] + "sex": "kön",
}
PROPERTY_LABELS = P + """
SELECT ?p ?label WHERE {
  ?p a ?kind ; rdfs:label ?label .
  VALUES ?kind { owl:ObjectProperty owl:DatatypeProperty rdf:Property qb:DimensionProperty }
  FILTER(lang(?label) = "sv")
}"""
EXISTS = "ASK { { ?r ?p ?o } UNION { ?s ?q ?r } }"
TYPES = "SELECT DISTINCT ?r ?type WHERE { ?r a ?type }"
OUTGOING = "SELECT DISTINCT ?r ?p ?o WHERE { ?r ?p ?o }"
# Labels of the values and of the predicates (ontology rdfs:label), Swedish first.
OUT_LABELS = P + """
SELECT DISTINCT ?r ?node ?label WHERE {
  ?r ?p ?node .
  ?node skos:prefLabel|dcterms:title|rdfs:label ?label .
}"""
INCOMING = P + """
SELECT DISTINCT ?r ?s ?p ?label WHERE {
  ?s ?p ?r . OPTIONAL { ?s skos:prefLabel|dcterms:title|rdfs:label ?label }
} ORDER BY ?p ?s LIMIT 500"""
LABELS_OF = P + """
SELECT DISTINCT ?r ?label WHERE { ?r skos:prefLabel|dcterms:title|rdfs:label ?label }"""


def exists(store: GraphReader, iri: str) -> bool:
    """True when the resource occurs as subject or object of some triple."""
    return valid_iri(iri) and store.ask(EXISTS, {"r": URIRef(iri)}, trusted=True)


def types(store: GraphReader, iri: str) -> set[str]:
    """The resource's rdf:type IRIs."""
    return {str(row["type"]) for row in store.select(TYPES, {"r": URIRef(iri)}, trusted=True)}


def outgoing(store: GraphReader, iri: str) -> list[tuple[Node, Node]]:
    """Every (predicate, object) with the resource as subject, once each over all graphs."""
    rows = store.select(OUTGOING, {"r": URIRef(iri)}, trusted=True)
    return [(row["p"], row["o"]) for row in rows]


def pick_label(labels: list[Node]) -> str | None:
    """The Swedish label if any (shortest, then alphabetical), else an untagged, else any."""
    def rank(term: Node) -> tuple:
        lang = term.language if isinstance(term, Literal) else None
        return (0 if lang == "sv" else 1 if lang is None else 2, len(str(term)), str(term))
    return str(min(labels, key=rank)) if labels else None


def label_of(store: GraphReader, iri: str) -> str | None:
    """The resource's own display label."""
    rows = store.select(LABELS_OF, {"r": URIRef(iri)}, trusted=True)
    return pick_label([row["label"] for row in rows])


def _labels(rows: list[dict[str, Node]], key: str) -> dict[str, str]:
    """{iri: best label} from rows of (key, label)."""
    found: dict[str, list[Node]] = {}
    for row in rows:
        if "label" in row:
            found.setdefault(str(row[key]), []).append(row["label"])
    return {node: pick_label(labels) or node for node, labels in found.items()}


def property_names(store: GraphReader) -> dict[str, str]:
    """Swedish names of properties: the ontology's rdfs:label@sv and the standard ones."""
    rows = store.select(PROPERTY_LABELS, trusted=True)
    names = {str(row["p"]): str(row["label"]) for row in rows}
    return STANDARD_SV | names


def property_rows(store: GraphReader, iri: str) -> list[dict[str, Any]]:
    """The resource's triples as table rows: predicate and value, each with a label."""
    labels = _labels(store.select(OUT_LABELS, {"r": URIRef(iri)}, trusted=True), "node")
    names = property_names(store)
    rows = []
    for p, o in outgoing(store, iri):
        rows.append({"p": str(p), "p_label": names.get(str(p), short(str(p))),
                     "o": o, "is_iri": isinstance(o, URIRef),
                 "o_value": o.toPython() if isinstance(o, Literal) else str(o),
                     "o_label": labels.get(str(o)) if isinstance(o, URIRef) else None})
    return sorted(rows, key=lambda r: (r["p"] != RDF_TYPE, r["p_label"], str(r["o"])))


def incoming_rows(store: GraphReader, iri: str) -> list[dict[str, Any]]:
    """Resources that link here: (subject, predicate) with labels, at most 500."""
    rows = store.select(INCOMING, {"r": URIRef(iri)}, trusted=True)
    labels, names = _labels(rows, "s"), property_names(store)
    seen: dict[tuple[str, str], dict[str, Any]] = {}
    for row in rows:
        key = (str(row["s"]), str(row["p"]))
        seen.setdefault(key, {"s": key[0], "p": key[1], "p_label": names.get(key[1], short(key[1])),
                              "s_label": labels.get(key[0])})
    return list(seen.values())


def short(iri: str) -> str:
    """An IRI as prefix:local when a known namespace fits, else the IRI."""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


def select(store: GraphReader, query: str, **bindings: str) -> list[dict[str, Any]]:
    """Rows of a trusted SELECT as plain values (IRIs as str, literals as Python values).

    Each keyword is an IRI bound to the variable of that name (which the query projects).
    """
    terms = {name: URIRef(value) for name, value in bindings.items()}
    return [{k: str(v) if isinstance(v, URIRef) else v.toPython() if isinstance(v, Literal)
             else v for k, v in row.items()} for row in store.select(query, terms, trusted=True)]


def excerpt(text: str, limit: int = 300) -> str:
    """The first paragraph, cut at a word boundary near `limit` characters."""
    first = text.strip().split("\n\n", 1)[0]
    if len(first) <= limit:
        return first
    return first[:limit].rsplit(" ", 1)[0].rstrip(",;:–-") + " …"


def paragraphs(text: str) -> list[str]:
    """A text's paragraphs (blank-line separated)."""
    return [p.strip() for p in text.split("\n\n") if p.strip()]
