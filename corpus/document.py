"""read_document(path): any report file (text or PDF) -> a Report, structured when possible."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from corpus.errors import NotABokslut
from corpus.reader import read_source
from corpus.records import Report
from corpus.text import SourceText, load_text
from corpus.unstructured import Metadata, read_unstructured


def is_pdf(path: Path) -> bool:
    """A PDF by its name or by its first bytes."""
    if path.suffix.lower() == ".pdf":
        return True
    try:
        with path.open("rb") as handle:
            return handle.read(5) == b"%PDF-"
    except OSError:
        return False


def load_source(path: str | Path) -> SourceText:
    """The document's lines: a text file as it is, a PDF rebuilt into lines with pages."""
    p = Path(path)
    if p.is_file() and is_pdf(p):
        from corpus.pdf import pdf_source  # the PDF library loads only for PDFs

        return pdf_source(p)
    return load_text(p)


def with_metadata(report: Report, given: Metadata) -> Report:
    """The flags override what the document says about itself."""
    changes = {name: value for name, value in (("municipality", given.municipality),
                                               ("year", given.year), ("title", given.title))
               if value}
    return dataclasses.replace(report, **changes) if changes else report


def read_document(path: str | Path, given: Metadata | None = None,
                  strict: bool = False) -> Report:
    """A bokslut read into records; any other document read as searchable passages."""
    given = given or Metadata()
    source = load_source(path)
    try:
        return with_metadata(read_source(source, strict), given)
    except NotABokslut as exc:
        try:
            return read_unstructured(source, given)
        except NotABokslut as fallback:
            raise NotABokslut(source.path, f"{exc.message}; {fallback.message}",
                              exc.line) from None


__all__ = ["Metadata", "is_pdf", "load_source", "read_document"]
