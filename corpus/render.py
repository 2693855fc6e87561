"""Render structured records as Swedish sentences (indicator rows, rights lists)."""

from __future__ import annotations

from decimal import Decimal

from corpus.records import INSTRUMENTS, GoalArea, Indicator, Observation

COMPARISON_OPENING = " (jämförelse: "  # opens an indicator row's comparison with other areas


def format_number(value: Decimal) -> str:
    """Swedish decimal comma: Decimal('9.1') -> '9,1'."""
    return format(value, "f").replace(".", ",")


def format_value(value: Decimal, unit: str) -> str:
    """A value with its unit as the report writes it."""
    number = format_number(value)
    if unit == "%":
        return f"{number} %"
    if unit == "procentenheter":
        return f"{number} procentenheter"
    return number


def describe(obs: Observation, unit: str, with_area: bool) -> str:
    """'Länet 5,7 %', 'K 66 %', 'Åk 4-6: 90 % (2025)'."""
    parts = []
    if with_area:
        parts.append(obs.area)
    if obs.breakdown:
        parts.append(f"{obs.breakdown}:")
    elif obs.sex:
        parts.append("kvinnor" if obs.sex == "F" else "män")
    parts.append(format_value(obs.value, unit))
    return " ".join(parts)


def render_indicator(indicator: Indicator, municipality: str) -> str:
    """'Andel barn …: 9,1 % år 2024 (Länet 5,7 %, Riket 6,0 %). Källa: SCB.'"""
    own = [o for o in indicator.observations if o.area == municipality]
    others = [o for o in indicator.observations if o.area != municipality]
    years = sorted({o.year for o in own if o.year})
    year_text = f" år {years[0]}" if len(years) == 1 else (
        f" åren {years[0]}–{years[-1]}" if years else "")
    text = f"{indicator.name}: {municipality} " + ", ".join(
        describe(o, indicator.unit, False) for o in own) + year_text
    if others:
        text += COMPARISON_OPENING + ", ".join(
            describe(o, indicator.unit, True) for o in others) + ")"
    text += f". Enhet: {indicator.unit}. Källa: {indicator.source}."
    if indicator.comment:
        text += f" {indicator.comment}"
    return text


def render_rights(area: GoalArea) -> str:
    """The rights a målområde states it serves, as one passage."""
    lines = [f"Målområde {area.number}: {area.title} bidrar till mänskliga rättigheter."]
    for notation, name in INSTRUMENTS.items():
        entries = [r for r in area.rights if r.instrument == notation]
        if entries:
            kind = "mål" if notation == "JAM" else "artikel"
            items = "; ".join(f"{kind} {r.number}: {r.label}" for r in entries)
            lines.append(f"{name}: {items}.")
    return " ".join(lines)
