"""A horizontal bar chart for SELECT results with one label column and one numeric column.

Only the geometry is computed here; the template draws the SVG, so every text is escaped.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from web.charts import Series, line_chart
from web.filters import sv_number
from web.sparql.table import Table

MAX_BARS = 60
WIDTH = 760
LABEL_WIDTH = 300
VALUE_WIDTH = 80
ROW_HEIGHT = 26
BAR_HEIGHT = 18
TOP = 8
LABEL_CHARS = 36


@dataclass(frozen=True)
class Bar:
    """One bar: its label (full and cut), the value as Swedish text, and where it is drawn."""

    label: str
    short: str
    value: str
    x: float
    y: float
    width: float
    text_x: float


@dataclass(frozen=True)
class Chart:
    """What the template needs to draw the chart."""

    title: str
    label_column: str
    value_column: str
    bars: list[Bar]
    width: int
    height: int
    zero_x: float
    label_x: int = LABEL_WIDTH - 8


def bar_chart(table: Table) -> Chart | None:
    """A chart when the table has exactly one label and one numeric column (1–60 rows)."""
    if table.boolean is not None or len(table.columns) != 2:
        return None
    if not 1 <= len(table.rows) <= MAX_BARS or any(None in row for row in table.rows):
        return None
    numeric = [all(row[i].number is not None for row in table.rows) for i in (0, 1)]  # type: ignore[union-attr]
    if not numeric[1] and not numeric[0]:
        return None
    value_i = 1 if numeric[1] else 0
    label_i = 1 - value_i
    pairs = [(row[label_i].text, row[value_i].number) for row in table.rows]  # type: ignore[union-attr]
    return _layout(pairs, table.columns[label_i], table.columns[value_i])


def _layout(pairs: list[tuple[str, Decimal | None]], label_col: str, value_col: str) -> Chart:
    """Bars scaled between min(0, values) and max(0, values)."""
    values = [float(v or 0) for _, v in pairs]
    low, high = min(0.0, *values), max(0.0, *values)
    span = (high - low) or 1.0
    plot = WIDTH - LABEL_WIDTH - VALUE_WIDTH

    def x(value: float) -> float:
        return LABEL_WIDTH + (value - low) / span * plot

    bars = []
    for i, ((label, number), value) in enumerate(zip(pairs, values, strict=True)):
        start, end = sorted((x(0.0), x(value)))
        short = label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"
        bars.append(Bar(label, short, sv_number(number), round(start, 1),
                        TOP + i * ROW_HEIGHT, round(max(end - start, 1.0), 1), round(end + 4, 1)))
    title = f"Stapeldiagram: {value_col} per {label_col} ({len(bars)} staplar)"
    return Chart(title, label_col, value_col, bars, WIDTH,
                 TOP * 2 + len(bars) * ROW_HEIGHT, round(x(0.0), 1))


MAX_POINTS = 200


def line_svg(table: Table) -> str:
    """A line chart when both columns are numeric and the first holds distinct whole numbers
    (years, steps): the series is ordered by it. "" when the result is not such a series."""
    if table.boolean is not None or len(table.columns) != 2:
        return ""
    rows = table.rows
    if not 2 <= len(rows) <= MAX_POINTS or any(None in row for row in rows):
        return ""
    if not all(row[0].number is not None and row[1].number is not None for row in rows):  # type: ignore[union-attr]
        return ""
    steps = [row[0].number for row in rows]  # type: ignore[union-attr]
    if any(s != s.to_integral_value() for s in steps) or len(set(steps)) != len(steps):  # type: ignore[union-attr]
        return ""
    points = tuple(sorted((int(s), row[1].number) for s, row in zip(steps, rows, strict=True)))  # type: ignore[union-attr,arg-type]
    x_col, y_col = table.columns
    return line_chart([Series(y_col, points, True)],
                      f"Linjediagram: {y_col} per {x_col} ({len(points)} punkter)")
