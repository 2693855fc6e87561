"""Text units for the rights ranking: an article's query text and an action's sentences."""

from __future__ import annotations

import re
from dataclasses import dataclass

# A sentence ends at . ! ? followed by space and a capital, digit or quote; abbreviations
# such as "t ex" and "bl.a." are written without inner stops in the reports, and a rare
# wrong split only makes two shorter evidence candidates.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÅÄÖ0-9\"”«(])")
_MIN_SENTENCE = 25  # shorter fragments ("Läs mer i mål F.") are no evidence


@dataclass(frozen=True)
class ArticleText:
    """What one article guarantees, in the words the ranking compares with."""

    iri: str
    notation: str  # "CRC 31"
    title: str  # the project's title
    wordings: tuple[str, ...]  # the reports' own wordings of it
    definition: str  # skos:definition@sv, the substance in the project's words
    scope: str = ""  # skos:scopeNote@sv: the kinds of municipal work that typically serve it

    def query(self) -> str:
        """One Swedish query: title, the reports' wordings, then the description."""
        return joined([self.title, *self.wordings, self.definition])

    def scope_query(self) -> str:
        """The second query: title and the typical work (the first query when there is none).

        Kept apart from the first, whose report wordings tie it to what the report states:
        this one reaches actions in the words municipal work is usually described in.
        """
        return joined([self.title, self.scope]) if self.scope else self.query()


def joined(parts: list[str]) -> str:
    """Non-empty parts, each once, as sentences."""
    return ". ".join(p.rstrip(".") for p in dict.fromkeys(parts) if p) + "."


@dataclass(frozen=True)
class Sentence:
    """One sentence of an action's narrative text and the passage it comes from."""

    action: str  # action IRI
    passage: str  # passage IRI
    page: int | None
    text: str


def split_sentences(text: str) -> list[str]:
    """The sentences of a paragraph, short fragments joined to their predecessor."""
    out: list[str] = []
    for part in _SENTENCE_END.split(text.strip()):
        part = part.strip()
        if out and len(part) < _MIN_SENTENCE:
            out[-1] = f"{out[-1]} {part}"
        elif part:
            out.append(part)
    return out


def action_sentences(passages: list[dict], base: str) -> list[Sentence]:
    """Every sentence of every narrative passage that renders an action, in reading order."""
    out = []
    for p in sorted(passages, key=lambda p: (p["report"], p["order"])):
        if p["kind"] != "narrative" or not p.get("source"):
            continue
        for text in split_sentences(p["text"]):
            out.append(Sentence(base + p["source"], base + p["id"], p.get("page"), text))
    return out
