"""What the search page shows around a hit: its mål and målområde, their rights and SDGs.

Trusted queries only; user input never reaches query text. Also the passage-in-context view:
the neighbouring passages under the same heading, from the search index's passage list.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from corpus.passages import INDICATOR
from graph import sparql_prologue
from web.services import services

P = sparql_prologue()

AREAS = P + """
SELECT ?report ?area ?number ?label WHERE {
  ?report a bk:Report ; bk:strategy ?strategy .
  ?area a bk:GoalArea ; bk:strategy ?strategy ; bk:number ?number ; skos:prefLabel ?label .
}"""

GOALS = P + """
SELECT ?report ?goal ?letter ?label WHERE {
  ?report a bk:Report ; bk:strategy ?strategy .
  ?area bk:strategy ?strategy . ?goal a bk:Goal ; bk:goalArea ?area ; bk:letter ?letter ;
        skos:prefLabel ?label .
}"""

RIGHTS = P + """
SELECT ?area ?slug ?notation ?number ?title WHERE {
  ?area a bk:GoalArea ; bk:contributesToRight ?article .
  ?article bk:articleNumber ?number ; bk:instrument/skos:notation ?slug .
  OPTIONAL { ?article skos:notation ?notation }
  OPTIONAL { ?article skos:altLabel ?title FILTER(lang(?title) = "sv") }
} ORDER BY ?area ?slug ?number"""

SDGS = P + """
SELECT DISTINCT ?area ?sdg ?notation ?label WHERE {
  ?area a bk:GoalArea .
  { ?area bk:contributesToSDG ?sdg } UNION { ?goal bk:goalArea ?area ; bk:contributesToSDG ?sdg }
  ?sdg skos:notation ?notation ; skos:prefLabel ?label FILTER(lang(?label) = "sv")
} ORDER BY ?area xsd:integer(?notation)"""


@dataclass
class AreaInfo:
    """A målområde with its stated rights and the project's curated SDGs."""

    iri: str
    number: int
    label: str
    rights: list[dict] = field(default_factory=list)
    sdgs: list[dict] = field(default_factory=list)


@dataclass
class HitContext:
    """Målområden by (report IRI, number) and mål by (report IRI, letter)."""

    areas: dict[tuple[str, int], AreaInfo]
    goals: dict[tuple[str, str], dict]

    def for_passage(self, passage: dict) -> dict:
        """{'area': AreaInfo | None, 'goal': dict | None} for one indexed passage."""
        report = services().base + passage["report"]
        area = self.areas.get((report, passage.get("goal_area")))
        goal = self.goals.get((report, passage.get("goal")))
        return {"area": area, "goal": goal}


def hit_context() -> HitContext:
    """Mål, målområden, rights and SDGs of every report in the store (a few small queries)."""
    store = services().store()
    by_iri: dict[str, AreaInfo] = {}
    areas: dict[tuple[str, int], AreaInfo] = {}
    for r in store.select(AREAS, trusted=True):
        info = by_iri.setdefault(str(r["area"]), AreaInfo(
            str(r["area"]), r["number"].toPython(), str(r["label"])))
        areas[(str(r["report"]), info.number)] = info
    goals = {(str(r["report"]), str(r["letter"])):
             {"iri": str(r["goal"]), "letter": str(r["letter"]), "label": str(r["label"])}
             for r in store.select(GOALS, trusted=True)}
    for r in store.select(RIGHTS, trusted=True):
        if (info := by_iri.get(str(r["area"]))) is not None:
            slug = str(r["slug"]).lower()
            info.rights.append({"slug": slug, "number": r["number"].toPython(),
                                "notation": str(r.get("notation", f"{r['slug']} {r['number']}")),
                                "title": str(r.get("title", ""))})
    for r in store.select(SDGS, trusted=True):
        if (info := by_iri.get(str(r["area"]))) is not None:
            info.sdgs.append({"iri": str(r["sdg"]), "notation": str(r["notation"]),
                              "label": str(r["label"])})
    return HitContext(areas, goals)


def same_section(a: dict, b: dict) -> bool:
    """Same report, målområde, mål and kind; same heading too except in indicator tables."""
    keys = ("report", "goal_area", "goal", "kind") + (() if a["kind"] == INDICATOR
                                                      else ("heading",))
    return all(a.get(k) == b.get(k) for k in keys)


def passage_in_context(passage_id: str, around: int = 4) -> dict | None:
    """The passage and its neighbours in the same section of the same report, in order."""
    passages = services().searcher().index.passages
    found = next((p for p in passages if p["id"] == passage_id), None)
    if found is None:
        return None
    section = sorted((p for p in passages if same_section(p, found)), key=lambda p: p["order"])
    at = section.index(found)
    start, stop = max(0, at - around), min(len(section), at + around + 1)
    return {"passage": found, "before": section[start:at], "after": section[at + 1:stop],
            "hidden_before": start, "hidden_after": len(section) - stop}
