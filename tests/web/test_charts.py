"""The SVG chart functions: values written out, accessible names, escaping, empty input."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from decimal import Decimal

from web.charts import (
    Bar,
    Group,
    Series,
    bar_chart,
    grouped_bar_chart,
    line_chart,
    value_text,
)

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    """The chart as XML (fails on anything not well-formed, e.g. an unescaped label)."""
    return ET.fromstring(svg)


def texts(root: ET.Element) -> list[str]:
    """The visible text of every <text> element (without tooltip titles)."""
    return ["".join(t.itertext()).replace(t.findtext(SVG + "title") or "", "", 1)
            for t in root.iter(SVG + "text")]


def test_value_text_uses_a_decimal_comma() -> None:
    """9.1 % is written the Swedish way; other units are left to the caption."""
    assert value_text(Decimal("9.1"), "%") == "9,1 %"
    assert value_text(Decimal("285.7"), "antal/100 000 inv") == "285,7"
    assert value_text(12) == "12"


def test_bar_chart_names_every_value_and_marks_the_highlight() -> None:
    """role=img, aria-label and <desc> state all values; the highlight is bold and marked."""
    svg = bar_chart([Bar("Södertälje", Decimal("9.1"), True), Bar("Stockholms län", 6),
                     Bar("Riket", Decimal("5.7"))], "Andel barn i låg inkomststandard", "%")
    root = parse(svg)
    assert root.get("role") == "img"
    label = root.get("aria-label")
    assert label.startswith("Andel barn i låg inkomststandard.")
    for part in ("Södertälje: 9,1 %", "Stockholms län: 6 %", "Riket: 5,7 %"):
        assert part in label and part in root.findtext(SVG + "desc")
    assert root.findtext(SVG + "title") == "Andel barn i låg inkomststandard"
    shown = texts(root)
    assert {"9,1 %", "6 %", "5,7 %", "▶ Södertälje", "Riket"} <= set(shown)
    bold = [t.text for t in root.iter(SVG + "text") if t.get("font-weight") == "700"]
    assert "▶ Södertälje" in bold and "Riket" not in bold
    assert len(list(root.iter(SVG + "rect"))) == 3


def test_bar_lengths_follow_the_values() -> None:
    """A larger value gives a longer bar, zero gives (almost) none."""
    root = parse(bar_chart([Bar("a", 10), Bar("b", 40), Bar("c", 0)], "t"))
    widths = [float(r.get("width")) for r in root.iter(SVG + "rect")]
    assert widths[1] == max(widths) and widths[0] < widths[1] and widths[2] <= 1
    assert abs(widths[1] / widths[0] - 4) < 0.01


def test_negative_values_get_bars_left_of_zero() -> None:
    """The zero line sits inside the chart when values are negative."""
    root = parse(bar_chart([Bar("minus", -5), Bar("plus", 5)], "t"))
    minus, plus = list(root.iter(SVG + "rect"))
    zero = float(next(root.iter(SVG + "line")).get("x1"))
    assert float(minus.get("x")) + float(minus.get("width")) == zero
    assert float(plus.get("x")) == zero


def test_labels_and_title_are_escaped() -> None:
    """Markup in a label or title stays text: the SVG is well-formed and has no element."""
    evil = '<script>alert("x")</script> & "citat"'
    for svg in (bar_chart([Bar(evil, 1)], evil),
                grouped_bar_chart([Group(evil, {"K": 1, "M": 2})], ["K", "M"], evil),
                line_chart([Series(evil, ((2024, 1), (2025, 2)))], evil)):
        assert "<script>" not in svg
        root = parse(svg)
        assert not list(root.iter(SVG + "script")) and not list(root.iter("script"))
        assert evil in root.get("aria-label")
        assert root.findtext(SVG + "title") == evil


def test_long_labels_are_shortened_but_kept_whole_in_the_tooltip() -> None:
    """A label too long for its column ends in '…' and the full text is its <title>."""
    long_label = "Personer med funktionsnedsättning som behöver särskilt boende, Södertälje"
    root = parse(bar_chart([Bar(long_label, 1), Bar("kort", 2)], "t"))
    label = next(t for t in root.iter(SVG + "text") if t.findtext(SVG + "title"))
    assert label.findtext(SVG + "title") == long_label
    assert "".join(label.itertext()).endswith("…")


def test_grouped_bars_write_the_series_on_each_bar() -> None:
    """K and M are told apart by text on every bar, not only by colour."""
    svg = grouped_bar_chart([Group("Södertälje", {"K": 66, "M": 69}, True),
                             Group("Riket", {"K": 69, "M": 73}),
                             Group("Bara K", {"K": Decimal("5.5")})], ["K", "M"], "Hälsa", "%")
    root = parse(svg)
    shown = texts(root)
    assert {"K 66 %", "M 69 %", "K 69 %", "M 73 %", "K 5,5 %"} <= set(shown)
    assert "Södertälje: K 66 %, M 69 %" in root.get("aria-label")
    assert len(list(root.iter(SVG + "rect"))) == 5


def test_line_chart_has_years_values_and_named_lines() -> None:
    """Years on the axis, every point's value written, each line named at its end."""
    svg = line_chart([Series("Södertälje", ((2024, Decimal("9.1")), (2025, Decimal("8.7"))),
                             True),
                      Series("Riket", ((2024, 6), (2025, Decimal("6.2"))))], "Låg inkomst", "%")
    root = parse(svg)
    shown = texts(root)
    assert {"2024", "2025", "9,1 %", "8,7 %", "6 %", "6,2 %", "Riket", "▶ Södertälje"} <= set(
        shown)
    assert len(list(root.iter(SVG + "polyline"))) == 2
    dashes = [p.get("stroke-dasharray") for p in root.iter(SVG + "polyline")]
    assert dashes[0] != dashes[1]  # told apart without colour
    assert "Södertälje: 2024 9,1 %, 2025 8,7 %" in root.get("aria-label")


def test_empty_input_draws_nothing() -> None:
    """No values, no chart: an empty string the page can test for."""
    assert bar_chart([], "t") == ""
    assert grouped_bar_chart([], ["K", "M"], "t") == ""
    assert grouped_bar_chart([Group("a", {"X": 1})], ["K", "M"], "t") == ""
    assert line_chart([], "t") == ""
    assert line_chart([Series("tom", ())], "t") == ""


def test_text_colours_meet_contrast_on_white() -> None:
    """Every text fill has at least 4.5:1 contrast against the white page."""
    svg = "".join([bar_chart([Bar("a", 1, True), Bar("b", 2)], "t"),
                   grouped_bar_chart([Group("a", {"K": 1, "M": 2})], ["K", "M"], "t"),
                   line_chart([Series("a", ((2024, 1), (2025, 2)))], "t")])
    fills = set(re.findall(r'<text[^>]* fill="(#[0-9a-f]{6})"', svg))
    assert fills
    for colour in fills:
        assert contrast(colour, "#ffffff") >= 4.5, colour


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two #rrggbb colours."""
    def luminance(colour: str) -> float:
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)
