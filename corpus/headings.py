"""Headings a converter split over two lines (or two blocks) are joined back together."""

from __future__ import annotations

import re

from corpus.blocks import HEADING_MAX, TERMINAL, Block, is_prose
from corpus.records import TocEntry

GOAL_START = re.compile(r"^Mål ([A-ZÅÄÖ])\.(?:\s|$)")
AREA_START = re.compile(r"^Målområde (\d+):")


def squash(text: str) -> str:
    """Whitespace collapsed, for comparing split text with the table of contents."""
    return " ".join(text.split())


def full_heading(text: str, toc: list[TocEntry]) -> str | None:
    """The whole heading as the table of contents writes it, if `text` starts one."""
    if m := GOAL_START.match(text):
        entry = next((e for e in toc if e.kind == "goal" and e.key == m.group(1)), None)
        return f"Mål {entry.key}. {entry.title}" if entry else None
    if m := AREA_START.match(text):
        entry = next((e for e in toc if e.kind == "goal_area" and e.key == m.group(1)), None)
        return f"Målområde {entry.key}: {entry.title}" if entry else None
    if len(text) < 8:
        return None
    sections = [e.title for e in toc if e.kind == "section" and e.title.startswith(text)]
    return sections[0] if len(sections) == 1 else None


def join_toc_headings(blocks: list[Block], toc: list[TocEntry]) -> list[Block]:
    """Join a listed heading cut over several blocks ('Mål G. … samhällets' + 'utveckling')."""
    out: list[Block] = []
    i = 0
    while i < len(blocks):
        block = blocks[i]
        i += 1
        if not is_prose(block) or block.breaks:
            out.append(block)
            continue
        text = squash(block.lines[0])
        full = full_heading(text, toc)
        if full is None or text == full:
            out.append(block)
            continue
        while i < len(blocks) and is_prose(blocks[i]):
            longer = f"{text} {squash(blocks[i].lines[0])}"
            if not full.startswith(longer):
                break
            text, i = longer, i + 1
        out.append(Block(block.line, [text], numbers=[block.line]))
    return out


def is_heading_head(block: Block) -> bool:
    """The first half of a heading: short, capitalised, unpunctuated."""
    text = block.lines[0].strip()
    return (is_prose(block) and len(text) <= HEADING_MAX and not text.endswith(TERMINAL)
            and text[:1].isupper() and not block.breaks)


def is_heading_tail(block: Block) -> bool:
    """The second half of a heading: short, lowercase start, unpunctuated."""
    text = block.lines[0].strip()
    return (is_prose(block) and len(text) <= HEADING_MAX // 2 and not text.endswith(TERMINAL)
            and text[:1].islower())


def join_split_headings(blocks: list[Block]) -> list[Block]:
    """Join 'Tillgängliga och trygga' + 'fritidsmiljöer' when running text follows."""
    out: list[Block] = []
    for i, block in enumerate(blocks):
        prev = out[-1] if out else None
        after = blocks[i + 1] if i + 1 < len(blocks) else None
        if (prev is not None and after is not None and is_heading_head(prev)
                and is_heading_tail(block) and is_prose(after)
                and len(after.lines[0]) > len(block.lines[0])):
            out[-1] = Block(prev.line, [f"{prev.lines[0].strip()} {block.lines[0].strip()}"],
                            numbers=[prev.line])
            continue
        out.append(block)
    return out
