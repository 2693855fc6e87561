"""SVG building blocks for the charts: the accessible frame, escaped text, label fitting."""

from __future__ import annotations

from html import escape

WIDTH = 640
INK = "#1b1b1b"  # text: 16.8:1 on white
MUTED = "#4a4a4a"  # secondary text and axes: 8.9:1 on white
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
CHAR_WIDTH = 7.4  # average width of a 14 px character, for fitting labels
BOLD_WIDTH = 8.4  # the same in bold


def esc(value: object) -> str:
    """Text or attribute content, escaped (quotes too)."""
    return escape(str(value), quote=True)


def text_width(label: str, bold: bool = False) -> float:
    """About how many pixels a 14 px label takes."""
    return len(label) * (BOLD_WIDTH if bold else CHAR_WIDTH)


def fit(label: str, width: float, bold: bool = False) -> str:
    """The label cut with '…' so that it fits in about `width` pixels."""
    room = max(int(width / (BOLD_WIDTH if bold else CHAR_WIDTH)), 4)
    return label if len(label) <= room else label[: room - 1].rstrip() + "…"


def text(x: float, y: float, content: str, *, anchor: str = "start", bold: bool = False,
         full: str | None = None, colour: str = INK, size: int = 14) -> str:
    """A <text> element; `full` (when the shown text was cut) becomes its tooltip title."""
    weight = ' font-weight="700"' if bold else ""
    tip = f"<title>{esc(full)}</title>" if full and full != content else ""
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="{colour}" '
            f'font-size="{size}"{weight}>{tip}{esc(content)}</text>')


def frame(height: float, title: str, summary: str, body: str, width: int = WIDTH) -> str:
    """The <svg> element: role="img", an aria-label with every value, <title> and <desc>."""
    label = f"{title}. {summary}" if summary else title
    return (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{esc(label)}" '
            f'viewBox="0 0 {width} {height:.0f}" width="{width}" height="{height:.0f}" '
            f'font-family="{esc(FONT)}" font-size="14">'
            f"<title>{esc(title)}</title><desc>{esc(summary)}</desc>{body}</svg>")
