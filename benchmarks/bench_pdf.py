"""PDF libraries compared on our job: the 2025 text typeset by Chromium and by reportlab,
then read by pypdfium2, pdfminer.six and pdfplumber.

Run: .venv/bin/python benchmarks/bench_pdf.py   (needs chromium; output in benchmarks/results)
Prints, per library and PDF: seconds per page, the share of the source's words found in the
extracted text, and for the 73 indicator rows the share whose first name word, value and
year come out on one line (cells of a row kept together) — for pdfplumber, the rows its
table finder rebuilds. Ratios are against pypdfium2 measured in the same run.
"""

from __future__ import annotations

import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from corpus.reader import read_report
from tests.conftest import REPORT_PATH
from tests.typeset import chromium_pdf, report_text, reportlab_pdf


def pypdfium2_lines(pdf: Path) -> list[str]:
    """pypdfium2: the text of each page as PDFium orders it."""
    import pypdfium2

    document = pypdfium2.PdfDocument(str(pdf))
    try:
        return [line for page in document
                for line in page.get_textpage().get_text_range().splitlines()]
    finally:
        document.close()


def pdfminer_lines(pdf: Path) -> list[str]:
    """pdfminer.six: layout analysis into text boxes."""
    from pdfminer.high_level import extract_text

    return extract_text(str(pdf)).splitlines()


def pdfplumber_lines(pdf: Path) -> list[str]:
    """pdfplumber through our reader's PDF module (words, gaps, ruled tables)."""
    from corpus.pdf import pdf_source

    return pdf_source(pdf).lines


def word_recall(lines: list[str], source: Counter) -> float:
    """Share of the source's words (as a multiset) found in the extracted text."""
    found = Counter(re.findall(r"\w+", " ".join(lines).lower()))
    return sum((found & source).values()) / sum(source.values())


def rows_kept(lines: list[str], rows: list[tuple[str, str, str]]) -> float:
    """Share of indicator rows whose first word, value and year appear on one line."""
    kept = 0
    for first, value, year in rows:
        kept += any(first in line and value in line and year in line for line in lines)
    return kept / len(rows)


def main() -> None:
    report = read_report(REPORT_PATH)
    source = Counter(re.findall(r"\w+", report_text().replace("**", "").lower()))
    rows = [(i.name.split()[0], i.value_cell.split()[0], i.year_cell) for i in report.indicators]
    readers = {"pypdfium2": pypdfium2_lines, "pdfminer.six": pdfminer_lines,
               "pdfplumber": pdfplumber_lines}
    with tempfile.TemporaryDirectory() as folder:
        pdfs = [chromium_pdf(report_text(), Path(folder)),
                reportlab_pdf(report_text(), Path(folder))]
        for pdf in pdfs:
            import pypdfium2

            pages = len(pypdfium2.PdfDocument(str(pdf)))
            print(f"\n{pdf.name} ({pages} pages)")
            reference = None
            for name, read in readers.items():
                started = time.perf_counter()
                lines = read(pdf)
                per_page = (time.perf_counter() - started) / pages
                reference = reference or per_page
                print(f"  {name:13} {per_page * 1000:7.1f} ms/page ({per_page / reference:4.1f}x)"
                      f"  words {word_recall(lines, source):6.1%}"
                      f"  rows on one line {rows_kept(lines, rows):6.1%}")


if __name__ == "__main__":
    main()
