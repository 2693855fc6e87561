"""Trusted queries about one resource: does it exist, its types, its triples, what links to it.

The resource's IRI is always passed as a binding (?r), never pasted into query text.
"""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox
from rdflib import Literal, URIRef
from rdflib.term import Node

from graph.namespaces import PREFIXES, sparql_prologue
from graph.trusted_query import trusted_ask, trusted_select

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


def valid_iri(iri: str) -> bool:
    """True when the text is an IRI the store can be asked about (no '<', spaces, …)."""
    try:
        ox.NamedNode(iri)
    except ValueError:
        return False
    return True


def exists(store: ox.Store, iri: str) -> bool:
    """True when the resource occurs as subject or object of some triple."""
    return valid_iri(iri) and trusted_ask(store, EXISTS, {"r": URIRef(iri)})


def types(store: ox.Store, iri: str) -> set[str]:
    """The resource's rdf:type IRIs."""
    return {str(row["type"]) for row in trusted_select(store, TYPES, {"r": URIRef(iri)})}


def outgoing(store: ox.Store, iri: str) -> list[tuple[Node, Node]]:
    """Every (predicate, object) with the resource as subject, once each over all graphs."""
    return [(row["p"], row["o"]) for row in trusted_select(store, OUTGOING, {"r": URIRef(iri)})]


def pick_label(labels: list[Node]) -> str | None:
    """The Swedish label if any (shortest, then alphabetical), else an untagged, else any."""
    def rank(term: Node) -> tuple:
        lang = term.language if isinstance(term, Literal) else None
        return (0 if lang == "sv" else 1 if lang is None else 2, len(str(term)), str(term))
    return str(min(labels, key=rank)) if labels else None


def label_of(store: ox.Store, iri: str) -> str | None:
    """The resource's own display label."""
    rows = trusted_select(store, LABELS_OF, {"r": URIRef(iri)})
    return pick_label([row["label"] for row in rows])


def _labels(rows: list[dict[str, Node]], key: str) -> dict[str, str]:
    """{iri: best label} from rows of (key, label)."""
    found: dict[str, list[Node]] = {}
    for row in rows:
        if "label" in row:
            found.setdefault(str(row[key]), []).append(row["label"])
    return {node: pick_label(labels) or node for node, labels in found.items()}


def property_names(store: ox.Store) -> dict[str, str]:
    """Swedish names of properties: the ontology's rdfs:label@sv and the standard ones."""
    names = {str(row["p"]): str(row["label"]) for row in trusted_select(store, PROPERTY_LABELS)}
    return STANDARD_SV | names


def property_rows(store: ox.Store, iri: str) -> list[dict[str, Any]]:
    """The resource's triples as table rows: predicate and value, each with a label."""
    labels = _labels(trusted_select(store, OUT_LABELS, {"r": URIRef(iri)}), "node")
    names = property_names(store)
    rows = []
    for p, o in outgoing(store, iri):
        rows.append({"p": str(p), "p_label": names.get(str(p), short(str(p))),
                     "o": o, "is_iri": isinstance(o, URIRef),
                 "o_value": o.toPython() if isinstance(o, Literal) else str(o),
                     "o_label": labels.get(str(o)) if isinstance(o, URIRef) else None})
    return sorted(rows, key=lambda r: (r["p"] != RDF_TYPE, r["p_label"], str(r["o"])))


def incoming_rows(store: ox.Store, iri: str) -> list[dict[str, Any]]:
    """Resources that link here: (subject, predicate) with labels, at most 500."""
    rows = trusted_select(store, INCOMING, {"r": URIRef(iri)})
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


def select(store: ox.Store, query: str, **bindings: str) -> list[dict[str, Any]]:
    """Rows of a trusted SELECT as plain values (IRIs as str, literals as Python values).

    Each keyword is an IRI bound to the variable of that name (which the query projects).
    """
    terms = {name: URIRef(value) for name, value in bindings.items()}
    return [{k: str(v) if isinstance(v, URIRef) else v.toPython() if isinstance(v, Literal)
             else v for k, v in row.items()} for row in trusted_select(store, query, terms)]


def excerpt(text: str, limit: int = 300) -> str:
    """The first paragraph, cut at a word boundary near `limit` characters."""
    first = text.strip().split("\n\n", 1)[0]
    if len(first) <= limit:
        return first
    return first[:limit].rsplit(" ", 1)[0].rstrip(",;:–-") + " …"


def paragraphs(text: str) -> list[str]:
    """A text's paragraphs (blank-line separated)."""
    return [p.strip() for p in text.split("\n\n") if p.strip()]
