"""The search result shape shared by the CLI and the JSON API."""

from __future__ import annotations

from typing import Any

from search.hybrid import Filters, Hit

RESULT_FIELDS = ("rank", "score", "text", "snippet", "passage", "report", "year", "goal",
                 "goal_area", "heading", "page", "kind")


def hit_json(hit: Hit, base: str) -> dict[str, Any]:
    """One hit as the documented JSON object."""
    p = hit.passage
    return {
        "rank": hit.rank, "score": round(hit.score, 6), "text": p["text"],
        "snippet": hit.snippet, "passage": base + p["id"], "report": base + p["report"],
        "year": p["year"], "goal": p["goal"], "goal_area": p["goal_area"],
        "heading": p["heading"], "page": p["page"], "kind": p["kind"],
    }


NOTHING_MATCHES = ("Inget i boksluten matchar frågan: den verkar handla om något som "
                   "rapporterna inte tar upp. Prova andra ord eller beskriv ämnet på svenska.")


def results_json(query: str, hits: list[Hit], base: str, total: int | None = None,
                 off_topic: bool = False) -> dict[str, Any]:
    """{"query": …, "total": n, "results": [...]} and a Swedish "note" when nothing matches."""
    body: dict[str, Any] = {"query": query,
                            "total": len(hits) if total is None else total,
                            "results": [hit_json(h, base) for h in hits]}
    if off_topic:
        body["note"] = NOTHING_MATCHES
    return body


def make_filters(year: int | None = None, goal: str | None = None,
                 goal_area: int | None = None, kind: str | None = None,
                 municipality: str | None = None) -> Filters:
    """Filters from user input (goal letters upper-cased)."""
    return Filters(year=year, municipality=municipality, goal_area=goal_area,
                   goal=goal.upper() if goal else None, kind=kind)
