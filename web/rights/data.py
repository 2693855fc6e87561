"""Trusted queries behind the rights explorer: instruments, articles, what states and what infers.

Stated links (bk:contributesToRight / bk:supportsRight) come from the report's own rights
lists; the scored support (bk:ScoredSupport in graf/harlett, web/pipeline/inferred.py) is
counted per class here and ranked in web/rights/answer.py.
"""

from __future__ import annotations

from rdflib import URIRef

from corpus.ids import rights_article_id
from graph import sparql_prologue
from web.rights.answer import CLASSES
from web.services import services

INSTRUMENTS = ("crc", "udhr", "crpd", "jam")
P = sparql_prologue()  # Oxigraph needs every bound variable in the projection

INSTRUMENT_ROWS = P + """
SELECT ?instrument ?notation ?label ?alt WHERE {
  ?instrument a bk:RightsInstrument ; skos:notation ?notation ; skos:prefLabel ?label .
  OPTIONAL { ?instrument skos:altLabel ?alt FILTER(lang(?alt) = "sv") }
  FILTER(lang(?label) = "sv")
} ORDER BY ?notation"""

ARTICLE_ROWS = P + """
SELECT ?instrument ?article ?number ?label ?isAlt WHERE {
  ?article bk:instrument ?instrument ; bk:articleNumber ?number .
  OPTIONAL { { ?article skos:altLabel ?label BIND(true AS ?isAlt) }
             UNION { ?article skos:prefLabel ?label BIND(false AS ?isAlt) }
             FILTER(lang(?label) = "sv") }
}"""

COUNTS = {
    "areas": P + """SELECT ?instrument ?article (COUNT(DISTINCT ?x) AS ?n) WHERE {
        ?article bk:instrument ?instrument . ?x a bk:GoalArea ; bk:contributesToRight ?article
        } GROUP BY ?instrument ?article""",
    "actions": P + """SELECT ?instrument ?article (COUNT(DISTINCT ?x) AS ?n) WHERE {
        ?article bk:instrument ?instrument . ?x bk:supportsRight ?article
        } GROUP BY ?instrument ?article""",
}

CLASS_COUNTS = P + """
SELECT ?instrument ?article ?class (COUNT(DISTINCT ?x) AS ?n) WHERE {
  ?article bk:instrument ?instrument .
  ?node a bk:ScoredSupport ; bk:article ?article ; bk:action ?x ; bk:supportClass ?class
} GROUP BY ?instrument ?article ?class"""

AREAS = P + """
SELECT DISTINCT ?article ?area ?number ?label WHERE {
  ?area a bk:GoalArea ; bk:contributesToRight ?article ; bk:number ?number ; skos:prefLabel ?label .
} ORDER BY ?number"""

GOALS = P + """
SELECT DISTINCT ?article ?goal ?letter ?label ?area ?areaNumber WHERE {
  ?goal a bk:Goal ; bk:contributesToRight ?article ; bk:letter ?letter ; skos:prefLabel ?label ;
        bk:goalArea ?area . ?area bk:number ?areaNumber .
} ORDER BY ?letter"""

ACTIONS = P + """
SELECT ?article ?action ?goal ?title ?text ?year ?order WHERE {
  ?action bk:supportsRight ?article ; bk:goal ?goal ; skos:prefLabel ?title ; bk:text ?text ;
          bk:report/bk:year ?year .
  OPTIONAL { ?action bk:order ?order }
} ORDER BY ?goal DESC(?year) ?order"""

INITIATIVES = P + """
SELECT DISTINCT ?article ?action ?initiative ?name WHERE {
  { ?action bk:supportsRight ?article }
  UNION { ?node a bk:InferredSupport ; bk:article ?article ; bk:action ?action }
  ?initiative bk:mentionedIn ?action ; skos:prefLabel ?name .
} ORDER BY ?name"""

INDICATORS = P + """
SELECT DISTINCT ?article ?indicator ?goal ?label ?unit WHERE {
  ?goal bk:contributesToRight ?article . ?indicator a bk:Indicator ; bk:goal ?goal ;
        skos:prefLabel ?label . OPTIONAL { ?indicator bk:unit ?unit }
} ORDER BY ?label"""


def py(row: dict, name: str) -> object:
    """A binding as a Python value (None when unbound)."""
    term = row.get(name)
    return None if term is None else term.toPython()


def excerpt(text: str, limit: int = 320) -> str:
    """The first `limit` characters, cut at a word boundary."""
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:") + " …"


def article_word(notation: str) -> str:
    """'delmål' for the gender-equality policy, 'artikel' for the conventions."""
    return "delmål" if notation.upper() == "JAM" else "artikel"


