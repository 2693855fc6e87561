"""Typeset the 2025 text as PDF with two unrelated tools, as a municipality would publish it.

Both put a running header (municipality, title) and a page number on every page, draw the
indicator tables with cell borders and let long tables run over a page break: Chromium
repeats the header row there, reportlab does not.
"""

from __future__ import annotations

import html
import re
import subprocess
from pathlib import Path

from tests.conftest import REPORT_PATH

HEADER_LEFT, HEADER_RIGHT = "Södertälje kommun", "Bokslut social hållbarhet 2025"
BOLD = re.compile(r"\*\*(.+?)\*\*")


def blocks(text: str) -> list[list[str]]:
    """The clean text as blocks of lines, as blank lines separate them."""
    found, current = [], []
    for line in text.split("\n"):
        if line.strip():
            current.append(line.rstrip(" "))
        elif current:
            found.append(current)
            current = []
    return [*found, current] if current else found


def kind(block: list[str]) -> str:
    """toc | table | bullets | heading | paragraph."""
    if "\t" in block[0]:
        return "toc" if re.search(r"\t\d+$", block[0]) else "table"
    if block[0].startswith("- "):
        return "bullets"
    if re.match(r"^(Målområde \d+:|Mål [A-ZÅÄÖ]\. )", block[0]):
        return "heading"
    return "paragraph"


# --- HTML printed by headless Chromium --------------------------------------------------

CSS = f"""
@page {{ size: A4; margin: 22mm 18mm;
  @top-left {{ content: "{HEADER_LEFT}"; font: 9pt sans-serif; }}
  @top-right {{ content: "{HEADER_RIGHT}"; font: 9pt sans-serif; }}
  @bottom-center {{ content: counter(page); font: 9pt sans-serif; }} }}
body {{ font: 10.5pt/1.35 sans-serif; }}
p, li {{ margin: 0 0 9pt 0; }} ul {{ margin: 0 0 9pt 0; padding-left: 16pt; }}
h1 {{ font-size: 22pt; margin: 0 0 14pt 0; }} h2 {{ font-size: 14pt; margin: 14pt 0 9pt 0; }}
.area {{ break-before: page; }}
table {{ border-collapse: collapse; width: 100%; font-size: 8.5pt; margin: 0 0 9pt 0; }}
td, th {{ border: 0.6pt solid #444; padding: 2pt 3pt; vertical-align: top; text-align: left; }}
tr {{ break-inside: avoid; }}
.toc td {{ border: none; }} .toc td:last-child {{ text-align: right; }}
"""


def inline(text: str) -> str:
    """Escape and turn **bold** into <b>."""
    return BOLD.sub(r"<b>\1</b>", html.escape(text))


def html_table(lines: list[str], css_class: str = "") -> str:
    """A bordered table; the first row is a repeated header unless it is the contents."""
    rows = [line.split("\t") for line in lines]
    cells = lambda row, tag: "".join(f"<{tag}>{inline(c)}</{tag}>" for c in row)  # noqa: E731
    if css_class:
        return f'<table class="{css_class}">' + "".join(
            f"<tr>{cells(r, 'td')}</tr>" for r in rows) + "</table>"
    head = f"<thead><tr>{cells(rows[0], 'th')}</tr></thead>"
    body = "".join(f"<tr>{cells(r, 'td')}</tr>" for r in rows[1:])
    return f"<table>{head}<tbody>{body}</tbody></table>"


def to_html(text: str) -> str:
    """The report as one HTML page."""
    parts = []
    for block in blocks(text):
        k = kind(block)
        if k == "toc":
            parts.append(html_table(block, "toc"))
        elif k == "table":
            parts.append(html_table(block))
        elif k == "bullets":
            parts.append("<ul>" + "".join(f"<li>{inline(b[2:])}</li>" for b in block) + "</ul>")
        elif k == "heading":
            area = ' class="area"' if block[0].startswith("Målområde") else ""
            parts.append(f"<h2{area}>{inline(' '.join(block))}</h2>")
        elif block == ["Innehåll"]:
            parts.append(f'<h2 style="break-before: page">{block[0]}</h2>')
        else:
            parts.extend(f"<p>{inline(line)}</p>" for line in block)
    body = "\n".join(parts)
    return f'<!doctype html><html lang="sv"><head><meta charset="utf-8"><style>{CSS}</style>' \
           f"</head><body>{body}</body></html>"


def chromium_pdf(text: str, folder: Path) -> Path:
    """Print the HTML with headless Chromium."""
    source, target = folder / "bokslut.html", folder / "bokslut-chromium.pdf"
    source.write_text(to_html(text), encoding="utf-8")
    subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu",
                    "--no-pdf-header-footer", f"--print-to-pdf={target}",
                    source.as_uri()], check=True, capture_output=True, timeout=180)
    return target


# --- reportlab -----------------------------------------------------------------------------

def reportlab_pdf(text: str, folder: Path) -> Path:
    """Lay the report out with reportlab's platypus (tables split without a repeated header)."""
    import reportlab
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table, TableStyle

    fonts = Path(reportlab.__file__).parent / "fonts"  # Bitstream Vera ships with reportlab
    pdfmetrics.registerFont(TTFont("Vera", str(fonts / "Vera.ttf")))
    pdfmetrics.registerFont(TTFont("VeraB", str(fonts / "VeraBd.ttf")))
    pdfmetrics.registerFontFamily("Vera", normal="Vera", bold="VeraB")
    body = ParagraphStyle("body", fontName="Vera", fontSize=10, leading=13, spaceAfter=8)
    head = ParagraphStyle("head", parent=body, fontName="VeraB", fontSize=13, leading=16,
                          spaceBefore=8)
    cell = ParagraphStyle("cell", parent=body, fontSize=7.5, leading=9, spaceAfter=0)
    target = folder / "bokslut-reportlab.pdf"

    def furniture(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont("Vera", 8)
        canvas.drawString(18 * mm, A4[1] - 12 * mm, HEADER_LEFT)
        canvas.drawRightString(A4[0] - 18 * mm, A4[1] - 12 * mm, HEADER_RIGHT)
        canvas.drawCentredString(A4[0] / 2, 10 * mm, f"Sida {doc.page}")
        canvas.restoreState()

    story = []
    for block in blocks(text):
        k = kind(block)
        if k in {"toc", "table"}:
            rows = [[Paragraph(inline(c), cell) for c in line.split("\t")] for line in block]
            table = Table(rows, repeatRows=0, splitByRow=True,
                          colWidths=None if k == "table" else [150 * mm, 15 * mm])
            if k == "table":
                table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                                           ("VALIGN", (0, 0), (-1, -1), "TOP")]))
            story.append(table)
        elif k == "bullets":
            story.extend(Paragraph(f"- {inline(b[2:])}", body) for b in block)
        elif k == "heading":
            if block[0].startswith("Målområde"):
                story.append(PageBreak())
            story.append(Paragraph(inline(" ".join(block)), head))
        else:
            story.extend(Paragraph(inline(line), body) for line in block)
    SimpleDocTemplate(str(target), pagesize=A4, topMargin=20 * mm, bottomMargin=20 * mm,
                      leftMargin=18 * mm, rightMargin=18 * mm).build(
        story, onFirstPage=furniture, onLaterPages=furniture)
    return target


def report_text() -> str:
    """The clean 2025 text."""
    return REPORT_PATH.read_text(encoding="utf-8")
