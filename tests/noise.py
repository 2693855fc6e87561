"""Seeded layout noise over the 2025 text, and the share of records a variant keeps.

Each kind imitates what a converter or a later edition does to the same content; the
records compared are the ones the reader produces from the clean text.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable

from corpus.records import Report

WIDTH = 95
Lines = list[str]


def page_breaks(lines: Lines, rng: random.Random) -> list[int]:
    """Indices where a page would end: every 18–30 lines after the title page."""
    start = lines.index("Innehåll")
    breaks, at = [], start + rng.randint(18, 30)
    while at < len(lines):
        breaks.append(at)
        at += rng.randint(18, 30)
    return breaks


def running_headers(lines: Lines, rng: random.Random) -> Lines:
    """Page number, municipality and title between pages (mid-table, mid-list too)."""
    style = rng.choice(["footer", "header", "both"])
    out, page = [], 2
    breaks = set(page_breaks(lines, rng))
    for i, line in enumerate(lines):
        if i in breaks:
            furniture = []
            if style in {"footer", "both"}:
                furniture += [rng.choice([str(page), f"Sida {page}", f"{page} (40)"])]
            if style in {"header", "both"}:
                furniture += ["Södertälje kommun", "Bokslut social hållbarhet 2025"]
            spaced = rng.random() < 0.5
            for item in furniture:
                out += ["", item, ""] if spaced else [item]
            page += 1
        out.append(line)
    return out


def missing_blank_lines(lines: Lines, rng: random.Random) -> Lines:
    """Half of the runs of blank lines removed."""
    out: Lines = []
    run: Lines = []
    for line in lines:
        if not line.strip():
            run.append(line)
            continue
        if run and rng.random() >= 0.5:
            out += run
        run = []
        out.append(line)
    return out + run


def extra_blank_lines(lines: Lines, rng: random.Random) -> Lines:
    """Blank lines added between any two lines (inside tables and lists too)."""
    out: Lines = []
    for line in lines:
        out.append(line)
        if rng.random() < 0.15:
            out += [""] * rng.randint(1, 2)
    return out


def wrap_line(line: str, width: int = WIDTH) -> Lines:
    """Break a line at spaces so no piece is longer than width (tabs stay inside pieces)."""
    pieces, current = [], ""
    for word in line.split(" "):
        if current and len(current) + 1 + len(word) > width:
            pieces.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    return [*pieces, current]


def hard_wrapped(lines: Lines, rng: random.Random) -> Lines:
    """Every line longer than 95 characters wrapped, as pdftotext writes prose."""
    del rng  # deterministic
    return [piece for line in lines for piece in wrap_line(line)]


def heading_lines(report: Report) -> set[int]:
    """Line numbers of the headings in the clean text."""
    found = {s.line for s in report.sections}
    found |= {g.line for g in report.goals}
    found |= {s.line for g in report.goals for s in g.sections}
    return found


def split_headings(report: Report) -> Callable[[Lines, random.Random], Lines]:
    """Headings cut at a space near the middle, half of them with a blank line between."""
    headings = heading_lines(report)

    def mutate(lines: Lines, rng: random.Random) -> Lines:
        out: Lines = []
        for number, line in enumerate(lines, start=1):
            words = line.split(" ")
            if number not in headings or len(words) < 3 or rng.random() >= 0.7:
                out.append(line)
                continue
            cut = rng.randint(2, len(words) - 1)
            gap = [""] if rng.random() < 0.5 else []
            out += [" ".join(words[:cut]), *gap, " ".join(words[cut:])]
        return out
    return mutate


def records(report: Report) -> dict[str, Counter]:
    """Each kind of record as a multiset of comparable tuples."""
    goals = report.goals
    return {
        "målområden": Counter((a.number, a.title) for a in report.goal_areas),
        "mål": Counter((g.letter, g.title, g.goal_area) for g in goals),
        "rättigheter": Counter((a.number, r.instrument, r.number, r.label)
                               for a in report.goal_areas for r in a.rights),
        "utvecklingsområden": Counter((a.number, d.text) for a in report.goal_areas
                                      for d in a.development_areas),
        "tematiska avsnitt": Counter((g.letter, s.heading, s.text) for g in goals
                                     for s in g.sections),
        "indikatorer": Counter((i.goal, i.name, i.value_cell, i.year_cell, i.source,
                                i.comparison_cell, i.comment) for i in report.indicators),
        "observationer": Counter((i.goal, i.name, o) for i in report.indicators
                                 for o in i.observations),
    }


def recovered(clean: Report, variant: Report) -> dict[str, float]:
    """Per kind: the share of the clean report's records found unchanged in the variant."""
    want, got = records(clean), records(variant)
    return {kind: sum((want[kind] & got[kind]).values()) / sum(want[kind].values())
            for kind in want}
