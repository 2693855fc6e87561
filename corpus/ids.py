"""Readable, stable identifiers shared by graph/ and search/ (relative to the base IRI)."""

from __future__ import annotations

import re
import unicodedata

DEFAULT_BASE_IRI = "https://w3id.org/bokslut/id/"

_FOLD = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e", "ü": "u"})


def slug(text: str, max_len: int = 80) -> str:
    """A lowercase ASCII slug: 'Bostad först' -> 'bostad-forst'."""
    text = unicodedata.normalize("NFC", text).lower().translate(_FOLD)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return text[:max_len].rstrip("-")


def municipality_id(code: str) -> str:
    """A municipality by its SCB code."""
    return f"kommun/{code}"


def strategy_id(municipality_slug: str, first_year: int, last_year: int) -> str:
    """A strategy followed up by yearly reports."""
    return f"strategi/{municipality_slug}-{first_year}-{last_year}"


def goal_area_id(strategy: str, number: int) -> str:
    """A målområde of a strategy."""
    return f"{strategy}/malomrade/{number}"


def goal_id(strategy: str, letter: str) -> str:
    """A mål of a strategy."""
    return f"{strategy}/mal/{letter}"


def report_id(municipality_slug: str, year: int) -> str:
    """One yearly bokslut."""
    return f"rapport/{municipality_slug}-{year}"


def report_graph_id(report: str) -> str:
    """The named graph that holds one report's triples."""
    return f"graf/{report}"


def action_id(report: str, letter: str, order: int) -> str:
    """The n-th themed section under a mål in a report (1-based)."""
    return f"{report}/atgard/{letter}-{order}"


def development_area_id(report: str, area: int, order: int) -> str:
    """The n-th utvecklingsområde bullet of a målområde in a report (1-based)."""
    return f"{report}/utvecklingsomrade/{area}-{order}"


def passage_id(report: str, line: int, part: int = 1) -> str:
    """A passage by the source line it starts on ('L127'; 'L127-2' for a split paragraph).

    Anchored on the line, not the reading-order number, so a change in how one section is
    chunked does not renumber every passage after it.
    """
    return f"{report}/passage/L{line}" + (f"-{part}" if part > 1 else "")


def indicator_id(municipality: str, name: str) -> str:
    """An indicator: municipality slug + slug of its normalised name, shared across years."""
    return f"indikator/{municipality}/{slug(name)}"


def initiative_id(municipality: str, name: str) -> str:
    """A named initiative of a municipality (by municipality slug)."""
    return f"initiativ/{municipality}/{slug(name)}"


def rights_article_id(instrument: str, number: int) -> str:
    """An article of a rights instrument ('CRC', 31) -> 'rattighet/crc/31'."""
    return f"rattighet/{instrument.lower()}/{number}"


def rights_instrument_id(instrument: str) -> str:
    """A rights instrument as a SKOS concept scheme."""
    return f"rattighet/{instrument.lower()}"


def sdg_id(number: int) -> str:
    """One of the 17 global goals."""
    return f"sdg/{number}"


def area_id(label: str) -> str:
    """A comparison area by its label, as areas.ttl names them."""
    return f"omrade/{slug(label)}"
