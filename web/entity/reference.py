"""Page data for reference things and figures: rättighet, globalt mål, område, observation."""

from __future__ import annotations

from typing import Any

from graph import GraphReader, sparql_prologue
from web.entity.data import select
from web.entity.indicators import SEX
from web.entity.links import article_word

P = sparql_prologue()
LABELS = P + """
SELECT DISTINCT ?r ?kind ?label (LANG(?label) AS ?lang) WHERE {
  { ?r skos:prefLabel ?label BIND("pref" AS ?kind) }
  UNION { ?r skos:altLabel ?label BIND("alt" AS ?kind) }
} ORDER BY ?kind DESC(?lang) ?label"""
ARTICLE = P + """
SELECT ?r ?number ?notation ?instrument ?code ?instrumentLabel WHERE {
  ?r bk:articleNumber ?number ; bk:instrument ?instrument . ?instrument skos:notation ?code .
  OPTIONAL { ?r skos:notation ?notation }
  OPTIONAL { ?instrument skos:prefLabel ?instrumentLabel FILTER(lang(?instrumentLabel) = "sv") }
}"""
ARTICLE_USERS = P + """
SELECT DISTINCT ?r ?thing ?type ?label ?letter ?number WHERE {
  { ?thing bk:contributesToRight ?r } UNION { ?thing bk:supportsRight ?r }
  ?thing a ?type ; skos:prefLabel ?label .
  OPTIONAL { ?thing bk:letter ?letter } OPTIONAL { ?thing bk:number ?number }
  OPTIONAL { ?thing bk:goal/bk:letter ?letter }
} ORDER BY ?number ?letter ?label"""
ARTICLE_INFERRED = P + """
SELECT DISTINCT ?r ?action ?label ?letter ?score ?evidence WHERE {
  ?action bk:inferredSupport ?link ; skos:prefLabel ?label ; bk:goal/bk:letter ?letter .
  ?link bk:article ?r . OPTIONAL { ?link bk:score ?score }
  OPTIONAL { ?link bk:evidenceSentence ?evidence }
} ORDER BY ?letter ?label"""
SDG = P + """
SELECT ?r ?notation ?match WHERE {
  ?r skos:notation ?notation . OPTIONAL { ?r skos:exactMatch ?match }
}"""
SDG_AREAS = P + """
SELECT DISTINCT ?r ?area ?number ?label ?why WHERE {
  ?area bk:contributesToSDG ?r ; bk:number ?number ; skos:prefLabel ?label .
  OPTIONAL { ?link a bk:CuratedLink ; bk:sdg ?r ; bk:goalArea ?area ; bk:justification ?why }
} ORDER BY ?number"""
AREA = P + """
SELECT ?r ?notation ?comment WHERE {
  OPTIONAL { ?r skos:notation ?notation }
  OPTIONAL { ?r rdfs:comment ?comment FILTER(lang(?comment) = "sv") }
}"""
AREA_FIGURES = P + """
SELECT DISTINCT ?r ?obs ?ind ?label ?unit ?year ?value ?sex ?breakdown WHERE {
  ?obs sdmx-dimension:refArea ?r ; bk:indicator ?ind ; bk:year ?year ;
       sdmx-measure:obsValue ?value .
  ?ind skos:prefLabel ?label ; bk:unit ?unit .
  OPTIONAL { ?obs sdmx-dimension:sex ?sex } OPTIONAL { ?obs bk:breakdown ?breakdown }
} ORDER BY ?label ?breakdown ?sex DESC(?year)"""
MUNICIPALITY = P + """
SELECT ?r ?notation ?area WHERE {
  OPTIONAL { ?r skos:notation ?notation . OPTIONAL { ?area a bk:Area ; skos:notation ?notation } }
}"""
PUBLISHED = P + """
SELECT DISTINCT ?r ?thing ?type ?label WHERE {
  ?thing dcterms:publisher ?r ; a ?type ; skos:prefLabel|dcterms:title ?label .
} ORDER BY ?type ?label"""
OBSERVATION = P + """
SELECT ?r ?ind ?indLabel ?unit ?value ?year ?area ?areaLabel ?sex ?breakdown ?comment ?report
       ?reportTitle WHERE {
  ?r bk:indicator ?ind ; sdmx-measure:obsValue ?value ; bk:year ?year ;
     sdmx-dimension:refArea ?area .
  ?ind skos:prefLabel ?indLabel ; bk:unit ?unit .
  OPTIONAL { ?area skos:prefLabel ?areaLabel FILTER(lang(?areaLabel) = "sv") }
  OPTIONAL { ?r sdmx-dimension:sex ?sex } OPTIONAL { ?r bk:breakdown ?breakdown }
  OPTIONAL { ?r bk:comment ?comment }
  OPTIONAL { ?r bk:report ?report . ?report dcterms:title ?reportTitle }
}"""


def labels(store: GraphReader, iri: str) -> list[dict[str, Any]]:
    """Every prefLabel and altLabel with its language, Swedish first."""
    return select(store, LABELS, r=iri)


def rights_article(store: GraphReader, iri: str) -> dict[str, Any]:
    """A rights article: instrument, wordings, and the målområden, mål and åtgärder citing it."""
    info = select(store, ARTICLE, r=iri)[0]
    users: dict[str, list[dict[str, Any]]] = {"GoalArea": [], "Goal": [], "Action": []}
    for row in select(store, ARTICLE_USERS, r=iri):
        kind = row["type"].rsplit("#", 1)[-1]
        if kind in users and row["thing"] not in {u["thing"] for u in users[kind]}:
            users[kind].append(row)
    return {"info": info | {"slug": str(info["code"]).lower(),
                            "word": article_word(str(info["code"]))},
            "labels": labels(store, iri), "users": users,
            "inferred": select(store, ARTICLE_INFERRED, r=iri)}


def sdg(store: GraphReader, iri: str) -> dict[str, Any]:
    """A global goal and the målområden the project has linked to it (curated)."""
    return {"info": select(store, SDG, r=iri)[0], "labels": labels(store, iri),
            "areas": select(store, SDG_AREAS, r=iri)}


def area(store: GraphReader, iri: str) -> dict[str, Any]:
    """An area and every figure reported for it."""
    figures = [row | {"sex": SEX.get(row.get("sex", ""))}
               for row in select(store, AREA_FIGURES, r=iri)]
    return {"info": (select(store, AREA, r=iri) or [{}])[0], "labels": labels(store, iri),
            "figures": figures}


def municipality(store: GraphReader, iri: str) -> dict[str, Any]:
    """A municipality: code, its area, the reports and strategies it publishes."""
    return {"info": (select(store, MUNICIPALITY, r=iri) or [{}])[0],
            "labels": labels(store, iri), "published": select(store, PUBLISHED, r=iri)}


def observation(store: GraphReader, iri: str) -> dict[str, Any]:
    """One figure with its dimensions."""
    info = select(store, OBSERVATION, r=iri)[0]
    return {"info": info | {"sex": SEX.get(info.get("sex", ""))}}
