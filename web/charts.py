"""Accessible server-rendered SVG charts: bars, bars grouped by sex, and time-series lines.

Pure functions returning an SVG string (or "" when there is nothing to draw). Every chart
has role="img", an aria-label and <title>/<desc> that state all values, visible text labels
with the values, and no meaning carried by colour alone (the highlighted area's label is
bold and marked, series are named on every bar or line). Presentation attributes only: the
site's Content-Security-Policy forbids inline styles.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from web.filters import sv_number
from web.svg_parts import INK, MUTED, WIDTH, fit, frame, text, text_width

Number = int | float | Decimal

HIGHLIGHT = "#0b4f8a"  # the report's own municipality: 7.8:1 on white
OTHER = "#6b6b6b"  # everyone else: 5.3:1 on white
SEX_COLOURS = {"K": "#8a3b0c", "M": "#0b4f8a"}
ROW, BAR, GAP = 26, 18, 10
MARK = "▶ "  # a non-colour marker in front of the highlighted label


@dataclass(frozen=True)
class Bar:
    """One bar: a label, its value and whether it is the highlighted area."""

    label: str
    value: Number
    highlight: bool = False


@dataclass(frozen=True)
class Group:
    """Bars side by side for one label, e.g. K and M for one area."""

    label: str
    values: dict[str, Number]
    highlight: bool = False


def value_text(value: Number, unit: str = "") -> str:
    """9.1 and '%' -> '9,1 %'; other units are stated once in the caption, not per value."""
    return sv_number(value) + (" %" if unit == "%" else "")


def _scale(values: Sequence[Number], left: float, width: float):
    """A function mapping a value to x, with zero always inside the range."""
    nums = [float(v) for v in values]
    low, high = min(0.0, *nums), max(0.0, *nums)
    span = (high - low) or 1.0
    return lambda v: left + (float(v) - low) / span * width


def _label_width(labels: Sequence[tuple[str, bool]]) -> float:
    """Width of the label column: as wide as the longest (label, bold), at most 45 %."""
    return min(WIDTH * 0.45, max(text_width(MARK + label, bold) for label, bold in labels) + 16)


def _bar(x: float, y: float, x0: float, value: Number, colour: str) -> str:
    """One horizontal bar from the zero line to the value."""
    left, right = sorted((x0, x))
    return (f'<rect x="{left:.1f}" y="{y:.1f}" width="{max(right - left, 1):.1f}" '
            f'height="{BAR}" fill="{colour}"/>')


def _row_label(label: str, highlight: bool, x: float, y: float, width: float) -> str:
    """A bar's label, right-aligned before the bars; the highlighted one marked and bold."""
    shown = (MARK if highlight else "") + label
    return text(x, y, fit(shown, width, highlight), anchor="end", bold=highlight, full=shown)


def bar_chart(bars: Sequence[Bar], title: str, unit: str = "") -> str:
    """Horizontal bars with values written out; the highlighted bar is dark, marked and bold."""
    if not bars:
        return ""
    summary = "; ".join(f"{b.label}: {value_text(b.value, unit)}" for b in bars)
    label_w = _label_width([(b.label, b.highlight) for b in bars])
    x = _scale([b.value for b in bars], label_w, WIDTH - label_w - 90)
    parts, y = [], 8.0
    for b in bars:
        parts.append(_row_label(b.label, b.highlight, label_w - 8, y + BAR - 4, label_w - 12))
        parts.append(_bar(x(b.value), y, x(0), b.value, HIGHLIGHT if b.highlight else OTHER))
        parts.append(text(max(x(b.value), x(0)) + 6, y + BAR - 4, value_text(b.value, unit),
                          bold=b.highlight))
        y += ROW
    parts.append(_zero_line(x(0), 4, y))
    return frame(y + 6, title, summary, "".join(parts))


def grouped_bar_chart(groups: Sequence[Group], series: Sequence[str], title: str,
                      unit: str = "") -> str:
    """Bars per series (e.g. K, M) under each group label; every bar says its series and value."""
    groups = [g for g in groups if any(s in g.values for s in series)]
    if not groups:
        return ""
    summary = "; ".join(
        f"{g.label}: " + ", ".join(f"{s} {value_text(g.values[s], unit)}"
                                   for s in series if s in g.values) for g in groups)
    label_w = _label_width([(g.label, g.highlight) for g in groups])
    x = _scale([v for g in groups for v in g.values.values()], label_w, WIDTH - label_w - 100)
    parts, y = [], 8.0
    for g in groups:
        parts.append(_row_label(g.label, g.highlight, label_w - 8, y + BAR - 4, label_w - 12))
        for s in series:
            if s not in g.values:
                continue
            value = g.values[s]
            parts.append(_bar(x(value), y, x(0), value, SEX_COLOURS.get(s, OTHER)))
            parts.append(text(max(x(value), x(0)) + 6, y + BAR - 4,
                              f"{s} {value_text(value, unit)}", bold=g.highlight))
            y += BAR + 4
        y += GAP
    parts.append(_zero_line(x(0), 4, y - GAP))
    return frame(y, title, summary, "".join(parts))


def _zero_line(x: float, top: float, bottom: float) -> str:
    """The vertical zero line the bars start from."""
    return (f'<line x1="{x:.1f}" y1="{top:.1f}" x2="{x:.1f}" y2="{bottom:.1f}" '
            f'stroke="{INK}" stroke-width="1"/>')


@dataclass(frozen=True)
class Series:
    """One line of a time series: (year, value) points."""

    label: str
    points: tuple[tuple[int, Number], ...]
    highlight: bool = False


