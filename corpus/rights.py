"""The rights lists under a målområde: instrument headers followed by article bullets."""

from __future__ import annotations

import re

from corpus.blocks import Block
from corpus.errors import ReportError
from corpus.records import RightsEntry

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


def parse_articles(header: Block, bullets: Block, path: str) -> list[RightsEntry]:
    """Rights entries for one instrument header and its bullets."""
    notation = instrument_of(header.lines[0])
    if notation is None:
        known = ", ".join(p.pattern for _, p in INSTRUMENT_PATTERNS)
        raise ReportError(path, f"unknown rights instrument {header.lines[0]!r}; "
                          f"expected one of the patterns {known}", header.line)
    entries = []
    for offset, line in enumerate(bullets.lines):
        m = ARTICLE.match(line)
        if not m:
            raise ReportError(path, f"rights bullet {line!r}: expected '- Art N. label' "
                              "or '- Mål N. label'", bullets.line + offset)
        entries.append(RightsEntry(notation, int(m.group(1)), m.group(2), bullets.line + offset))
    return entries
