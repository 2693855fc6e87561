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
    if not report.structured:
        return unstructured_lines(report, seconds)
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
    lines.append(f"  överhoppat      {len(report.skipped)}")
    lines += [f"    rad {s.line}: {s.expected} — texten finns kvar i sökningen"
              for s in report.skipped]
    if report.pages_exact:
        lines.append("  sidnummer        från PDF-filens sidor")
    if report.furniture:
        lines.append(f"  sidhuvud/-fot   {len(report.furniture)} rader borttagna")
    lines.append(f"  tid              {seconds * 1000:.0f} ms")
    return lines


def unstructured_lines(report: Report, seconds: float) -> list[str]:
    """A document outside the bokslut format: its metadata and how much text was kept."""
    paragraphs = sum(len(s.paragraphs) for s in report.sections)
    pages = sorted({p.page for s in report.sections for p in s.paragraphs if p.page})
    lines = [
        f"{report.file_name}: {report.title} ({report.municipality}, {report.year})",
        "  struktur         ostrukturerad: inget bokslut i känt format, bara sökbara textavsnitt",
        f"  sha256           {report.sha256}",
        f"  avsnitt          {len(report.sections)}",
        f"  stycken          {paragraphs}",
    ]
    if pages:
        lines.append(f"  sidor            {pages[0]}–{pages[-1]}")
    lines.append(f"  tid              {seconds * 1000:.0f} ms")
    return lines
