"""Records -> passages: the unit of search and of provenance, shared by graph/ and search/."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from corpus import ids
from corpus.records import Goal, GoalArea, Paragraph, Report, Section
from corpus.render import render_indicator, render_rights

MAX_WORDS = 220  # ~350 e5 tokens for Swedish prose: safely under the model's 512
MIN_WORDS = 25
SKIPPED_HEADING = "Ej tolkad text"
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÅÄÖ0-9])")
INDICATOR = "indicator"  # the kind of a passage that renders one indicator row


@dataclass(frozen=True)
class Passage:
    """A chunk of text with everything needed to filter, cite and link it."""

    id: str  # relative to the base IRI, see corpus.ids.passage_id
    order: int
    kind: str  # narrative | indicator | rights | development_area
    text: str
    report: str
    year: int
    municipality: str
    goal_area: int | None
    goal: str | None
    heading: str | None
    page: int | None
    line: int
    source: str | None = None  # id of the action / indicator / development area it renders


def report_key(report: Report) -> str:
    """The report's id: 'rapport/sodertalje-2025'; a document outside the bokslut format adds
    its file name ('rapport/nykvarns-2023-hallbarhet'), so it never replaces a bokslut."""
    key = ids.report_id(municipality_slug(report), report.year)
    if report.structured:
        return key
    return f"{key}-{ids.slug(Path(report.file_name).stem, 40) or 'dokument'}"


def municipality_slug(report: Report) -> str:
    """'Södertälje kommun' -> 'sodertalje'."""
    return ids.slug(re.sub(r"\s+kommun$", "", report.municipality))


def strategy_key(report: Report) -> str:
    """The strategy's id: 'strategi/sodertalje-2025-2030'."""
    first, last = report.strategy_years or (report.year, report.year)
    return ids.strategy_id(municipality_slug(report), first, last)


def split_long(text: str) -> list[str]:
    """Split a paragraph at sentence ends so each piece stays under MAX_WORDS."""
    if len(text.split()) <= MAX_WORDS:
        return [text]
    pieces, current = [], ""
    for sentence in SENTENCE_END.split(text):
        if current and len((current + " " + sentence).split()) > MAX_WORDS:
            pieces.append(current)
            current = sentence
        else:
            current = f"{current} {sentence}".strip()
    return [*pieces, current] if current else pieces


def chunk_section(section: Section) -> list[tuple[str, Paragraph]]:
    """A section's paragraphs as chunks: long ones split, very short ones joined on."""
    chunks: list[tuple[str, Paragraph]] = []
    for para in section.paragraphs:
        for piece in split_long(para.text):
            if chunks and len(chunks[-1][0].split()) < MIN_WORDS:
                text, first = chunks[-1]
                chunks[-1] = (f"{text} {piece}", first)
            else:
                chunks.append((piece, para))
    if len(chunks) > 1 and len(chunks[-1][0].split()) < MIN_WORDS:
        text, _ = chunks.pop()
        chunks[-1] = (f"{chunks[-1][0]} {text}", chunks[-1][1])
    return chunks


class PassageBuilder:
    """Numbers passages in reading order for one report."""

    def __init__(self, report: Report) -> None:
        self.report = report
        self.key = report_key(report)
        self.short_name = re.sub(r"\s+kommun$", "", report.municipality)
        self.passages: list[Passage] = []
        self.parts: dict[int, int] = {}

    def add(self, kind: str, text: str, line: int, page: int | None, area: int | None = None,
            goal: str | None = None, heading: str | None = None,
            source: str | None = None) -> None:
        """Append one passage with the next order number."""
        order = len(self.passages) + 1
        self.parts[line] = self.parts.get(line, 0) + 1
        self.passages.append(Passage(
            ids.passage_id(self.key, line, self.parts[line]), order, kind, text, self.key,
            self.report.year,
            self.report.municipality, area, goal, heading, page, line, source))

    def section(self, section: Section, area: int | None, goal: str | None,
                source: str | None) -> None:
        """Narrative passages of one section."""
        for text, para in chunk_section(section):
            self.add("narrative", text, para.line, para.page, area, goal, section.heading,
                     source)

    def goal_area(self, area: GoalArea) -> None:
        """Rights, summary and development areas of a målområde, then its mål."""
        if area.rights:
            self.add("rights", render_rights(area), area.rights[0].line, area.page,
                     area.number, heading="Mänskliga rättigheter")
        for section in area.summary:
            self.section(section, area.number, None, None)
        for dev in area.development_areas:
            text = f"Utvecklingsområde inom målområde {area.number} ({area.title}): {dev.text}"
            self.add("development_area", text, dev.line, area.page, area.number,
                     heading="Exempel på utvecklingsområden",
                     source=ids.development_area_id(self.key, area.number, dev.order))
        for goal in area.goals:
            self.goal(goal)

    def goal(self, goal: Goal) -> None:
        """Themed sections (one action each) and indicator rows of a mål."""
        for order, section in enumerate(goal.sections, start=1):
            self.section(section, goal.goal_area, goal.letter,
                         ids.action_id(self.key, goal.letter, order))
        place = municipality_slug(self.report)
        for indicator in goal.indicators:
            self.add(INDICATOR, render_indicator(indicator, self.short_name), indicator.line,
                     indicator.page, goal.goal_area, goal.letter, indicator.name,
                     ids.indicator_id(place, indicator.name))


def build_passages(report: Report) -> list[Passage]:
    """Every passage of a report, in reading order, with stable ids."""
    builder = PassageBuilder(report)
    for section in report.sections:
        builder.section(section, None, None, None)
    for area in report.goal_areas:
        builder.goal_area(area)
    for item in report.skipped:  # what the reader could not place stays searchable
        if item.line and item.text:
            builder.add("narrative", item.text, item.line, item.page, item.goal_area, item.goal,
                        SKIPPED_HEADING)
    return builder.passages
