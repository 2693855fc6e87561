"""PDF in: the 2025 text typeset by two unrelated tools reads back to the same records.

The PDFs are made in the test session (tests/typeset.py): Chromium prints HTML (header row
repeated when a table runs over a page), reportlab lays it out itself (no repeated header).
Both carry a running header and a page number on every page.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from corpus.document import read_document
from corpus.passages import build_passages
from tests import noise
from tests.typeset import chromium_pdf, report_text, reportlab_pdf

pytestmark = pytest.mark.slow
TYPESETTERS = {"chromium": chromium_pdf, "reportlab": reportlab_pdf}


@pytest.fixture(scope="module", params=sorted(TYPESETTERS))
def typeset(request, tmp_path_factory) -> tuple[Path, object]:
    """(PDF path, report read from it) for one typesetter."""
    folder = tmp_path_factory.mktemp(request.param)
    pdf = TYPESETTERS[request.param](report_text(), folder)
    return pdf, read_document(pdf)


def page_texts(pdf: Path) -> list[str]:
    """Each page's text by pypdfium2, a second extractor, whitespace squashed."""
    import pypdfium2

    document = pypdfium2.PdfDocument(str(pdf))
    try:
        return [squash(page.get_textpage().get_text_range()) for page in document]
    finally:
        document.close()


def squash(text: str) -> str:
    """Whitespace collapsed, hyphen-broken lines rejoined loosely."""
    return " ".join(text.replace("\ufffe", "").replace("\x02", "").split())


def test_same_records_as_the_text(report, typeset):
    pdf, variant = typeset
    counts = {kind: sum(c.values()) for kind, c in noise.records(variant).items()}
    assert counts == {"målområden": 6, "mål": 15, "rättigheter": 35, "utvecklingsområden": 29,
                      "tematiska avsnitt": 45, "indikatorer": 73, "observationer": 276}
    shares = noise.recovered(report, variant)
    print(f"\n{pdf.name}: " + ", ".join(f"{k} {v:.1%}" for k, v in shares.items()))
    assert all(share == 1.0 for share in shares.values()), shares
    assert variant.skipped == [] and variant.unparsed == []
    assert (variant.title, variant.municipality, variant.year) == (
        report.title, report.municipality, report.year)
    assert variant.pages_exact and variant.file_name == pdf.name


def test_running_headers_and_page_numbers_are_gone(typeset):
    _, variant = typeset
    texts = [p.text for p in build_passages(variant)]
    assert not any(re.fullmatch(r"(Sida )?\d+", t) for t in texts)
    assert sum("Södertälje kommun Bokslut social hållbarhet 2025" in t for t in texts) == 0


def test_some_table_runs_over_a_page_break(typeset):
    _, variant = typeset
    split = [g.letter for g in variant.goals if len({i.page for i in g.indicators}) > 1]
    assert split, "the typeset PDF should break at least one indicator table"


def test_passage_pages_are_the_pdf_pages(typeset):
    pdf, variant = typeset
    pages = page_texts(pdf)
    passages = [p for p in build_passages(variant) if p.kind in {"narrative", "indicator"}]
    assert all(p.page is not None for p in passages)
    misplaced, checked = [], Counter()
    for p in passages:
        opening = " ".join(squash(p.text if p.kind == "narrative" else p.heading or "").split()[:6])
        if not any(opening in text for text in pages):
            continue  # the opening words wrap at a hyphen in this layout
        checked[p.kind] += 1
        if opening not in pages[p.page - 1]:
            misplaced.append((p.id, p.page))
    assert not misplaced, misplaced[:5]
    print(f"\n{pdf.name}: pages checked for {dict(checked)} of {len(passages)} passages")
    assert sum(checked.values()) >= 0.9 * len(passages)
