"""Page data for what the report says: åtgärd, textavsnitt, initiativ, rapport (trusted queries)."""

from __future__ import annotations

from typing import Any

from rdflib import Literal

from graph import GraphReader, sparql_prologue
from web.entity.data import paragraphs, pick_label, select
from web.entity.links import article_word, initiatives_of_action, rights

P = sparql_prologue()
ACTION = P + """
SELECT ?r ?label ?text ?page ?goal ?letter ?goalLabel ?report ?reportTitle ?reportYear WHERE {
  ?r skos:prefLabel ?label ; bk:text ?text ; bk:goal ?goal ; bk:report ?report .
  ?goal bk:letter ?letter ; skos:prefLabel ?goalLabel .
  ?report dcterms:title ?reportTitle ; bk:year ?reportYear .
  OPTIONAL { ?r bk:page ?page }
}"""
PROVENANCE = P + """
SELECT DISTINCT ?r ?passage ?order ?page ?heading ?text WHERE {
  ?r prov:wasDerivedFrom ?passage . ?passage bk:order ?order ; bk:text ?text .
  OPTIONAL { ?passage bk:page ?page } OPTIONAL { ?passage bk:heading ?heading }
} ORDER BY ?order"""
INFERRED = P + """
SELECT DISTINCT ?r ?article ?number ?code ?instrumentLabel ?label ?method ?score ?evidence WHERE {
  ?r bk:inferredSupport ?link . ?link bk:article ?article .
  ?article bk:articleNumber ?number ; bk:instrument ?instrument . ?instrument skos:notation ?code .
  OPTIONAL { ?instrument skos:prefLabel ?instrumentLabel FILTER(lang(?instrumentLabel) = "sv") }
  OPTIONAL { ?article skos:prefLabel ?label FILTER(lang(?label) = "sv") }
  OPTIONAL { ?link bk:method ?method } OPTIONAL { ?link bk:score ?score }
  OPTIONAL { ?link bk:evidenceSentence ?evidence }
} ORDER BY DESC(?score)"""
PASSAGE = P + """
SELECT ?r ?text ?order ?kind ?heading ?page ?goal ?letter ?goalLabel ?area ?number ?areaLabel
       ?report ?reportTitle WHERE {
  ?r bk:text ?text ; bk:order ?order ; bk:report ?report . ?report dcterms:title ?reportTitle .
  OPTIONAL { ?r bk:kind ?kind } OPTIONAL { ?r bk:heading ?heading } OPTIONAL { ?r bk:page ?page }
  OPTIONAL { ?r bk:goal ?goal . ?goal bk:letter ?letter ; skos:prefLabel ?goalLabel }
  OPTIONAL { ?r bk:goalArea ?area . ?area bk:number ?number ; skos:prefLabel ?areaLabel }
}"""
REPORT_PASSAGES = P + """
SELECT ?report ?passage ?order ?heading ?goal ?area ?page ?text WHERE {
  ?passage a bk:Passage ; bk:report ?report ; bk:order ?order ; bk:text ?text .
  OPTIONAL { ?passage bk:heading ?heading } OPTIONAL { ?passage bk:page ?page }
  OPTIONAL { ?passage bk:goal ?goal } OPTIONAL { ?passage bk:goalArea ?area }
} ORDER BY ?order"""
DERIVED = P + """
SELECT DISTINCT ?r ?thing ?label ?type WHERE {
  ?thing prov:wasDerivedFrom ?r ; skos:prefLabel ?label ; a ?type .
} ORDER BY ?label"""
INITIATIVE = P + """
SELECT ?r ?label ?alias WHERE {
  ?r skos:prefLabel ?label . OPTIONAL { ?r bk:alias ?alias }
} ORDER BY ?alias"""
MENTIONS = P + """
SELECT ?r ?action ?label ?letter ?goal ?goalLabel ?reportYear WHERE {
  ?r bk:mentionedIn ?action . ?action skos:prefLabel ?label ; bk:goal ?goal ;
  bk:report/bk:year ?reportYear . ?goal bk:letter ?letter ; skos:prefLabel ?goalLabel .
} ORDER BY DESC(?reportYear) ?letter ?label"""
REPORT = P + """
SELECT ?r ?title ?year ?source ?sha ?publisher ?publisherLabel ?strategy ?strategyLabel WHERE {
  ?r dcterms:title ?title ; bk:year ?year .
  OPTIONAL { ?r dcterms:source ?source } OPTIONAL { ?r bk:sha256 ?sha }
  OPTIONAL { ?r dcterms:publisher ?publisher .
             ?publisher skos:prefLabel ?publisherLabel FILTER(lang(?publisherLabel) = "sv") }
  OPTIONAL { ?r bk:strategy ?strategy . ?strategy skos:prefLabel ?strategyLabel }
}"""
REPORT_COUNTS = P + """
SELECT ?r ?type (COUNT(DISTINCT ?x) AS ?n) WHERE {
  { ?x bk:report ?r } UNION { ?x bk:reportedIn ?r } ?x a ?type .
} GROUP BY ?r ?type"""
COUNT_NAMES = {"Passage": "textavsnitt", "Action": "åtgärder", "Indicator": "indikatorer",
               "Observation": "observationer", "DevelopmentArea": "utvecklingsområden"}


