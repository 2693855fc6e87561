"""The table of contents: title and page of each section, målområde and mål."""

from __future__ import annotations

import re

from corpus.blocks import Block
from corpus.errors import NotABokslut
from corpus.records import TocEntry
from corpus.skips import Skips

GOAL_AREA = re.compile(r"^Målområde (\d+):\s*(.*)$")
GOAL = re.compile(r"^Mål ([A-ZÅÄÖ])\.\s+(.+)$")
TOC_LINE = re.compile(r"^(.+?)\t+(\d+)$")


def classify_heading(title: str) -> tuple[str, str, str]:
    """(kind, key, title) for a table-of-contents title."""
    if m := GOAL_AREA.match(title):
        return "goal_area", m.group(1), m.group(2).strip()
    if m := GOAL.match(title):
        return "goal", m.group(1), m.group(2).strip()
    return "section", title.strip(), title.strip()


def parse_toc(block: Block, skips: Skips) -> list[TocEntry]:
    """Read the tab-separated 'title<TAB>page' lines of the table of contents."""
    entries: list[TocEntry] = []
    for offset, line in enumerate(block.lines):
        m = TOC_LINE.match(line)
        if not m:
            skips.skip(block.line_at(offset), line, f"table of contents line {line!r}: "
                       "expected 'title<TAB>page number'")
            continue
        kind, key, title = classify_heading(m.group(1))
        entries.append(TocEntry(kind, key, title, int(m.group(2))))
    return entries


def find_toc(blocks: list[Block], skips: Skips) -> tuple[int, list[TocEntry]]:
    """Index of the block after 'Innehåll' and the parsed entries."""
    for i, block in enumerate(blocks[:-1]):
        if block.lines == ["Innehåll"] and blocks[i + 1].is_table:
            return i + 1, parse_toc(blocks[i + 1], skips)
    raise NotABokslut(skips.path, "no table of contents: expected a line 'Innehåll' followed by "
                      "'title<TAB>page' lines")
