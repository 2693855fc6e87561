"""A PDF rebuilt into the reader's lines: paragraphs, tab-separated table rows, exact pages.

pdfplumber (MIT, on pdfminer.six) gives every word with its box and finds ruled tables
with their cells. Words are grouped into lines and lines into paragraphs by the vertical
gap between them; a ruled table becomes one tab-separated row per table row, however
many lines a cell wraps over; lines repeated at the top or bottom of most pages (running
headers, footers, page numbers) are dropped. Every line keeps the PDF page it is on.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from corpus.errors import ReportError
from corpus.layout import furniture_key
from corpus.text import SourceText

CHAR_WIDTH = 0.5  # a character is about half the font size wide (a low estimate)
MARGIN = 0.1  # running headers and footers sit in the top or bottom tenth of a page
BULLET = re.compile(r"^[•●▪◦]\s*")
LEADER = re.compile(r"\s*(?:\.\s?){4,}\s*")
RIGHT_NUMBER = re.compile(r"^(.*)\t(\d+)$")


@dataclass
class Item:
    """A paragraph, heading or table row on one page, top to bottom."""

    top: float
    bottom: float
    text: str
    table: int | None = None  # which table on the page, for rows
    size: float = 0.0
    room: float = 0.0  # space left at the end of the last line


@dataclass(frozen=True)
class TextLine:
    """One line of words on a page."""

    top: float
    bottom: float
    size: float
    right: float
    text: str


def line_text(words: list[dict]) -> str:
    """Words of one line; a wide gap (before a right-aligned page number) becomes a tab."""
    text = words[0]["text"]
    for n, (before, word) in enumerate(itertools.pairwise(words), start=2):
        gap = word["x0"] - before["x1"]
        last_number = n == len(words) and word["text"].isdigit()
        wide = gap > (0.6 if last_number else 1.5) * word["size"]
        text += ("\t" if wide else " ") + word["text"]
    return LEADER.sub("\t", text)


def has_marker(words: list[dict], marks: list[tuple[float, float, float, float]]) -> bool:
    """A small drawn dot or square just left of the line: a list bullet without a glyph."""
    first = words[0]
    return any(x1 <= first["x0"] and first["x0"] - x1 < 3 * first["size"]
               and top >= first["top"] - 2 and bottom <= first["bottom"] + 2
               for x0, top, x1, bottom in marks)


def text_lines(words: list[dict], marks: list[tuple[float, float, float, float]]
               ) -> list[TextLine]:
    """The words grouped into lines, top to bottom; a drawn bullet becomes '- '."""
    lines: list[list[dict]] = []
    for word in sorted(words, key=lambda w: (round(w["top"]), w["x0"])):
        if lines and abs(lines[-1][0]["top"] - word["top"]) < word["size"] * 0.4:
            lines[-1].append(word)
        else:
            lines.append([word])
    result = []
    for line in lines:
        line.sort(key=lambda w: w["x0"])
        text = ("- " if has_marker(line, marks) else "") + line_text(line)
        result.append(TextLine(min(w["top"] for w in line), max(w["bottom"] for w in line),
                               max(w["size"] for w in line), max(w["x1"] for w in line),
                               text))
    return result


def join_wrapped(head: str, tail: str) -> str:
    """Two wrapped lines as one. A break after a hyphen that follows a capital or a digit is
    inside a compound ('V-' + 'klass', 'HBTQI-' + 'personer'): Swedish hyphenates those;
    after lowercase letters the hyphen ends a part of its own ('gång-' + 'och', 'upp-' +
    'lever', which the reader repairs), so the space stays."""
    if re.search(r"[A-ZÅÄÖ0-9]-$", head):
        return head + tail
    return f"{head} {tail}"


def run_on(text: str, more: str) -> str:
    """Add a wrapped line to a paragraph, keeping a right-aligned page number last."""
    if (m := RIGHT_NUMBER.match(text)) and "\t" not in more:
        return f"{join_wrapped(m.group(1), more)}\t{m.group(2)}"
    return join_wrapped(text, more)


def paragraphs(lines: list[TextLine]) -> list[Item]:
    """Lines joined into paragraphs: a bigger gap, a new size or a bullet starts a new one."""
    items: list[Item] = []
    right = max((line.right for line in lines), default=0.0)
    last: TextLine | None = None
    for line in lines:
        text = line.text
        if m := BULLET.match(text):
            text = "- " + text[m.end():]
        bullet = text.startswith("- ")
        if (last is not None and not bullet and abs(line.size - last.size) < 0.5
                and line.top - last.bottom < line.size * 0.5):
            items[-1].text = run_on(items[-1].text, text)
            items[-1].bottom = line.bottom
        else:
            items.append(Item(line.top, line.bottom, text, size=line.size))
        items[-1].room = right - line.right
        last = line
    return items


def cell_text(cell: str) -> str:
    """A table cell's wrapped lines as one line."""
    text = ""
    for line in cell.split("\n"):
        line = " ".join(line.split())
        text = join_wrapped(text, line) if text else line
    return text