def action(store: GraphReader, iri: str) -> dict[str, Any]:
    """An åtgärd: its text, mål, rights, initiatives and the passages it was read from."""
    info = select(store, ACTION, r=iri)[0]
    return {"info": info, "paragraphs": paragraphs(info["text"]),
            "rights": rights(store, iri, "supportsRight"),
            "inferred": inferred(store, iri),
            "initiatives": initiatives_of_action(store, iri),
            "provenance": select(store, PROVENANCE, r=iri)}


def inferred(store: GraphReader, iri: str) -> list[dict[str, Any]]:
    """Rights links the search model inferred from the action's text (graf/harlett), best first."""
    found: dict[str, dict[str, Any]] = {}
    for row in select(store, INFERRED, r=iri):
        item = found.setdefault(row["article"], row | {"labels": [], "slug": row["code"].lower(),
                                                       "word": article_word(row["code"]),
                                                       "iri": row["article"]})
        if row.get("label"):
            item["labels"].append(Literal(row["label"], lang="sv"))
    for item in found.values():
        item["label"] = pick_label(item.pop("labels")) or ""
    return list(found.values())


def section_of(rows: list[dict[str, Any]], iri: str, reach: int = 3) -> list[dict[str, Any]]:
    """The passage's neighbours in reading order that share its heading, mål and målområde."""
    def key(row: dict[str, Any]) -> tuple:
        return (row.get("heading"), row.get("goal"), row.get("area"))
    at = next((n for n, row in enumerate(rows) if row["passage"] == iri), None)
    if at is None:
        return []
    start = end = at
    while start > 0 and at - start < reach and key(rows[start - 1]) == key(rows[at]):
        start -= 1
    while end + 1 < len(rows) and end - at < reach and key(rows[end + 1]) == key(rows[at]):
        end += 1
    return [row | {"current": row["passage"] == iri} for row in rows[start:end + 1]]


def passage(store: GraphReader, iri: str) -> dict[str, Any]:
    """A textavsnitt: text, page, heading, its mål/målområde, and its place in the section."""
    info = select(store, PASSAGE, r=iri)[0]
    rows = select(store, REPORT_PASSAGES, report=info["report"])
    return {"info": info, "paragraphs": paragraphs(info["text"]),
            "context": section_of(rows, iri), "derived": select(store, DERIVED, r=iri)}


def initiative(store: GraphReader, iri: str) -> dict[str, Any]:
    """An initiativ: its aliases and the actions that mention it."""
    rows = select(store, INITIATIVE, r=iri)
    return {"info": rows[0], "aliases": [r["alias"] for r in rows if r.get("alias")],
            "actions": select(store, MENTIONS, r=iri)}


def report(store: GraphReader, iri: str) -> dict[str, Any]:
    """A rapport: metadata, what it holds, and the strategy's målområden it follows up."""
    from web.entity.strategy import AREAS

    info = select(store, REPORT, r=iri)[0]
    counts = {COUNT_NAMES[row["type"].rsplit("#", 1)[-1]]: row["n"]
              for row in select(store, REPORT_COUNTS, r=iri)
              if row["type"].rsplit("#", 1)[-1] in COUNT_NAMES}
    areas = select(store, AREAS, r=info["strategy"]) if info.get("strategy") else []
    return {"info": info, "counts": counts, "areas": areas}
