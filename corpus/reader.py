"""read_report(path): one report file -> a Report record tree."""

from __future__ import annotations

import re
from pathlib import Path

from corpus.blocks import Block, repair_paragraphs
from corpus.errors import NotABokslut, ReportError
from corpus.headings import join_split_headings, join_toc_headings
from corpus.initiatives import find_initiatives
from corpus.layout import logical_blocks
from corpus.records import Report, TocEntry
from corpus.skips import Skips
from corpus.structure import Walker
from corpus.text import SourceText, load_text
from corpus.toc import find_toc
from corpus.walk import walk

TITLE = re.compile(r"^(Bokslut social hållbarhet)\s+((?:19|20)\d{2})$")
STRATEGY = re.compile(
    r"(Strategi för social hållbarhet)\s+((?:19|20)\d{2})\s*[–-]\s*((?:19|20)\d{2})")


def read_title(blocks: list[Block], toc_index: int, path: str) -> tuple[str, str, int]:
    """(title, municipality, year) from the title page before the table of contents."""
    front = blocks[: toc_index - 1]
    for i, block in enumerate(front):
        m = TITLE.match(" ".join(block.lines).strip())
        if m:
            names = [" ".join(b.lines).replace("**", "").strip() for b in front[:i]]
            municipality = " ".join(n for n in names if n)
            if not municipality:
                raise NotABokslut(path, "no municipality name before the title", block.line)
            return m.group(0), municipality, int(m.group(2))
    raise NotABokslut(path, "no title line: expected 'Bokslut social hållbarhet YYYY' before "
                      "the table of contents", 1)


def check_complete(report: Report, last_line: int, skips: Skips) -> None:
    """Every målområde and mål in the table of contents must be in the text.

    Entries missing at the end mean a truncated file (an error: ingesting it would replace
    a whole report with half of one); one missing in the middle is a heading the reader
    could not recognise, and is recorded as skipped.
    """
    if not report.goal_areas:
        raise NotABokslut(report.path, "not a bokslut: no 'Målområde N:' headings found")
    found = {("goal_area", str(a.number)) for a in report.goal_areas}
    found |= {("goal", g.letter) for g in report.goals}
    listed = [e for e in report.toc if e.kind != "section"]
    last_found = max(i for i, e in enumerate(listed) if (e.kind, e.key) in found)
    missing = [e for e in listed if (e.kind, e.key) not in found]
    names = {id(e): f"{'Målområde' if e.kind == 'goal_area' else 'Mål'} {e.key}" for e in listed}
    at_end = [names[id(e)] for e in listed[last_found + 1:]]
    if at_end:
        raise ReportError(report.path, f"the text ends before {', '.join(at_end)} listed in "
                          "the table of contents; the report looks truncated", last_line)
    for entry in missing:
        skips.skip(None, entry.title, f"no heading for {names[id(entry)]} ({entry.title!r}) "
                   "listed in the table of contents")
    with_tables = [g for g in report.goals if g.indicators]
    if with_tables and not report.goals[-1].indicators:
        raise ReportError(report.path, f"Mål {report.goals[-1].letter} has no indicator table "
                          "although the other mål do; the report looks truncated", last_line)


def read_strategy(report: Report) -> None:
    """The strategy the report follows up, named in its introduction."""
    for section in report.sections:
        if m := STRATEGY.search(section.text):
            report.strategy = m.group(0).replace("-", "–")
            report.strategy_years = (int(m.group(2)), int(m.group(3)))
            return
    report.strategy = "Strategi för social hållbarhet"


def read_source(source: SourceText, strict: bool = False) -> Report:
    """Read loaded text into records; raises ReportError (NotABokslut) for bad input."""
    skips = Skips(source.path, strict)
    blocks, furniture = logical_blocks(source.lines)
    blocks = repair_paragraphs(blocks)
    toc_index, toc = find_toc(blocks, skips)
    title, municipality, year = read_title(blocks, toc_index, source.path)
    short_name = re.sub(r"\s+kommun$", "", municipality)
    body = join_split_headings(join_toc_headings(blocks[toc_index + 1:], toc))
    walker = Walker(skips, toc, short_name, source.line_pages)
    walk(walker, body)
    report = Report(source.path, Path(source.path).name, title, municipality, year,
                    source.sha256, toc, walker.sections, walker.goal_areas,
                    unparsed=walker.unparsed, furniture=furniture,
                    pages_exact=source.line_pages is not None)
    check_complete(report, len(source.lines), skips)
    report.skipped = skips.items
    read_strategy(report)
    report.initiatives = find_initiatives(report)
    return report


def read_report(path: str | Path, strict: bool = False) -> Report:
    """Read one bokslut text file into records.

    Parts that cannot be read are recorded in `report.skipped` (strict: raise instead).
    """
    return read_source(load_text(path), strict)


__all__ = ["TocEntry", "read_report", "read_source"]
