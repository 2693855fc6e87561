"""The block-by-block pass over a report body, driving a Walker."""

from __future__ import annotations

import re

from corpus.blocks import Block, is_prose
from corpus.errors import ReportError
from corpus.records import DevelopmentArea, Goal, GoalArea
from corpus.rights import RIGHTS_INTRO, is_instrument_header, parse_articles
from corpus.structure import DEVELOPMENT, ONGOING, SDG_LINE, SUMMARY_LINE, Walker, is_heading
from corpus.tables import is_indicator_table, parse_table
from corpus.toc import GOAL, GOAL_AREA


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
    if m := GOAL.match(first):
        start_goal(w, block, m)
        return i + 1
    if w.goal is not None:
        return goal_step(w, blocks, i)
    if w.area is not None:
        return area_step(w, blocks, i)
    intro_step(w, block)
    return i + 1


def unexpected(w: Walker, block: Block, where: str) -> ReportError:
    """An error for a block the format does not allow at this point."""
    return ReportError(w.path, f"unexpected {block.lines[0][:60]!r} {where}", block.line)


def intro_step(w: Walker, block: Block) -> None:
    """Introductory sections before the first målområde."""
    entry = w.toc_entry("section", block.lines[0].strip())
    if entry is not None:
        w.set_page(entry)
        w.open_section(entry.title, block.line)
    elif is_prose(block) and w.section is not None:
        w.add_text(block, w.section.heading)
    else:
        raise unexpected(w, block, "before the first 'Målområde N:' heading; expected a "
                         "section listed in the table of contents")


def start_goal_area(w: Walker, blocks: list[Block], i: int, m: re.Match[str]) -> int:
    """'Målområde N: title' (the title may sit on the next block)."""
    number, title, used = int(m.group(1)), m.group(2).strip(), 1
    if not title and i + 1 < len(blocks) and is_prose(blocks[i + 1]):
        title, used = blocks[i + 1].lines[0].strip(), 2
    entry = w.toc_entry("goal_area", str(number))
    title = entry.title if entry else title
    if not title:
        raise ReportError(w.path, f"Målområde {number} has no title", blocks[i].line)
    w.set_page(entry)
    w.area = GoalArea(number, title, w.page, blocks[i].line)
    w.goal_areas.append(w.area)
    w.goal = w.section = None
    return i + used


def start_goal(w: Walker, block: Block, m: re.Match[str]) -> None:
    """'Mål X. title' under the current målområde."""
    if w.area is None:
        raise ReportError(w.path, f"Mål {m.group(1)} comes before any 'Målområde N:' heading",
                          block.line)
    entry = w.toc_entry("goal", m.group(1))
    w.set_page(entry)
    w.goal = Goal(m.group(1), entry.title if entry else m.group(2).strip(), w.area.number,
                  w.page, block.line)
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
        w.area.rights.extend(parse_articles(block, nxt, w.path))
        return i + 2
    if first == ONGOING:
        w.open_section(ONGOING, block.line)
        return i + 1
    if first == DEVELOPMENT:
        if nxt is None or not nxt.is_bullets:
            raise ReportError(w.path, f"'{DEVELOPMENT}' must be followed by '- ' bullets",
                              block.line)
        w.area.development_areas.extend(
            DevelopmentArea(line[2:].strip(), n, nxt.line + n - 1)
            for n, line in enumerate(nxt.lines, start=1))
        w.open_section(DEVELOPMENT, block.line)
        return i + 2
    if is_prose(block):
        w.add_text(block, "Sammanfattning")
        return i + 1
    raise unexpected(w, block, f"in the summary of Målområde {w.area.number}")


def goal_step(w: Walker, blocks: list[Block], i: int) -> int:
    """A mål's themed sections and its indicator table."""
    block, nxt = blocks[i], blocks[i + 1] if i + 1 < len(blocks) else None
    assert w.goal is not None
    if is_indicator_table(block):
        indicators, unparsed = parse_table(block, w.goal.letter, w.municipality, w.path)
        for indicator in indicators:
            indicator.page = w.page
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
    raise unexpected(w, block, f"under Mål {w.goal.letter}")
