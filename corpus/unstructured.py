"""Any report, at least searchable: paragraphs and headings of a document in another layout."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from corpus.blocks import HEADING_MAX, TERMINAL, Block, repair_paragraphs
from corpus.errors import NotABokslut
from corpus.layout import furniture_of
from corpus.records import Paragraph, Report, Section
from corpus.text import SourceText

YEAR = re.compile(r"\b((?:19|20)\d{2})\b")
NAME = r"[A-ZÅÄÖ][\wåäöé-]+"
MUNICIPALITY = re.compile(rf"\b({NAME}(?:\s{NAME})?\s(?:kommun|stad|region))\b")
BULLET = re.compile(r"^(- |[•●▪◦]\s*)")
FRONT = 40  # metadata is looked for in the first blocks only


@dataclass(frozen=True)
class Metadata:
    """What the command line says about a document (overrides what is found in it)."""

    municipality: str | None = None
    year: int | None = None
    title: str | None = None


def block_text(block: Block) -> str:
    """A block as one line of text."""
    text = " ".join(line.strip().lstrip("-•").strip() for line in block.lines)
    return text.replace("**", "").replace("\t", " | ")


def is_heading(block: Block, following: Block | None) -> bool:
    """Short, capitalised, unpunctuated and followed by longer text."""
    text = block_text(block)
    return (len(block.lines) == 1 and len(text) <= HEADING_MAX and text[:1].isupper()
            and not text.endswith(TERMINAL) and following is not None
            and len(block_text(following)) > len(text))


def found_metadata(blocks: list[Block], running: list[str],
                   given: Metadata) -> tuple[str, str, int]:
    """(title, municipality, year): the flags first, then the running header or footer
    (it usually names both), then the document's first blocks."""
    named = sorted({" ".join(t.split()) for t in running if re.search(r"[^\W\d]{3}", t)},
                   key=len, reverse=True)
    front = [*named, *(block_text(b) for b in blocks[:FRONT])]
    title = given.title or next((t for t in front if 3 <= len(t) <= 160), "")
    municipality = given.municipality or next(
        (m.group(1) for t in front if (m := MUNICIPALITY.search(t))), None)
    year = given.year or next((int(m.group(1)) for t in [title, *front]
                               if (m := YEAR.search(t))), None)
    missing = [name for name, value in (("--municipality", municipality), ("--year", year))
               if not value]
    if missing:
        raise NotABokslut("", "not a bokslut in the known format, and no "
                          f"{' or '.join(n.lstrip('-') for n in missing)} found in it; give "
                          f"{' and '.join(missing)} to ingest it as an unstructured report")
    assert municipality is not None and year is not None
    return title or f"Rapport {municipality} {year}", municipality, year


def sections_of(blocks: list[Block], line_pages: dict[int, int] | None) -> list[Section]:
    """Headings open sections; every other block is a paragraph of the current one."""
    sections: list[Section] = []
    for i, block in enumerate(blocks):
        page = line_pages.get(block.line) if line_pages else None
        if is_heading(block, blocks[i + 1] if i + 1 < len(blocks) else None):
            sections.append(Section(block_text(block), [], block.line, page))
            continue
        if not sections:
            sections.append(Section("Inledning", [], block.line, page))
        sections[-1].paragraphs.append(Paragraph(block_text(block), block.line, page))
    return [s for s in sections if s.paragraphs]


def paragraph_blocks(lines: list[str], furniture: set[int]) -> list[Block]:
    """Blank lines separate paragraphs; the lines between them (or a list item) are one."""
    blocks: list[Block] = []
    current: Block | None = None
    for i, raw in enumerate(lines):
        text = raw.strip()
        if i in furniture:
            continue  # a paragraph runs on across a page footer
        if not text:
            current = None
        elif current is None or BULLET.match(text):
            current = Block(i + 1, [text])
            blocks.append(current)
        else:
            current.lines[0] = f"{current.lines[0]} {text}"
    return blocks


def read_unstructured(source: SourceText, given: Metadata | None = None) -> Report:
    """A document outside the bokslut format as a Report of plain sections (structured=False)."""
    dropped = furniture_of(source.lines)
    furniture = sorted(n + 1 for n in dropped)
    blocks = repair_paragraphs(paragraph_blocks(source.lines, dropped))
    try:
        running = [source.lines[n - 1].strip() for n in furniture]
        title, municipality, year = found_metadata(blocks, running, given or Metadata())
    except NotABokslut as exc:
        raise NotABokslut(source.path, exc.message) from None
    report = Report(source.path, Path(source.path).name, title, municipality, year,
                    source.sha256, [], sections_of(blocks, source.line_pages), [],
                    structured=False, furniture=furniture,
                    pages_exact=source.line_pages is not None)
    report.strategy = ""
    return report
