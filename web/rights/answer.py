"""The ranked answer to "which insatser support this right?", read from graf/harlett.

One home for the answer: the CLI (`bokslut rights`), the article page, its JSON twin and the
CSV download all build on `article_answer`, so they rank alike.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from rdflib import Literal, URIRef

from corpus.ids import rights_article_id
from graph import BK, sparql_prologue

P = sparql_prologue()  # Oxigraph needs every bound variable in the projection
CLASSES = {str(BK.SupportDirect): "direkt", str(BK.SupportContributes): "bidrar",
           str(BK.SupportInferred): "härledd", str(BK.SupportViaGoalArea): "via målområdet"}
CLASS_ORDER = ("direkt", "bidrar", "härledd", "via målområdet")

ARTICLE = P + """
SELECT ?article ?instrument ?notation ?number ?label ?definition ?scope ?procedural WHERE {
  ?article bk:instrument ?instrument ; bk:articleNumber ?number ; skos:notation ?notation .
  OPTIONAL { ?article skos:altLabel ?alt FILTER(lang(?alt) = "sv") }
  OPTIONAL { ?article skos:prefLabel ?pref FILTER(lang(?pref) = "sv") }
  BIND(COALESCE(?alt, ?pref) AS ?label)
  OPTIONAL { ?article skos:definition ?definition }
  OPTIONAL { ?article skos:scopeNote ?scope FILTER(lang(?scope) = "sv") }
  BIND(EXISTS { ?article a bk:ProceduralArticle } AS ?procedural)
} LIMIT 1"""

YEARS = P + "SELECT DISTINCT ?year WHERE { ?r a bk:Report ; bk:year ?year } ORDER BY DESC(?year)"

SUPPORTS = P + """
SELECT ?article ?year ?action ?rank ?class ?score ?sentence ?passage ?page ?letter ?heading
WHERE {
  ?node a bk:ScoredSupport ; bk:article ?article ; bk:action ?action ; bk:rank ?rank ;
        bk:supportClass ?class ; bk:score ?score ; bk:evidenceSentence ?sentence ;
        bk:evidencePassage ?passage .
  ?action skos:prefLabel ?heading ; bk:goal/bk:letter ?letter ; bk:report/bk:year ?year .
  OPTIONAL { ?passage bk:page ?page }
} ORDER BY ?rank"""


def value(row: dict, name: str) -> Any:
    """A binding as a Python value (None when unbound)."""
    term = row.get(name)
    return None if term is None else term.toPython()


def years(store: Any) -> list[int]:
    """Report years in the store, latest first."""
    return [int(value(r, "year")) for r in store.select(YEARS, trusted=True)]


def article_info(store: Any, base: str, slug: str, number: int) -> dict | None:
    """The article's identity, what it guarantees and the work that typically serves it (the
    scope note the ranking also reads), or None when there is no such article."""
    iri = URIRef(base + rights_article_id(slug, number))
    rows = store.select(ARTICLE, {"article": iri}, trusted=True)
    if not rows:
        return None
    r = rows[0]
    return {"iri": str(iri), "instrument": str(value(r, "notation")).split()[0],
            "number": int(value(r, "number")), "title": value(r, "label"),
            "definition": value(r, "definition"), "scope": value(r, "scope"),
            "procedural": bool(value(r, "procedural"))}


def action_order(iri: str) -> int:
    """The action's place under its mål, from its IRI (…/atgard/C-3 -> 3)."""
    return int(iri.rsplit("-", 1)[1])


def article_answer(store: Any, base: str, slug: str, number: int,
                   year: int | None = None) -> dict | None:
    """{"article": …, "actions": […]} in rank order for one report year (default: latest)."""
    info = article_info(store, base, slug, number)
    if info is None:
        return None
    known = years(store)
    year = year if year is not None else (known[0] if known else None)
    bind = {"article": URIRef(info["iri"]), "year": Literal(int(year))} if year else None
    rows = store.select(SUPPORTS, bind, trusted=True) if bind else []
    actions = [{
        "goal": value(r, "letter"), "order": action_order(str(r["action"])),
        "iri": str(r["action"]), "heading": value(r, "heading"),
        "class": CLASSES[str(r["class"])], "score": float(value(r, "score")),
        "evidence": {"passage": str(r["passage"]), "sentence": value(r, "sentence"),
                     "page": value(r, "page")},
        "rank": int(value(r, "rank")), "year": year,
    } for r in rows]
    return {"article": info | {"year": year, "years": known}, "actions": actions}


def explanation(cls: str, title: str) -> str:
    """Why an action is listed, in plain Swedish (never in cosine terms)."""
    subject = title[:1].lower() + title[1:] if title else "rättigheten"
    return {
        "direkt": f"Bokslutet anger rättigheten för målområdet, och texten handlar om {subject}.",
        "bidrar": "Bokslutet anger rättigheten för målområdet, och texten visar ett tydligt "
                  f"bidrag till {subject}.",
        "härledd": f"Bokslutet anger inte rättigheten här, men texten handlar om {subject}.",
        "via målområdet": "Bokslutet anger rättigheten för hela målområdet; insatsens egen "
                          "text tar inte upp den.",
    }[cls]


CSV_FIELDS = ("rank", "class", "goal", "order", "heading", "score", "sentence", "page",
              "passage", "iri", "year")


def answer_csv(answer: dict) -> str:
    """The ranked actions as CSV (one row each, rank order, UTF-8 with header)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    for a in answer["actions"]:
        ev = a["evidence"]
        writer.writerow([a["rank"], a["class"], a["goal"], a["order"], a["heading"], a["score"],
                         ev["sentence"], ev["page"] or "", ev["passage"], a["iri"], a["year"]])
    return out.getvalue()
