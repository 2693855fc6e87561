"""What `bokslut parse` prints: a summary of the records, or the whole tree as JSON."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

from corpus.records import Report


def to_plain(value: Any) -> Any:
    """Dataclasses, Decimals and tuples -> JSON-ready values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [to_plain(v) for v in value]
    return value


def report_json(report: Report) -> dict[str, Any]:
    """The whole record tree as plain JSON data."""
    return to_plain(report)


def summary_lines(report: Report, seconds: float) -> list[str]:
    """Counts of each kind of record, the unparsed cells and the timing."""
    goals = report.goals
    observations = sum(len(i.observations) for i in report.indicators)
    lines = [
        f"{report.file_name}: {report.title} ({report.municipality}, {report.year})",
        f"  sha256           {report.sha256}",
        f"  avsnitt (intro)  {len(report.sections)}",
        f"  målområden       {len(report.goal_areas)}",
        f"  mål              {len(goals)}",
        f"  rättigheter      {sum(len(a.rights) for a in report.goal_areas)}",
        f"  utvecklingsomr.  {sum(len(a.development_areas) for a in report.goal_areas)}",
        f"  tematiska avsnitt {sum(len(g.sections) for g in goals)}",
        f"  indikatorer      {len(report.indicators)}",
        f"  observationer    {observations}",
        f"  initiativ        {len(report.initiatives)}",
        f"  ej tolkade celler {len(report.unparsed)}",
    ]
    lines += [f"    rad {u.line}, {u.column}: {u.text!r} ({u.reason})" for u in report.unparsed]
    lines.append(f"  tid              {seconds * 1000:.0f} ms")
    return lines
