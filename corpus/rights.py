"""The rights lists under a målområde: instrument headers followed by article bullets."""

from __future__ import annotations

import re

from corpus.blocks import Block
from corpus.records import RightsEntry
from corpus.skips import Skips

INSTRUMENT_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("CRC", re.compile(r"^barnkonventionen", re.I)),
    ("UDHR", re.compile(r"^fn:s allmänna förklaring", re.I)),
    ("CRPD", re.compile(r"^fn:s konvention om rättigheter för personer med funktionsnedsättning"
                        r"|funktionsrättskonvention", re.I)),
    ("JAM", re.compile(r"^jämställdhetspolitik", re.I)),
)
RIGHTS_INTRO = re.compile(r"^Arbete med målområdet bidrar till säkerställande av .*rättigheter")
ARTICLE = re.compile(r"^- (?:Art(?:ikel)?|Delmål|Mål)\.?\s*(\d+)\s*[.:]?\s*(.+?)\.?\s*$")


def instrument_of(header: str) -> str | None:
    """The instrument notation a header line such as 'Barnkonventionen, exempelvis:' names."""
    for notation, pattern in INSTRUMENT_PATTERNS:
        if pattern.search(header.strip()):
            return notation
    return None


def is_instrument_header(block: Block, next_block: Block | None) -> bool:
    """A one-line header followed by a bullet list of articles."""
    return (
        len(block.lines) == 1
        and next_block is not None
        and next_block.is_bullets
        and bool(re.search(r"exempelvis:?$|:$", block.lines[0]))
    )


def parse_articles(header: Block, bullets: Block, skips: Skips,
                   area: int | None = None) -> list[RightsEntry]:
    """Rights entries for one instrument header and its bullets; unreadable ones are skipped."""
    notation = instrument_of(header.lines[0])
    if notation is None:
        known = ", ".join(p.pattern for _, p in INSTRUMENT_PATTERNS)
        skips.skip(header.line, "\n".join([*header.lines, *bullets.lines]),
                   f"unknown rights instrument {header.lines[0]!r}; expected one of the "
                   f"patterns {known}", area)
        return []
    entries = []
    for offset, line in enumerate(bullets.lines):
        m = ARTICLE.match(line)
        if not m:
            skips.skip(bullets.line_at(offset), line, f"rights bullet {line!r}: expected "
                       "'- Art N. label' or '- Mål N. label'", area)
            continue
        entries.append(RightsEntry(notation, int(m.group(1)), m.group(2),
                                   bullets.line_at(offset)))
    return entries
