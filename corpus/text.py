"""Load a report file into clean lines: UTF-8, NFC, Unix line endings."""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from corpus.errors import ReportError


@dataclass(frozen=True)
class SourceText:
    """A report's lines (index 0 is line 1) and the file's identity."""

    path: str
    lines: list[str]
    sha256: str
    line_pages: dict[int, int] | None = None  # 1-based line -> page, when the file had pages


def load_text(path: str | Path) -> SourceText:
    """Read a report as UTF-8 text, normalised to NFC with '\\n' line endings."""
    p = Path(path)
    if not p.exists():
        raise ReportError(str(p), "file not found")
    if not p.is_file():
        raise ReportError(str(p), "not a regular file")
    data = p.read_bytes()
    if not data.strip():
        raise ReportError(str(p), "the file is empty; expected the text of a bokslut")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ReportError(
            str(p), f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "expected a UTF-8 encoded text file", line
        ) from None
    if "\x00" in text:
        raise ReportError(str(p), "contains NUL bytes; expected a plain text file")
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    lines = [line.rstrip(" \u00a0") for line in text.split("\n")]
    pages = form_feed_pages(lines)
    if pages is not None:
        lines = [line.replace("\f", "") for line in lines]
    return SourceText(str(p), lines, hashlib.sha256(data).hexdigest(), pages)


def form_feed_pages(lines: list[str]) -> dict[int, int] | None:
    """Line -> page when the text marks page breaks with form feeds (as pdftotext does)."""
    if not any("\f" in line for line in lines):
        return None
    pages, page = {}, 1
    for number, line in enumerate(lines, start=1):
        page += line.count("\f")
        if line.replace("\f", "").strip():
            pages[number] = page
    return pages
