"""Questions about what must be developed: bring the report's development sections forward.

Each målområde of the report ends with "Exempel på utvecklingsområden": what the
municipality says it must still develop. A query that asks for that ("vad behöver
utvecklas för att öka valdeltagandet", "utvecklingsbehov inom suicidprevention") is best
answered there, but its words match the work already done just as well, and both sides rank
those passages first. The section is known from the index's metadata: the passages of kind
`development_area` and the passages under the same headings. When a query asks (a word that
names a need to develop or improve, "vad behöver/bör/måste …", or the English equivalents;
not a topic word such as "hållbar utveckling"), those passages gain DEVELOPMENT_WEIGHT on
top of the fused score, after the hit floor, so the boost reorders hits but never makes a
passage a hit.

Chosen on the tuning part only (4 development queries; no other tuning query asks): nDCG@10
of the type 0.679 -> 0.703 / 0.731 / 0.740 / 0.716 for a weight of 0.1 / 0.2 / 0.3 / 0.5;
every other type unchanged. Scaling the boost by the passage's dense score instead reached
0.711 at best.
"""

from __future__ import annotations

import re

DEVELOPMENT_KIND = "development_area"
DEVELOPMENT_WEIGHT = 0.3  # added to the fused score of a development passage
# Only the forms that ask what is still to be done: the nouns of need ("utvecklingsbehov",
# "förbättringsområden"), the passive ("utvecklas", "förbättras"), the verb after a modal
# ("behöver ... utveckla") and "vad behöver/bör/måste". The topic words stay out: "hållbar
# utveckling", "barnets utveckling", "utvecklingsstörning", "language development"
# (a review found the earlier "utveckl…" trigger boosting such queries).
ASKS_DEVELOPMENT = re.compile(
    r"\b(?:(?:utvecklings|förbättrings)(?:behov|områd)\w*|(?:utvecklas|förbättras)\b"
    r"|(?:behöver|bör|måste|ska)\s+(?:\w+\s+){0,2}(?:utveckla|förbättra)\w*"
    r"|vad\s+(?:behöver|bör|måste)"
    r"|(?:development|improvement)\s+(?:areas?|needs?)|areas?\s+(?:for|of)\s+"
    r"(?:development|improvement)|be\s+(?:developed|improved)"
    r"|(?:must|should|needs?\s+to)\s+(?:\w+\s+){0,2}(?:develop|improve)\b)",
    re.IGNORECASE)


def asks_development(query: str) -> bool:
    """Does the query ask what must be developed or improved?"""
    return ASKS_DEVELOPMENT.search(query) is not None


def development_rows(passages: list[dict]) -> frozenset[int]:
    """Rows of the development sections: the development-area passages and every passage
    under one of their headings (the section's own introduction)."""
    headings = {p.get("heading") for p in passages if p.get("kind") == DEVELOPMENT_KIND}
    headings.discard(None)
    return frozenset(i for i, p in enumerate(passages)
                     if p.get("kind") == DEVELOPMENT_KIND or p.get("heading") in headings)


def boost(fused: list, rows: frozenset[int], weight: float = DEVELOPMENT_WEIGHT) -> list:
    """The fused rows (row, score, sources) with `weight` added to those in `rows`, re-sorted
    (stable: equal scores keep the fusion's order)."""
    if not weight or not rows:
        return fused
    raised = [(row, score + weight, src) if row in rows else (row, score, src)
              for row, score, src in fused]
    return sorted(raised, key=lambda item: -item[1])
