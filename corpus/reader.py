"""read_report(path): one report file -> a Report record tree."""

from __future__ import annotations

import re
from pathlib import Path

from corpus.blocks import Block, repair_paragraphs, split_blocks
from corpus.errors import ReportError
from corpus.initiatives import find_initiatives
from corpus.records import Report, TocEntry
from corpus.structure import Walker
from corpus.text import load_text
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
                raise ReportError(path, "no municipality name before the title", block.line)
            return m.group(0), municipality, int(m.group(2))
    raise ReportError(path, "no title line: expected 'Bokslut social hållbarhet YYYY' before "
                      "the table of contents", 1)


def check_complete(report: Report, last_line: int) -> None:
    """Every målområde and mål in the table of contents must be in the text."""
    if not report.goal_areas:
        raise ReportError(report.path, "not a bokslut: no 'Målområde N:' headings found")
    found = {("goal_area", str(a.number)) for a in report.goal_areas}
    found |= {("goal", g.letter) for g in report.goals}
    missing = [e for e in report.toc if e.kind != "section" and (e.kind, e.key) not in found]
    if missing:
        names = ", ".join(f"{'Målområde' if e.kind == 'goal_area' else 'Mål'} {e.key}"
                          for e in missing)
        raise ReportError(report.path, f"the text ends before {names} listed in the table of "
                          "contents; the report looks truncated", last_line)
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


def read_report(path: str | Path) -> Report:
    """Read one bokslut text file into records; raises ReportError for bad input."""
    source = load_text(path)
    blocks = repair_paragraphs(split_blocks(source.lines))
    toc_index, toc = find_toc(blocks, source.path)
    title, municipality, year = read_title(blocks, toc_index, source.path)
    short_name = re.sub(r"\s+kommun$", "", municipality)
    walker = Walker(source.path, toc, short_name)
    walk(walker, blocks[toc_index + 1:])
    report = Report(source.path, Path(source.path).name, title, municipality, year,
                    source.sha256, toc, walker.sections, walker.goal_areas,
                    unparsed=walker.unparsed)
    check_complete(report, len(source.lines))
    read_strategy(report)
    report.initiatives = find_initiatives(report)
    return report


__all__ = ["TocEntry", "read_report"]