LINE_COLOURS = ("#0b4f8a", "#8a3b0c", "#2e6b30", "#5b3a8c", "#4a4a4a", "#8a1c3b")
DASHES = ("", "6 3", "2 3", "8 3 2 3", "4 4", "1 2")
MARKERS = ("circle", "square", "triangle", "diamond", "circle", "square")
LEFT, RIGHT, TOP, BOTTOM, HEIGHT, PAD = 56, 170, 24, 40, 300, 24


def line_chart(series: Sequence[Series], title: str, unit: str = "") -> str:
    """Years across, values up; each line has its own dash and marker and is named at its end."""
    series = [s for s in series if s.points]
    if not series:
        return ""
    years = sorted({year for s in series for year, _ in s.points})
    values = [v for s in series for _, v in s.points]
    summary = "; ".join(f"{s.label}: " + ", ".join(
        f"{year} {value_text(v, unit)}" for year, v in sorted(s.points)) for s in series)
    plot_w, plot_h = WIDTH - LEFT - RIGHT - 2 * PAD, HEIGHT - TOP - BOTTOM
    step = plot_w / (len(years) - 1) if len(years) > 1 else 0
    x = {year: LEFT + PAD + (i * step if len(years) > 1 else plot_w / 2)
         for i, year in enumerate(years)}
    y_of = _scale(values, 0, plot_h)

    def y(value: Number) -> float:
        """Values grow upwards."""
        return TOP + plot_h - y_of(value)

    parts = [_axes(years, x, values, y, unit)]
    ends: list[tuple[float, str, bool]] = []
    values_at: dict[int, list[tuple[float, str, bool]]] = defaultdict(list)
    for n, s in enumerate(series):
        points = sorted(s.points)
        colour, dash = LINE_COLOURS[n % len(LINE_COLOURS)], DASHES[n % len(DASHES)]
        coords = " ".join(f"{x[year]:.1f},{y(v):.1f}" for year, v in points)
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(f'<polyline points="{coords}" fill="none" stroke="{colour}" '
                     f'stroke-width="{3 if s.highlight else 2}"{dashed}/>')
        for year, v in points:
            parts.append(_marker(MARKERS[n % len(MARKERS)], x[year], y(v), colour))
            values_at[year].append((y(v), value_text(v, unit), s.highlight))
        ends.append((y(points[-1][1]), s.label, s.highlight))
    for year, labels in values_at.items():
        for label_y, label, bold in _value_labels(labels):
            parts.append(text(x[year], label_y, label, anchor="middle", bold=bold, size=12))
    parts.extend(text(WIDTH - RIGHT + 12, label_y + 4, fit(MARK * bold + label, RIGHT - 16, bold),
                      bold=bold, full=MARK * bold + label)
                 for label_y, label, bold in _spread(ends, 16))
    return frame(HEIGHT, title, summary, "".join(parts))


def _axes(years: list[int], x: dict[int, float], values: list[Number], y, unit: str) -> str:
    """Year labels below, the lowest and highest value (and zero) at the left."""
    parts = [text(x[year], HEIGHT - BOTTOM + 20, str(year), anchor="middle", colour=MUTED)
             for year in years]
    for v in sorted({0, min(values), max(values)}, key=float):
        parts.append(f'<line x1="{LEFT}" y1="{y(v):.1f}" x2="{WIDTH - RIGHT}" y2="{y(v):.1f}" '
                     f'stroke="#c8c8c8" stroke-width="1"/>')
        parts.append(text(LEFT - 6, y(v) + 4, value_text(v, unit), anchor="end", colour=MUTED,
                          size=12))
    return "".join(parts)


def _marker(shape: str, cx: float, cy: float, colour: str) -> str:
    """A point marker; the shape tells the lines apart without colour."""
    if shape == "circle":
        return f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="4.5" fill="{colour}"/>'
    if shape == "square":
        return f'<rect x="{cx - 4:.1f}" y="{cy - 4:.1f}" width="8" height="8" fill="{colour}"/>'
    corners = ([(0, -5.5), (5, 4), (-5, 4)] if shape == "triangle"
               else [(0, -5.5), (5.5, 0), (0, 5.5), (-5.5, 0)])
    points = " ".join(f"{cx + dx:.1f},{cy + dy:.1f}" for dx, dy in corners)
    return f'<polygon points="{points}" fill="{colour}"/>'


def _value_labels(points: list[tuple[float, str, bool]]) -> list[tuple[float, str, bool]]:
    """Value labels above their point, or below when that would cover a label or a point."""
    marks = [y for y, _, _ in points]
    placed: list[float] = []
    for y, _, _ in sorted(points):
        others = [m for m in marks if m != y]
        choice = next((c for c in (y - 9, y + 18) if _free(c, placed, others)),
                      max([y - 9, *[p + 13 for p in placed]]))
        placed.append(choice)
    return [(base, label, bold) for base, (_, label, bold) in zip(placed, sorted(points),
                                                                  strict=True)]


def _free(base: float, labels: list[float], marks: list[float]) -> bool:
    """No label within a line's height of this baseline and no point under the text."""
    return (all(abs(base - other) >= 13 for other in labels)
            and all(not base - 13 < m < base + 4 for m in marks))


def _spread(labels: list[tuple[float, str, bool]], gap: float) -> list[tuple[float, str, bool]]:
    """Labels at their y, top to bottom, pushed down where they would overlap."""
    placed, last = [], -1e9
    for y, label, bold in sorted(labels):
        last = max(y, last + gap)
        placed.append((last, label, bold))
    return placed
