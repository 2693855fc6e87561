"""Page data for the strategy's own things: strategi, målområde, mål (trusted queries)."""

from __future__ import annotations

from typing import Any

from graph import GraphReader, sparql_prologue
from web.entity.changes import since_previous
from web.entity.data import excerpt, paragraphs, select
from web.entity.indicators import main_chart, observations
from web.entity.links import initiatives_of_goal, rights, sdgs

P = sparql_prologue()
GOAL = P + """
SELECT ?r ?letter ?label ?area ?number ?areaLabel ?page WHERE {
  ?r bk:letter ?letter ; skos:prefLabel ?label ; bk:goalArea ?area .
  ?area bk:number ?number ; skos:prefLabel ?areaLabel .
  OPTIONAL { ?r bk:page ?page }
}"""
ACTIONS = P + """
SELECT ?r ?action ?label ?text ?order ?page ?reportYear WHERE {
  ?action a bk:Action ; bk:goal ?r ; skos:prefLabel ?label ; bk:text ?text ; bk:order ?order ;
          bk:report/bk:year ?reportYear .
  OPTIONAL { ?action bk:page ?page }
} ORDER BY DESC(?reportYear) ?order"""
INDICATORS = P + """
SELECT ?r ?ind ?label ?unit ?direction (MIN(?o) AS ?order) WHERE {
  ?ind a bk:Indicator ; bk:goal ?r ; skos:prefLabel ?label ; bk:unit ?unit .
  OPTIONAL { ?ind bk:direction ?direction }
  OPTIONAL { ?ind prov:wasDerivedFrom/bk:order ?o }
} GROUP BY ?r ?ind ?label ?unit ?direction ORDER BY ?order ?label"""
GOAL_AREA = P + """
SELECT ?r ?number ?label ?page ?strategy ?strategyLabel WHERE {
  ?r bk:number ?number ; skos:prefLabel ?label .
  OPTIONAL { ?r bk:page ?page }
  OPTIONAL { ?r bk:strategy ?strategy . ?strategy skos:prefLabel ?strategyLabel }
}"""
GOALS = P + """
SELECT ?r ?goal ?letter ?label WHERE {
  ?goal a bk:Goal ; bk:goalArea ?r ; bk:letter ?letter ; skos:prefLabel ?label .
} ORDER BY ?letter"""
DEVELOPMENT = P + """
SELECT ?r ?dev ?text ?order ?reportYear WHERE {
  ?dev a bk:DevelopmentArea ; bk:goalArea ?r ; bk:text ?text ; bk:order ?order ;
       bk:report/bk:year ?reportYear .
} ORDER BY DESC(?reportYear) ?order"""
SUMMARY = P + """
SELECT ?r ?passage ?text ?heading ?page ?order ?reportYear WHERE {
  ?passage a bk:Passage ; bk:goalArea ?r ; bk:kind "narrative" ; bk:text ?text ;
           bk:order ?order ; bk:report/bk:year ?reportYear .
  FILTER NOT EXISTS { ?passage bk:goal ?goal }
  OPTIONAL { ?passage bk:heading ?heading } OPTIONAL { ?passage bk:page ?page }
} ORDER BY DESC(?reportYear) ?order"""
STRATEGY = P + """
SELECT ?r ?label ?publisher ?publisherLabel WHERE {
  ?r skos:prefLabel ?label .
  OPTIONAL { ?r dcterms:publisher ?publisher .
             ?publisher skos:prefLabel ?publisherLabel FILTER(lang(?publisherLabel) = "sv") }
}"""
AREAS = P + """
SELECT ?r ?area ?number ?label WHERE {
  ?area a bk:GoalArea ; bk:strategy ?r ; bk:number ?number ; skos:prefLabel ?label .
} ORDER BY ?number"""
FOLLOW_UPS = P + """
SELECT ?r ?report ?title ?year WHERE {
  ?report a bk:Report ; bk:strategy ?r ; dcterms:title ?title ; bk:year ?year .
} ORDER BY DESC(?year)"""


def goal(store: GraphReader, iri: str) -> dict[str, Any]:
    """A mål: its actions, initiatives, rights, curated SDGs and indicators with charts."""
    info = select(store, GOAL, r=iri)[0]
    actions = [a | {"excerpt": excerpt(a["text"])} for a in select(store, ACTIONS, r=iri)]
    obs = observations(store, goal=iri)
    indicators = []
    for ind in select(store, INDICATORS, r=iri):
        mine = [o for o in obs if o.indicator == ind["ind"]]
        indicators.append(ind | {"chart": main_chart(mine, ind["label"], ind["unit"]),
                                 "years": sorted({o.year for o in mine})})
    return {"info": info, "actions": actions, "initiatives": initiatives_of_goal(store, iri),
            "rights": rights(store, iri),
            "sdgs": sorted({**{s["sdg"]: s for s in sdgs(store, info["area"])},
                            **{s["sdg"]: s for s in sdgs(store, iri)}}.values(),
                           key=lambda s: int(s["notation"])),
            "indicators": indicators, "changes": since_previous(actions, obs, indicators)}


def goal_area(store: GraphReader, iri: str) -> dict[str, Any]:
    """A målområde: its mål, rights by instrument, curated SDGs, development areas, summary."""
    return {"info": select(store, GOAL_AREA, r=iri)[0], "goals": select(store, GOALS, r=iri),
            "rights": rights(store, iri), "sdgs": sdgs(store, iri),
            "development": select(store, DEVELOPMENT, r=iri),
            "summary": [p | {"paragraphs": paragraphs(p["text"])}
                        for p in select(store, SUMMARY, r=iri)]}


def strategy(store: GraphReader, iri: str) -> dict[str, Any]:
    """A strategy: its målområden with their mål, and the reports that follow it up."""
    areas = select(store, AREAS, r=iri)
    for area in areas:
        area["goals"] = select(store, GOALS, r=area["area"])
    return {"info": select(store, STRATEGY, r=iri)[0], "areas": areas,
            "reports": select(store, FOLLOW_UPS, r=iri)}
