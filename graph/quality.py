"""Data-quality notes on the report's figures: values that contradict their unit or breakdown.

The figures are never changed: these notes are listed by `bokslut validate` and shown on the
indicator page, so a reader sees that the report itself is inconsistent there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

import pyoxigraph as ox

from graph.namespaces import sparql_prologue
from graph.trusted_query import trusted_select

FIGURES = sparql_prologue() + """
SELECT ?ind ?label ?unit ?obs ?value ?area ?areaLabel ?year ?report ?sex ?breakdown WHERE {
  ?ind a bk:Indicator ; skos:prefLabel ?label ; bk:unit ?unit .
  ?obs bk:indicator ?ind ; sdmx-measure:obsValue ?value ; bk:year ?year ;
       sdmx-dimension:refArea ?area .
  OPTIONAL { ?area skos:prefLabel ?areaLabel FILTER(lang(?areaLabel) = "sv") }
  OPTIONAL { ?obs bk:report ?report }
  OPTIONAL { ?obs sdmx-dimension:sex ?s . BIND(STRAFTER(STR(?s), "#sex-") AS ?sex) }
  OPTIONAL { ?obs bk:breakdown ?breakdown }
}"""
# Words in a label that name a count or a rate per person: not a share, so not "%".
NOT_A_SHARE = re.compile(r"\bantal\b|/\s*invånare|per\s+(invånare|\d)|\bkronor\b|\bkr\b", re.I)
PERCENT = {"%", "procent", "andel (%)"}
SAYS_SHARE = re.compile(r"\bandel\b|%|procent", re.I)  # "andel av antal dagar (%)" is a share


def counts_not_shares(label: str) -> bool:
    """True when the label names a count or a rate and nowhere says it is a share."""
    return bool(NOT_A_SHARE.search(label)) and not SAYS_SHARE.search(label)


@dataclass(frozen=True)
class QualityNote:
    """One contradiction: which indicator, which observations, and what is wrong (Swedish)."""

    indicator: str
    label: str
    kind: str  # "unit" or "breakdown"
    observations: tuple[str, ...]
    message: str


def _text(row: dict, name: str) -> str | None:
    term = row.get(name)
    return None if term is None else str(term)


def quality_notes(store: ox.Store, indicator: str | None = None) -> list[QualityNote]:
    """Every contradiction in the store, or only those of one indicator."""
    rows = [r for r in trusted_select(store, FIGURES)
            if indicator is None or str(r["ind"]) == indicator]
    return unit_notes(rows) + breakdown_notes(rows)


def unit_notes(rows: list[dict]) -> list[QualityNote]:
    """'%' on an indicator whose label names a count or a per-inhabitant rate, or a '%'
    value outside 0–100."""
    notes: list[QualityNote] = []
    seen: set[str] = set()
    for r in rows:
        ind, label, unit = str(r["ind"]), str(r["label"]), str(r["unit"]).strip().lower()
        if unit not in PERCENT:
            continue
        if ind not in seen and counts_not_shares(label):
            seen.add(ind)
            obs = tuple(sorted(str(o["obs"]) for o in rows if str(o["ind"]) == ind))
            notes.append(QualityNote(ind, label, "unit", obs, (
                f"Enheten är angiven som ”{r['unit']}”, men indikatorns namn anger ett antal "
                "eller en kvot per invånare, inte en andel. Värdena visas som bokslutet "
                "redovisar dem.")))
        value = Decimal(str(r["value"]))
        if not Decimal(0) <= value <= Decimal(100):
            notes.append(QualityNote(ind, label, "unit", (str(r["obs"]),), (
                f"Värdet {value} ligger utanför 0–100 fast enheten är procent.")))
    return notes


def breakdown_notes(rows: list[dict]) -> list[QualityNote]:
    """A share whose total lies above both the women's and men's values, or below both.

    A total of shares is a weighted mean of its parts, so it must lie between them; rounding
    keeps that order. Counts ("antal") add up instead and are left out.
    """
    groups: dict[tuple, dict[str, dict]] = {}
    for r in rows:
        if str(r["unit"]).strip().lower() not in PERCENT or counts_not_shares(str(r["label"])):
            continue
        if _text(r, "breakdown") and not _text(r, "sex"):
            continue
        key = (str(r["ind"]), str(r["area"]), str(r["year"]), _text(r, "report"))
        groups.setdefault(key, {})[_text(r, "sex") or "total"] = r
    notes = []
    for (ind, _, year, _), parts in sorted(groups.items()):
        if not {"total", "F", "M"} <= parts.keys():
            continue
        total, women, men = (Decimal(str(parts[k]["value"])) for k in ("total", "F", "M"))
        if min(women, men) <= total <= max(women, men):
            continue
        side = "över" if total > max(women, men) else "under"
        first = parts["total"]
        area = _text(first, "areaLabel") or str(first["area"]).rsplit("/", 1)[-1]
        notes.append(QualityNote(ind, str(first["label"]), "breakdown",
                                 tuple(str(parts[k]["obs"]) for k in ("total", "F", "M")), (
            f"{area} {year}: totalen {_sv(total)} ligger {side} både kvinnornas ({_sv(women)}) "
            f"och männens ({_sv(men)}) värde, vilket inte går ihop för en andel. "
            "Värdena visas som bokslutet redovisar dem.")))
    return notes


def _sv(value: Decimal) -> str:
    """A number with a decimal comma, as the notes are Swedish text."""
    return format(value.normalize(), "f").replace(".", ",")
