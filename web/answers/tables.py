"""The rows and documents behind the downloads: the same data the pages show, nothing more."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from web.entity.indicators import Obs

SEX_WORDS = {"K": "kvinnor/flickor", "M": "män/pojkar"}
OBS_COLUMNS = ["indikator", "indikator_iri", "omrade", "omradeskod", "ar", "kon", "uppdelning",
               "varde", "enhet", "bokslut_ar", "observation_iri"]
HIT_COLUMNS = ["rang", "rubrik", "utdrag", "slag", "bokslut_ar", "sida", "malomrade", "mal",
               "textavsnitt_iri", "kalla_iri"]


def obs_rows(obs: Iterable[Obs], label: str, unit: str) -> list[dict[str, Any]]:
    """One row per observation, as the indicator page's table lists them."""
    return [{"indikator": label, "indikator_iri": o.indicator, "omrade": o.area_label,
             "omradeskod": o.area_code, "ar": o.year, "kon": SEX_WORDS.get(o.sex or "", ""),
             "uppdelning": o.breakdown or "", "varde": o.value, "enhet": unit,
             "bokslut_ar": o.report_year or "", "observation_iri": o.iri} for o in obs]


def hit_rows(hits: Iterable[Any], base: str) -> list[dict[str, Any]]:
    """One row per search hit, in rank order; the snippet as plain text."""
    return [{"rang": h.rank, "rubrik": h.passage.get("heading") or "",
             "utdrag": h.passage["text"], "slag": h.passage.get("kind", ""),
             "bokslut_ar": h.passage.get("year", ""), "sida": h.passage.get("page") or "",
             "malomrade": h.passage.get("goal_area") or "", "mal": h.passage.get("goal") or "",
             "textavsnitt_iri": base + h.passage["id"],
             "kalla_iri": base + h.passage["source"] if h.passage.get("source") else ""}
            for h in hits]


def to_csv(rows: list[dict[str, Any]], columns: list[str]) -> str:
    """CSV with a header row; decimals with a point (machine-readable, as in observationer.csv)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _cell(row.get(k)) for k in columns})
    return out.getvalue()


def _cell(value: Any) -> str:
    """A CSV cell; a leading =, +, - or @ in text is quoted away so spreadsheets never run it."""
    if value is None:
        return ""
    if isinstance(value, Decimal | int | float):
        return str(value)
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def plain(value: Any) -> Any:
    """A JSON-ready copy: Decimals as numbers, SVG and helper values left out."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items() if k not in ("chart", "svg")}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, Obs):
        return plain(obs_rows([value], "", "")[0])
    return value
