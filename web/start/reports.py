"""The start page's anchor: which municipality and report, and what changed since the last one."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from graph import sparql_prologue
from web.services import services

P = sparql_prologue()
REPORTS = P + """
SELECT ?r ?title ?year ?source ?publisher ?publisherLabel WHERE {
  ?r a bk:Report ; dcterms:title ?title ; bk:year ?year .
  OPTIONAL { ?r dcterms:source ?source }
  OPTIONAL { ?r dcterms:publisher ?publisher .
             ?publisher skos:prefLabel ?publisherLabel FILTER(lang(?publisherLabel) = "sv") }
} ORDER BY DESC(?year)"""
# The municipality's own totals (no sex, no breakdown) as each report states them.
OWN_FIGURES = P + """
SELECT ?r ?ind ?label ?unit ?year ?value WHERE {
  ?o bk:report ?r ; bk:indicator ?ind ; bk:year ?year ; sdmx-measure:obsValue ?value ;
     sdmx-dimension:refArea ?area .
  ?r dcterms:publisher/skos:notation ?code . ?area skos:notation ?code .
  ?ind skos:prefLabel ?label ; bk:unit ?unit .
  FILTER NOT EXISTS { ?o sdmx-dimension:sex ?s } FILTER NOT EXISTS { ?o bk:breakdown ?b }
}"""
MAX_CHANGES = 10


def _plain(row: dict) -> dict[str, Any]:
    return {k: v.toPython() if hasattr(v, "toPython") else str(v) for k, v in row.items()}


def reports() -> list[dict[str, Any]]:
    """Every report in the store, newest first, with its municipality and source file name."""
    rows = [_plain(r) for r in services().store().select(REPORTS, trusted=True)]
    for row in rows:
        row["r"], row["publisher"] = str(row["r"]), str(row.get("publisher", ""))
    return rows


def _latest(rows: list[dict], report: str) -> dict[str, dict]:
    """Per indicator, the newest year's own total in one report."""
    found: dict[str, dict] = {}
    for row in rows:
        if row["r"] == report and (row["ind"] not in found
                                   or row["year"] > found[row["ind"]]["year"]):
            found[row["ind"]] = row
    return found


def changes(current: dict, previous: dict) -> dict[str, Any]:
    """What the newer report says differently: new figures, new and dropped indicators."""
    rows = [_plain(r) | {"r": str(r["r"]), "ind": str(r["ind"])}
            for r in services().store().select(OWN_FIGURES, trusted=True)]
    new, old = _latest(rows, current["r"]), _latest(rows, previous["r"])
    moved = []
    for ind, now in new.items():
        before = old.get(ind)
        if before and (before["year"], Decimal(str(before["value"]))) != (
                now["year"], Decimal(str(now["value"]))):
            moved.append({"iri": ind, "label": now["label"], "unit": now["unit"],
                          "old": before["value"], "old_year": before["year"],
                          "new": now["value"], "new_year": now["year"]})
    moved.sort(key=lambda m: m["label"])
    return {"previous": previous, "changed": moved[:MAX_CHANGES], "changed_count": len(moved),
            "added": sorted(new[i]["label"] for i in new.keys() - old.keys()),
            "dropped": sorted(old[i]["label"] for i in old.keys() - new.keys())}


def anchor() -> dict[str, Any] | None:
    """The newest report, its predecessor from the same municipality (if any) and the changes."""
    found = reports()
    if not found:
        return None
    current = found[0]
    earlier = [r for r in found[1:] if r["publisher"] == current["publisher"]
               and r["year"] < current["year"]]
    return {"report": current, "others": found[1:],
            "changes": changes(current, earlier[0]) if earlier else None}


def source_file(name: str) -> Path | None:
    """A bundled report's text file by its name, only if a report in the store cites it."""
    from web.pipeline.ingest import bundled_reports

    cited = {r.get("source") for r in reports()}
    return next((p for p in bundled_reports() if p.name == name and name in cited), None)
