"""Query results as a table for the editor page: readable cells, safe links to /id/… pages."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from graph import PREFIXES, ntriples_terms

XSD = "http://www.w3.org/2001/XMLSchema#"
NUMERIC_TYPES = {XSD + t for t in (
    "integer", "decimal", "double", "float", "int", "long", "short", "byte",
    "nonNegativeInteger", "positiveInteger", "negativeInteger", "nonPositiveInteger",
    "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte", "gYear")}
PLAIN_TYPES = {XSD + "string", XSD + "integer", XSD + "decimal", XSD + "double", XSD + "boolean"}
CELL_CHARS = 2000  # a longer value is cut on the page (downloads keep it whole)
NUMBER_CHARS = 40  # longer numerals are shown as text, never computed with
NUMBER_DIGITS = 15  # charts scale floats: keep values below 1e15, where floats are exact enough


@dataclass(frozen=True)
class Cell:
    """One shown value: text, an optional safe link, the full IRI/datatype note, a number."""

    text: str
    href: str | None = None
    title: str | None = None
    note: str | None = None
    number: Decimal | None = None


@dataclass
class Table:
    """Rows of cells under named columns, or an ASK answer."""

    columns: list[str] = field(default_factory=list)
    rows: list[list[Cell | None]] = field(default_factory=list)
    boolean: bool | None = None


def select_table(body: bytes, link: Callable[[str], str]) -> Table:
    """A table from SPARQL JSON results (SELECT or ASK)."""
    data = json.loads(body)
    if "boolean" in data:
        return Table(boolean=bool(data["boolean"]))
    columns = list(data["head"].get("vars", []))
    rows = [[_cell(b[c], link) if c in b else None for c in columns]
            for b in data["results"]["bindings"]]
    return Table(columns, rows)


def triples_table(body: bytes, link: Callable[[str], str]) -> Table:
    """A subject/predicate/object table from N-Triples (CONSTRUCT or DESCRIBE)."""
    rows = [[_cell(t, link) for t in triple] for triple in ntriples_terms(body)]
    return Table(["subjekt", "predikat", "objekt"], rows)


def _cell(term: Mapping, link: Callable[[str], str]) -> Cell:
    """One SPARQL JSON term as a cell."""
    kind, value = term["type"], term["value"]
    if kind == "uri":
        return _iri_cell(value, link)
    if kind == "bnode":
        return Cell("_:" + value)
    if kind == "triple":
        parts = [_cell(value[k], link).text for k in ("subject", "predicate", "object")]
        return Cell("<< " + " ".join(parts) + " >>")
    datatype = term.get("datatype")
    note = "@" + term["xml:lang"] if "xml:lang" in term else None
    if datatype and datatype not in PLAIN_TYPES:
        note = compact(datatype)
    return Cell(shorten(value), note=note, number=_number(value, datatype))


def _iri_cell(iri: str, link: Callable[[str], str]) -> Cell:
    """An IRI: our own data links to its page, web IRIs link out, other schemes never link."""
    local = link(iri)
    if local != iri:
        return Cell(local.removeprefix("/id/"), href=local, title=iri)
    href = iri if iri.startswith(("http://", "https://")) else None
    return Cell(compact(iri), href=href, title=iri)


def compact(iri: str) -> str:
    """prefix:local for the project's namespaces, else <iri>."""
    for prefix, namespace in PREFIXES.items():
        rest = iri[len(namespace):]
        if iri.startswith(namespace) and rest and all(c.isalnum() or c in "_-." for c in rest):
            return f"{prefix}:{rest}"
    return f"<{iri}>"


def shorten(text: str) -> str:
    """At most CELL_CHARS characters, with the cut said."""
    if len(text) <= CELL_CHARS:
        return text
    return f"{text[:CELL_CHARS]}… ({len(text)} tecken, hela värdet finns i nedladdningarna)"


def _number(value: str, datatype: str | None) -> Decimal | None:
    """The numeric value of a numeric literal below ±1e15, else None (shown as text only).

    Bounded before any arithmetic: "1e1000000"^^xsd:integer must not overflow a chart.
    """
    if datatype not in NUMERIC_TYPES or len(value) > NUMBER_CHARS:
        return None
    try:
        number = Decimal(value.strip())
    except InvalidOperation:
        return None
    # adjusted() reads the exponent: no arithmetic, so no overflow of the decimal context
    if not number.is_finite() or number.adjusted() >= NUMBER_DIGITS:
        return None
    return number
