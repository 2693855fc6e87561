"""What a search returns: hits, a page of them with the total, filters, and the cleaned query."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

MAX_QUERY_CHARS = 2000


@dataclass(frozen=True)
class Filters:
    """Restrict hits by report metadata; None means any."""

    year: int | None = None
    municipality: str | None = None
    goal_area: int | None = None
    goal: str | None = None
    kind: str | None = None

    def accepts(self, p: dict) -> bool:
        """True when the passage matches every filter that is set."""
        return all(want is None or p.get(key) == want for key, want in (
            ("year", self.year), ("municipality", self.municipality),
            ("goal_area", self.goal_area), ("goal", self.goal), ("kind", self.kind)))


@dataclass
class Hit:
    """One search result."""

    rank: int
    score: float
    passage: dict
    snippet: str
    sources: dict[str, int] = field(default_factory=dict)  # method -> rank there
    same_text: list[str] = field(default_factory=list)  # ids of identical passages folded in


def clean_query(query: str) -> str:
    """NFC, control characters removed, whitespace collapsed; too long -> ValueError."""
    text = unicodedata.normalize("NFC", query)
    text = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text)
    text = " ".join(text.split())
    if len(text) > MAX_QUERY_CHARS:
        raise ValueError(f"the query is {len(text)} characters; at most {MAX_QUERY_CHARS}")
    return text


@dataclass
class Results:
    """One page of hits, how many hits there are in all, and whether the gate said none."""

    hits: list[Hit]
    total: int  # hits above the threshold, after filters and folding (not the page size)
    off_topic: bool = False  # the query is about nothing the reports cover
