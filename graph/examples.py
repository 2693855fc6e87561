"""The documented example queries (ontology/queries/*.rq) and their Swedish comment headers.

Each file starts with comment lines such as::

    # Titel: Åtgärder som stöder en viss rättighetsartikel
    # Fråga: Vilka åtgärder i bokslutet stöder Barnkonventionen artikel 31?
    # Parametrar: ?instrument = ..., ?nummer = ...
    #   (an indented line continues the field above)

followed by the PREFIX lines and the query, so every file runs on its own.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

from graph.reference import ontology_dir

FIELD = re.compile(r"^#\s?(\w+):\s*(.*)$")
CONTINUATION = re.compile(r"^#\s{2,}(\S.*)$")
QUERY_FORM = re.compile(r"^\s*(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.I | re.M)


class Example(NamedTuple):
    """One example query: file stem, title, the question it answers, and the query text."""

    name: str
    title: str
    description: str
    text: str

    @property
    def fields(self) -> dict[str, str]:
        """Every header field by its Swedish name (Titel, Fråga, Parametrar, Förklaring …)."""
        return header(self.text)

    @property
    def parameters(self) -> str | None:
        """The Parametrar field: which VALUES to change, or None for a query without parameters."""
        return self.fields.get("Parametrar")

    @property
    def form(self) -> str:
        """SELECT, ASK, CONSTRUCT or DESCRIBE."""
        return query_form(self.text)


def queries_dir() -> Path:
    """Where the example queries live (installed with the ontology package)."""
    return ontology_dir() / "queries"


def header(text: str) -> dict[str, str]:
    """The comment header's fields; indented comment lines continue the field above them."""
    fields: dict[str, str] = {}
    current: str | None = None
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            break
        if current and (more := CONTINUATION.match(stripped)):
            fields[current] = f"{fields[current]} {more.group(1).strip()}".strip()
        elif field := FIELD.match(stripped):
            current = field.group(1)
            fields[current] = field.group(2).strip()
        else:
            current = None
    return fields


def query_form(text: str) -> str:
    """The query form of a SPARQL text (its first form keyword outside comments)."""
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    match = QUERY_FORM.search(body)
    if match is None:
        raise ValueError("No SELECT, ASK, CONSTRUCT or DESCRIBE in the query")
    return match.group(1).upper()


def read_example(path: Path) -> Example:
    """One .rq file as an Example; a file without Titel or Fråga is an error."""
    text = path.read_text(encoding="utf-8")
    fields = header(text)
    missing = [key for key in ("Titel", "Fråga") if not fields.get(key)]
    if missing:
        raise ValueError(f"{path.name}: the header has no {' or '.join(missing)} line")
    return Example(path.stem, fields["Titel"], fields["Fråga"], text)


def load_examples(directory: Path | None = None) -> list[Example]:
    """Every example query, in file-name order."""
    folder = directory or queries_dir()
    return [read_example(path) for path in sorted(folder.glob("*.rq"))]


def example(name: str, directory: Path | None = None) -> Example:
    """One example by its file stem ('01-insatser-for-artikel')."""
    path = (directory or queries_dir()) / f"{name}.rq"
    if not path.is_file():
        raise KeyError(name)
    return read_example(path)