def instrument_info(slug: str) -> dict | None:
    """One instrument's labels, or None when the store does not have it."""
    iri = URIRef(services().base + f"rattighet/{slug}")
    rows = services().store().select(INSTRUMENT_ROWS, {"instrument": iri}, trusted=True)
    if not rows:
        return None
    return {"slug": slug, "iri": str(iri), "notation": py(rows[0], "notation"),
            "label": py(rows[0], "label"), "alt": py(rows[0], "alt"),
            "word": article_word(str(py(rows[0], "notation"))),
            "the_word": "delmålet" if slug == "jam" else "artikeln"}


def titled(rows: list[dict]) -> dict[str, dict]:
    """Article IRI -> {number, title, wordings} from label rows (altLabel = project's title)."""
    out: dict[str, dict] = {}
    for row in rows:
        entry = out.setdefault(str(row["article"]), {"number": py(row, "number"),
                                                     "alt": [], "pref": []})
        if "label" in row:
            entry["alt" if py(row, "isAlt") else "pref"].append(str(row["label"]))
    for entry in out.values():
        alt, pref = sorted(set(entry.pop("alt"))), sorted(set(entry.pop("pref")))
        entry["title"] = (alt or pref or [""])[0]
        entry["wordings"] = pref if alt else []  # the report's own wordings, when it cites it
    return out


def articles_of(slug: str) -> list[dict]:
    """Every article of an instrument: målområden and insatser stating it, insatser per class."""
    store = services().store()
    bind = {"instrument": URIRef(services().base + f"rattighet/{slug}")}
    articles = titled(store.select(ARTICLE_ROWS, bind, trusted=True))
    for name, query in COUNTS.items():
        counts = {str(r["article"]): py(r, "n") for r in store.select(query, bind, trusted=True)}
        for iri, entry in articles.items():
            entry[name] = counts.get(iri, 0)
    per_class: dict[str, dict[str, int]] = {}
    for r in store.select(CLASS_COUNTS, bind, trusted=True):
        per_class.setdefault(str(r["article"]), {})[CLASSES[str(r["class"])]] = py(r, "n")
    for iri, entry in articles.items():
        entry["classes"] = per_class.get(iri, {})
        entry["linked"] = bool(entry["areas"] or entry["classes"])
    return sorted(({"iri": iri} | e for iri, e in articles.items()), key=lambda a: a["number"])


def article_detail(slug: str, number: int) -> dict | None:
    """Everything the article page shows, or None for an unknown article."""
    store = services().store()
    iri = URIRef(services().base + rights_article_id(slug, number))
    instrument = URIRef(services().base + f"rattighet/{slug}")
    labels = store.select(ARTICLE_ROWS, {"article": iri, "instrument": instrument}, trusted=True)
    if not labels:
        return None
    info = titled(labels)[str(iri)]
    bind = {"article": iri}
    goals = [{"iri": str(r["goal"]), "letter": py(r, "letter"), "label": py(r, "label"),
              "area": str(r["area"]), "area_number": py(r, "areaNumber"),
              "actions": [], "indicators": []} for r in store.select(GOALS, bind, trusted=True)]
    by_goal = {g["iri"]: g for g in goals}
    initiatives = initiatives_by_action(store, bind)
    for r in store.select(ACTIONS, bind, trusted=True):
        by_goal[str(r["goal"])]["actions"].append(action_row(r, initiatives))
    for r in store.select(INDICATORS, bind, trusted=True):
        by_goal[str(r["goal"])]["indicators"].append(
            {"iri": str(r["indicator"]), "label": py(r, "label"), "unit": py(r, "unit")})
    areas = [{"iri": str(r["area"]), "number": py(r, "number"), "label": py(r, "label")}
             for r in store.select(AREAS, bind, trusted=True)]
    return info | {"iri": str(iri), "areas": areas, "goals": goals}


def initiatives_by_action(store: object, bind: dict[str, URIRef]) -> dict[str, list[dict]]:
    """Action IRI -> initiatives mentioned in it (for the actions linked to one article)."""
    out: dict[str, list[dict]] = {}
    for r in store.select(INITIATIVES, bind, trusted=True):
        out.setdefault(str(r["action"]), []).append(
            {"iri": str(r["initiative"]), "name": py(r, "name")})
    return out


def action_row(row: dict, initiatives: dict[str, list[dict]]) -> dict:
    """An action as the article page lists it."""
    action = str(row["action"])
    return {"iri": action, "title": py(row, "title"), "excerpt": excerpt(str(row["text"])),
            "year": py(row, "year"), "initiatives": initiatives.get(action, [])}
