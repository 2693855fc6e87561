"""Undo layout noise before reading: running headers/footers and hard-wrapped lines.

The canonical text has one line per paragraph, bullet, table row or heading. Converters
(pdftotext, copy-paste from a PDF viewer) add page furniture and wrap long lines; this
module turns such text back into logical lines, keeping each one's source line number.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from dataclasses import dataclass

from corpus.blocks import Block

PAGE_NUMBER = re.compile(r"^(?:sida\s+)?\d{1,3}(?:\s*(?:\(|/|av)\s*\d{1,3}\)?)?$", re.I)
# Lines the bokslut format itself repeats: never page furniture.
KNOWN_REPEATS = re.compile(
    r"^(Arbete med målområdet |Sammanfattning för målområdet|Pågående arbete$|"
    r"Exempel på utvecklingsområden$|Indikator\t|Mål [A-ZÅÄÖ]\.|Målområde \d+:|- )")
STARTS_UNIT = re.compile(  # lines that always begin something: never the rest of a line
    r"^(- |Mål [A-ZÅÄÖ]\.(\s|$)|Målområde \d+:|Indikator\t|Arbete med målområdet |"
    r"Sammanfattning för målområdet |Pågående arbete$|Exempel på utvecklingsområden$|"
    r"[^\t]{3,120}, exempelvis:$)")
SENTENCE_END = (".", "!", "?", "”", '"', "»")
TOC_ROW = re.compile(r"\t(\d+)\s*$")
TABLE_TABS = 5  # an indicator row has six cells
MIN_WRAPPED_LINES = 20


@dataclass(frozen=True)
class Line:
    """One logical line and the 1-based number of the source line it starts on."""

    number: int
    text: str


def furniture_key(text: str) -> str:
    """A line with its digits masked, so 'Sida 3' and 'Sida 4' count as one header."""
    return re.sub(r"\d+", "#", " ".join(text.split()))


def running_lines(lines: list[str], start: int, pages: int) -> set[int]:
    """0-based indices of page numbers and lines repeated on many pages, from `start` on."""
    body = [(i, line.strip()) for i, line in enumerate(lines)
            if i >= start and line.strip() and "\t" not in line]
    counts = Counter(furniture_key(text) for _, text in body
                     if "\t" not in text and not KNOWN_REPEATS.match(text))
    often = max(3, pages // 4)
    found = set()
    for i, text in body:
        if "\t" in text or KNOWN_REPEATS.match(text):
            continue
        if PAGE_NUMBER.match(text) or counts[furniture_key(text)] >= often:
            found.add(i)
    return found


def wrap_width(lines: list[str]) -> int | None:
    """The column a hard-wrapped text breaks at, or None when lines are whole paragraphs."""
    lengths = sorted(len(line) for line in lines if "\t" not in line and len(line) >= 40)
    if len(lengths) < MIN_WRAPPED_LINES:
        return None
    width = lengths[int(len(lengths) * 0.9)]
    longer = sum(1 for n in lengths if n > width * 1.1)
    return width if width <= 160 and longer <= len(lengths) * 0.02 else None


def fill_limit(lines: list[str], width: int) -> float:
    """How long a line must be to have been broken: the width itself when the text was
    wrapped by character count (nearly every long line's next word would not have fitted),
    else 85 % of it (proportional fonts, as pdftotext writes them)."""
    long_pairs = [(a, b) for a, b in itertools.pairwise(lines)
                  if b.split() and "\t" not in a + b and len(a) >= 0.6 * width]
    exact = sum(len(a) + 1 + len(b.strip(" ").split(" ", 1)[0]) > width for a, b in long_pairs)
    return float(width) if long_pairs and exact >= 0.8 * len(long_pairs) else width * 0.85


def continues(last: str, previous_raw: str, line: str, width: float | None,
              in_table: bool) -> bool:
    """True when raw `line` carries on logical line `last` (whose latest raw line is given)."""
    if STARTS_UNIT.match(line) or (not in_table and TOC_ROW.search(last)):
        return False
    if "\t" in last and "\t" in line:  # two table rows, unless the first is still open
        return in_table and last.count("\t") + line.count("\t") <= TABLE_TABS
    if in_table and "\t" in last:
        if last.count("\t") < TABLE_TABS:
            return True
        if previous_raw.endswith("\t"):  # the row ends in an empty cell: nothing runs on
            return False
    if width is None:
        return False
    if previous_raw.rstrip("*").endswith(SENTENCE_END) and looks_like_heading(line, width):
        return False  # a paragraph ended and a heading follows without a blank line
    next_word = line.strip(" ").split(" ", 1)[0]  # a wrapper breaks at spaces, not tabs
    return len(previous_raw) + 1 + len(next_word) > width


def looks_like_heading(line: str, width: float) -> bool:
    """Short, capitalised and without a sentence end: a heading rather than a last line."""
    text = line.strip().rstrip("*")
    return (len(text) <= width * 0.6 and text[:1].isupper()
            and not text.endswith((*SENTENCE_END, ":", ";", ")")))


def is_open_row(line: Line | None) -> bool:
    """A table row with fewer than six cells so far: the rest follows (maybe over a page)."""
    return line is not None and 0 < line.text.count("\t") < TABLE_TABS


def unwrap(lines: list[str], skip: set[int]) -> list[Line | None]:
    """Logical lines; None marks a blank line (a paragraph boundary)."""
    kept = [line for i, line in enumerate(lines) if i not in skip]
    width = wrap_width(kept)
    limit = fill_limit(kept, width) if width is not None else None
    out: list[Line | None] = []
    previous_raw, in_table = "", False
    for i, raw in enumerate(lines):
        if i in skip:
            continue  # page furniture is transparent: a paragraph may run on across it
        last = out[-1] if out else None
        if not raw.strip():
            if not (in_table and is_open_row(last)):  # a row cut by a page break runs on
                out.append(None)
                previous_raw = ""
            continue
        if raw.startswith("Indikator\t"):
            in_table = True
        elif "\t" not in raw and (not previous_raw or STARTS_UNIT.match(raw)):
            in_table = in_table and is_open_row(last)  # a paragraph or heading ends the table
        if last is not None and continues(last.text, previous_raw or last.text, raw, limit,
                                          in_table):
            out[-1] = Line(last.number, f"{last.text} {raw.strip(' ')}")
        else:
            out.append(Line(i + 1, raw))
        previous_raw = raw
    return out


def toc_pages(lines: list[str], start: int) -> int:
    """The highest page number in the table of contents starting at index `start`."""
    pages, gap = 0, 0
    for line in lines[start + 1:]:
        if m := TOC_ROW.search(line):
            pages, gap = max(pages, int(m.group(1))), 0
        elif line.strip() and not PAGE_NUMBER.match(line.strip()):
            gap += 1
            if gap > 3:
                break
    return pages


def group(lines: list[Line | None]) -> list[Block]:
    """Blocks: runs of table rows, runs of bullets; any other line is a block of its own."""
    blocks: list[Block] = []
    kind_of_last = None
    for line in lines:
        if line is None:
            kind_of_last = None
            continue
        kind = "table" if "\t" in line.text else "bullets" if line.text.startswith("- ") else None
        if kind is not None and kind == kind_of_last:
            blocks[-1].lines.append(line.text)
            blocks[-1].numbers.append(line.number)
        else:
            blocks.append(Block(line.number, [line.text], numbers=[line.number]))
        kind_of_last = kind
    return blocks


def is_table_continuation(previous: Block, block: Block) -> bool:
    """Rows (or a repeated header and rows) that carry on a table after a page break."""
    if not (previous.is_table and block.is_table):
        return False
    if all(TOC_ROW.search(line) for line in [*previous.lines, *block.lines]):
        return True  # the table of contents over two pages
    if not previous.lines[0].startswith("Indikator\t"):
        return False
    rows = block.lines[1:] if block.lines[0] == previous.lines[0] else block.lines
    return all(row.count("\t") == TABLE_TABS for row in rows)


def merge_continued(blocks: list[Block]) -> list[Block]:
    """Join bullet lists and indicator tables that a page break or blank line cut in two."""
    merged: list[Block] = []
    for block in blocks:
        prev = merged[-1] if merged else None
        if prev is not None and prev.is_bullets and block.is_bullets:
            prev.lines.extend(block.lines)
            prev.numbers.extend(block.numbers)
        elif prev is not None and is_table_continuation(prev, block):
            first = 1 if block.lines[0] == prev.lines[0] else 0  # a header repeated on the new page
            prev.lines.extend(block.lines[first:])
            prev.numbers.extend(block.numbers[first:])
        else:
            merged.append(block)
    return merged


def furniture_of(lines: list[str]) -> set[int]:
    """0-based indices of running headers, footers and page numbers (the title page stays)."""
    contents = next((i for i, line in enumerate(lines) if line.strip() == "Innehåll"), -1)
    pages = toc_pages(lines, contents) if contents >= 0 else 0
    pages = max(pages, sum(1 for line in lines if PAGE_NUMBER.match(line.strip())))
    return running_lines(lines, contents + 1, pages)


def logical_blocks(lines: list[str]) -> tuple[list[Block], list[int]]:
    """Blocks of logical lines, and the 1-based numbers of the page-furniture lines dropped."""
    furniture = furniture_of(lines)
    blocks = merge_continued(group(unwrap(lines, furniture)))
    return blocks, sorted(i + 1 for i in furniture)
