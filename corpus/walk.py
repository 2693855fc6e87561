"""The block-by-block pass over a report body, driving a Walker."""

from __future__ import annotations

import re

from corpus.blocks import Block, is_prose
from corpus.records import DevelopmentArea, Goal, GoalArea
from corpus.rights import RIGHTS_INTRO, is_instrument_header, parse_articles
from corpus.structure import DEVELOPMENT, ONGOING, SDG_LINE, SUMMARY_LINE, Walker, is_heading
from corpus.tables import is_indicator_table, parse_table
from corpus.toc import GOAL, GOAL_AREA

LOOSE_GOAL = re.compile(r"^Mål\s*([A-ZÅÄÖ])\s*[.:)–-]?\s+(.+)$")


def walk(w: Walker, blocks: list[Block]) -> None:
    """Read every block after the table of contents."""
    i = 0
    while i < len(blocks) and not w.done:
        i = step(w, blocks, i)


def step(w: Walker, blocks: list[Block], i: int) -> int:
    """Consume the block(s) at i and return the index of the next unread block."""
    block = blocks[i]
    first = block.lines[0].strip()
    if m := GOAL_AREA.match(first):
        return start_goal_area(w, blocks, i, m)
    if goal := goal_heading(w, first):
        start_goal(w, block, *goal)
        return i + 1
    if w.goal is not None:
        return goal_step(w, blocks, i)
    if w.area is not None:
        return area_step(w, blocks, i)
    intro_step(w, block)
    return i + 1


def unexpected(w: Walker, block: Block, where: str) -> None:
    """Skip a block the format does not allow at this point (an error when strict)."""
    w.skip(block, f"unexpected {block.lines[0][:60]!r} {where}")


def intro_step(w: Walker, block: Block) -> None:
    """Introductory sections before the first målområde."""
    entry = w.toc_entry("section", block.lines[0].strip())
    if entry is not None:
        w.set_page(entry)
        w.open_section(entry.title, block.line)
    elif is_prose(block) and w.section is not None:
        w.add_text(block, w.section.heading)
    else:
        unexpected(w, block, "before the first 'Målområde N:' heading; expected a "
                         "section listed in the table of contents")


def start_goal_area(w: Walker, blocks: list[Block], i: int, m: re.Match[str]) -> int:
    """'Målområde N: title' (the title may sit on the next block)."""
    number, title, used = int(m.group(1)), m.group(2).strip(), 1
    if not title and i + 1 < len(blocks) and is_prose(blocks[i + 1]):
        title, used = blocks[i + 1].lines[0].strip(), 2
    entry = w.toc_entry("goal_area", str(number))
    title = entry.title if entry else title
    w.set_page(entry)
    if not title:
        w.skip(blocks[i], f"Målområde {number} has no title")
    w.area = GoalArea(number, title or f"Målområde {number}", w.page_of(blocks[i].line),
                      blocks[i].line)
    w.goal_areas.append(w.area)
    w.goal = w.section = None
    return i + used


def goal_heading(w: Walker, first: str) -> tuple[str, str] | None:
    """(letter, title) of 'Mål X. title', or of 'Mål X: title' when the contents list it."""
    if m := GOAL.match(first):
        return m.group(1), m.group(2).strip()
    m = LOOSE_GOAL.match(first)
    entry = w.toc_entry("goal", m.group(1)) if m else None
    if m and entry and " ".join(m.group(2).split()) == entry.title:
        return entry.key, entry.title
    return None


def start_goal(w: Walker, block: Block, letter: str, title: str) -> None:
    """'Mål X. title' under the current målområde."""
    if w.area is None:
        w.skip(block, f"Mål {letter} comes before any 'Målområde N:' heading")
        return
    entry = w.toc_entry("goal", letter)
    w.set_page(entry)
    w.goal = Goal(letter, entry.title if entry else title, w.area.number,
                  w.page_of(block.line), block.line)
    w.area.goals.append(w.goal)
    w.section = None


def area_step(w: Walker, blocks: list[Block], i: int) -> int:
    """The summary part of a målområde: rights, ongoing work, development areas."""
    block, nxt = blocks[i], blocks[i + 1] if i + 1 < len(blocks) else None
    first = block.lines[0].strip()
    assert w.area is not None
    if SDG_LINE.match(first) or SUMMARY_LINE.match(first) or RIGHTS_INTRO.match(first):
        return i + 1
    if is_instrument_header(block, nxt):
        assert nxt is not None
        w.area.rights.extend(parse_articles(block, nxt, w.skips, w.area.number))
        return i + 2
    if first == ONGOING:
        w.open_section(ONGOING, block.line)
        return i + 1
    if first == DEVELOPMENT:
        if nxt is None or not nxt.is_bullets:
            w.skip(block, f"'{DEVELOPMENT}' must be followed by '- ' bullets")
            w.open_section(DEVELOPMENT, block.line)
            return i + 1
        w.area.development_areas.extend(
            DevelopmentArea(line[2:].strip(), n, nxt.line_at(n - 1))
            for n, line in enumerate(nxt.lines, start=1))
        w.open_section(DEVELOPMENT, block.line)
        return i + 2
    if is_prose(block):
        w.add_text(block, "Sammanfattning")
        return i + 1
    unexpected(w, block, f"in the summary of Målområde {w.area.number}")
    return i + 1


def goal_step(w: Walker, blocks: list[Block], i: int) -> int:
    """A mål's themed sections and its indicator table."""
    block, nxt = blocks[i], blocks[i + 1] if i + 1 < len(blocks) else None
    assert w.goal is not None
    if is_indicator_table(block):
        indicators, unparsed = parse_table(block, w.goal.letter, w.municipality, w.skips,
                                           w.goal.goal_area)
        for indicator in indicators:
            indicator.page = w.page_of(indicator.line)
        w.goal.indicators.extend(indicators)
        w.unparsed.extend(unparsed)
        last_goal = [e.key for e in w.toc if e.kind == "goal"][-1:]
        w.done = [w.goal.letter] == last_goal
        return i + 1
    if is_heading(block, nxt):
        w.open_section(block.lines[0].strip(), block.line)
        return i + 1
    if is_prose(block) or block.is_bullets:
        w.add_text(Block(block.line, [" ".join(block.lines)], block.breaks), w.goal.title)
        return i + 1
    unexpected(w, block, f"under Mål {w.goal.letter}")
    return i + 1
