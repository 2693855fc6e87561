"""Links several pages show: rights grouped by instrument, curated SDGs, named initiatives."""

from __future__ import annotations

from typing import Any

from rdflib import Literal

from graph import GraphReader, sparql_prologue
from web.entity.data import pick_label, select

P = sparql_prologue()
RIGHTS = P + """
SELECT DISTINCT ?r ?article ?number ?label ?instrument ?code ?instrumentLabel WHERE {
  ?r bk:%s ?article .
  ?article bk:articleNumber ?number ; bk:instrument ?instrument .
  ?instrument skos:notation ?code .
  OPTIONAL { ?instrument skos:prefLabel ?instrumentLabel FILTER(lang(?instrumentLabel) = "sv") }
  OPTIONAL { ?article skos:prefLabel ?label FILTER(lang(?label) = "sv") }
}"""
SDGS = P + """
SELECT DISTINCT ?area ?sdg ?notation ?label ?why WHERE {
  ?area bk:contributesToSDG ?sdg .
  ?sdg skos:notation ?notation ; skos:prefLabel ?label FILTER(lang(?label) = "sv")
  OPTIONAL { ?link a bk:CuratedLink ; bk:goalArea ?area ; bk:sdg ?sdg ; bk:justification ?why }
}"""
GOAL_INITIATIVES = P + """
SELECT DISTINCT ?r ?init ?label ?action ?actionLabel WHERE {
  ?action a bk:Action ; bk:goal ?r ; skos:prefLabel ?actionLabel .
  ?init bk:mentionedIn ?action ; skos:prefLabel ?label .
} ORDER BY ?label ?actionLabel"""
ACTION_INITIATIVES = P + """
SELECT DISTINCT ?r ?init ?label WHERE { ?init bk:mentionedIn ?r ; skos:prefLabel ?label }
ORDER BY ?label"""
INSTRUMENT_ORDER = ("CRC", "UDHR", "CRPD", "JAM")


def article_word(code: str) -> str:
    """'delmål' for the gender-equality policy (its delmål are its articles), else 'art.'."""
    return "delmål" if code.upper() == "JAM" else "art."


def rights(store: GraphReader, iri: str, predicate: str = "contributesToRight") -> list[dict]:
    """The rights a målområde/mål contributes to (or an action supports), by instrument."""
    by_article: dict[str, dict[str, Any]] = {}
    for row in select(store, RIGHTS % predicate, r=iri):
        item = by_article.setdefault(row["article"], {
            "iri": row["article"], "number": row["number"], "code": str(row["code"]),
            "slug": str(row["code"]).lower(), "word": article_word(str(row["code"])),
            "instrument": row["instrument"],
            "instrument_label": row.get("instrumentLabel") or row["code"], "labels": []})
        if row.get("label"):
            item["labels"].append(Literal(row["label"], lang="sv"))
    groups: dict[str, dict[str, Any]] = {}
    for item in by_article.values():
        item["label"] = pick_label(item.pop("labels")) or ""
        group = groups.setdefault(item["code"], {"code": item["code"], "iri": item["instrument"],
                                                 "label": item["instrument_label"],
                                                 "articles": []})
        group["articles"].append(item)
    for group in groups.values():
        group["articles"].sort(key=lambda a: a["number"])
    rank = {code: n for n, code in enumerate(INSTRUMENT_ORDER)}
    return sorted(groups.values(), key=lambda g: (rank.get(g["code"], 99), g["code"]))


def sdgs(store: GraphReader, area: str) -> list[dict[str, Any]]:
    """The global goals curated for a målområde, with the project's justification."""
    found = {row["sdg"]: row for row in select(store, SDGS, area=area)}
    return sorted(found.values(), key=lambda row: int(row["notation"]))


def initiatives_of_goal(store: GraphReader, goal: str) -> list[dict[str, Any]]:
    """Named initiatives mentioned in a mål's actions, each with the actions."""
    found: dict[str, dict[str, Any]] = {}
    for row in select(store, GOAL_INITIATIVES, r=goal):
        item = found.setdefault(row["init"], {"iri": row["init"], "label": row["label"],
                                              "actions": []})
        item["actions"].append({"iri": row["action"], "label": row["actionLabel"]})
    return sorted(found.values(), key=lambda i: i["label"].lower())


def initiatives_of_action(store: GraphReader, action: str) -> list[dict[str, Any]]:
    """Named initiatives an action mentions."""
    return select(store, ACTION_INITIATIVES, r=action)
