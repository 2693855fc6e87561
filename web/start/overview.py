"""Data for the start page: the strategy at a glance and where Södertälje lags riket most."""

from __future__ import annotations

from typing import Any

from graph import sparql_prologue
from web.services import services

OVERVIEW = sparql_prologue() + """
SELECT ?area ?number ?areaLabel ?goal ?letter ?goalLabel
       (COUNT(DISTINCT ?action) AS ?actions) (COUNT(DISTINCT ?indicator) AS ?indicators)
       (COUNT(DISTINCT ?right) AS ?rights)
WHERE {
  ?area a bk:GoalArea ; bk:number ?number ; skos:prefLabel ?areaLabel .
  ?goal bk:goalArea ?area ; bk:letter ?letter ; skos:prefLabel ?goalLabel .
  OPTIONAL { ?action a bk:Action ; bk:goal ?goal }
  OPTIONAL { ?indicator a bk:Indicator ; bk:goal ?goal }
  OPTIONAL { ?goal bk:contributesToRight ?right }
} GROUP BY ?area ?number ?areaLabel ?goal ?letter ?goalLabel ORDER BY ?number ?letter
"""

# Same year, no sex or breakdown; the gap is oriented by bk:direction so that a positive
# gap always means "worse than riket".
GAPS = sparql_prologue() + """
SELECT ?indicator ?label ?unit ?direction ?year ?own ?nation
       (IF(?direction = "lower-is-better", ?own - ?nation, ?nation - ?own) AS ?gap)
WHERE {
  ?indicator a bk:Indicator ; skos:prefLabel ?label ; bk:unit ?unit ; bk:direction ?direction .
  ?o1 bk:indicator ?indicator ; sdmx-dimension:refArea ?home ; bk:year ?year ;
      sdmx-measure:obsValue ?own .
  ?o1 bk:report/dcterms:publisher/skos:notation ?code . ?home skos:notation ?code .
  ?o2 bk:indicator ?indicator ; sdmx-dimension:refArea ?riket ; bk:year ?year ;
      sdmx-measure:obsValue ?nation .
  ?riket skos:notation "SE" .
  FILTER NOT EXISTS { ?o1 sdmx-dimension:sex ?s1 } FILTER NOT EXISTS { ?o1 bk:breakdown ?b1 }
  FILTER NOT EXISTS { ?o2 sdmx-dimension:sex ?s2 } FILTER NOT EXISTS { ?o2 bk:breakdown ?b2 }
} ORDER BY DESC(?gap)
"""


def value(row: dict, name: str) -> Any:
    """A binding as a Python value (None when unbound)."""
    term = row.get(name)
    return None if term is None else term.toPython()


def overview() -> list[dict]:
    """Målområden with their mål and counts, in strategy order."""
    areas: dict[int, dict] = {}
    for row in services().store().select(OVERVIEW, trusted=True):
        number = value(row, "number")
        area = areas.setdefault(number, {"iri": str(row["area"]), "number": number,
                                         "label": value(row, "areaLabel"), "goals": []})
        area["goals"].append({
            "iri": str(row["goal"]), "letter": value(row, "letter"),
            "label": value(row, "goalLabel"), "actions": value(row, "actions"),
            "indicators": value(row, "indicators"), "rights": value(row, "rights")})
    return list(areas.values())


def gap_panel(limit: int = 5) -> list[dict]:
    """Indicators where Södertälje is furthest behind riket, percentage units only."""
    rows = []
    for row in services().store().select(GAPS, trusted=True):
        if value(row, "unit") != "%" or value(row, "gap") <= 0:
            continue
        rows.append({k: value(row, k) for k in
                     ("label", "unit", "direction", "year", "own", "nation", "gap")}
                    | {"iri": str(row["indicator"])})
    return rows[:limit]


SDGS = sparql_prologue() + """
SELECT ?sdg ?notation ?label (COUNT(DISTINCT ?x) AS ?links) WHERE {
  ?sdg a bk:SDG ; skos:notation ?notation ; skos:prefLabel ?label FILTER(lang(?label) = "sv")
  OPTIONAL { ?x bk:contributesToSDG ?sdg }
} GROUP BY ?sdg ?notation ?label ORDER BY xsd:integer(?notation)
"""


def sdg_list() -> list[dict]:
    """The 17 global goals with how many mål and målområden the project links to each."""
    return [{"iri": str(row["sdg"]), "notation": value(row, "notation"),
             "label": value(row, "label"), "links": value(row, "links")}
            for row in services().store().select(SDGS, trusted=True)]