def table_items(page, tables) -> list[Item]:
    """One item per table row: cells joined by tabs, a cell's wrapped lines by spaces."""
    items = []
    for number, table in enumerate(tables):
        for row, cells in zip(table.rows, table.extract(), strict=False):
            texts = [cell_text(c or "") for c in cells]
            top = min(c[1] for c in row.cells if c) if any(row.cells) else table.bbox[1]
            bottom = max(c[3] for c in row.cells if c) if any(row.cells) else table.bbox[3]
            items.append(Item(top, bottom, "\t".join(texts), number))
    return items


def inside(word: dict, boxes: list[tuple[float, float, float, float]]) -> bool:
    """True when a word's centre lies in one of the boxes."""
    x, y = (word["x0"] + word["x1"]) / 2, (word["top"] + word["bottom"]) / 2
    return any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)


def page_items(page) -> list[Item]:
    """Paragraphs and table rows of one page, in reading order."""
    tables = page.find_tables()
    boxes = [t.bbox for t in tables]
    words = [w for w in page.extract_words(extra_attrs=["size"]) if not inside(w, boxes)]
    marks = [(g["x0"], g["top"], g["x1"], g["bottom"]) for g in [*page.curves, *page.rects]
             if g["x1"] - g["x0"] < 8 and g["bottom"] - g["top"] < 8]
    items = paragraphs(text_lines(words, marks)) + table_items(page, tables)
    return sorted(items, key=lambda item: item.top)


def furniture(pages: list[list[Item]], heights: list[float]) -> set[str]:
    """Keys of lines that sit in the page margins on at least half of the pages."""
    counts: Counter[str] = Counter()
    for items, height in zip(pages, heights, strict=True):
        counts.update({furniture_key(i.text) for i in items if in_margin(i, height)})
    needed = max(2, len(pages) // 2)
    return {key for key, n in counts.items() if n >= needed}


def in_margin(item: Item, height: float) -> bool:
    """True for a paragraph in the top or bottom margin band of its page."""
    return item.table is None and (item.bottom < height * MARGIN
                                   or item.top > height * (1 - MARGIN))


def runs_on(previous: Item | None, item: Item) -> bool:
    """A paragraph cut by the page break: the next page's first word would not have fitted
    at the end of the last line, and the size is the same."""
    if previous is None or previous.table is not None or item.table is not None:
        return False
    word = item.text.split(maxsplit=1)[0] if item.text.split() else ""
    needed = (len(word) + 1) * item.size * CHAR_WIDTH
    return (previous.room < needed and abs(previous.size - item.size) < 0.5
            and not item.text.startswith("- "))


def emit(pages: list[list[Item]], heights: list[float]) -> tuple[list[str], dict[int, int]]:
    """The reader's lines (blank between paragraphs, none between rows) and each line's page."""
    drop = furniture(pages, heights)
    lines: list[str] = []
    line_pages: dict[int, int] = {}
    previous: Item | None = None
    for number, (items, height) in enumerate(zip(pages, heights, strict=True), start=1):
        first = True
        for item in items:
            if in_margin(item, height) and furniture_key(item.text) in drop:
                continue
            if first and runs_on(previous, item):
                lines[-1] = f"{lines[-1]} {item.text}"  # the paragraph keeps its first page
            else:
                same_table = (not first and previous is not None and item.table is not None
                              and item.table == previous.table)
                if not same_table:  # a table going on over the page is joined by the reader
                    lines.append("")
                lines.append(item.text)
                line_pages[len(lines)] = number
            previous, first = item, False
    return lines, line_pages


def pdf_source(path: str | Path) -> SourceText:
    """Read a PDF into lines with the page of each line; ReportError when it has no text."""
    import pdfplumber  # imported here: only PDFs need it
    from pdfminer.psexceptions import PSException
    from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException

    p = Path(path)
    try:
        with pdfplumber.open(p) as pdf:
            pages = [page_items(page) for page in pdf.pages]
            heights = [float(page.height) for page in pdf.pages]
    except (PSException, PdfminerException, MalformedPDFException, ValueError, KeyError,
            TypeError) as exc:
        raise ReportError(str(p), f"not a readable PDF ({exc.__class__.__name__}); expected "
                          "a PDF file with a text layer") from None
    lines, line_pages = emit(pages, heights)
    if not any(line.strip() for line in lines):
        raise ReportError(str(p), "the PDF has no text layer (a scanned image?); expected a "
                          "PDF with selectable text")
    return SourceText(str(p), lines, hashlib.sha256(p.read_bytes()).hexdigest(), line_pages)
