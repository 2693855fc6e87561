"""Editor conveniences that need no JavaScript: example queries, PREFIX lines, error excerpts."""

from __future__ import annotations

from dataclasses import dataclass

from graph import PREFIXES, Example, load_examples
from web.sparql.scan import scan_prefixes

STARTER_QUERY = """PREFIX bk:   <https://w3id.org/bokslut/def#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>

# Strategins mål med sina målområden
SELECT ?malomrade ?bokstav ?mal
WHERE {
  ?m a bk:Goal ;
     bk:letter ?bokstav ;
     skos:prefLabel ?mal ;
     bk:goalArea/bk:number ?malomrade .
}
ORDER BY ?malomrade ?bokstav
"""


@dataclass(frozen=True)
class Excerpt:
    """The line an error points at, and a caret under the column."""

    line: int
    column: int
    text: str
    caret: str


def examples() -> list[Example]:
    """The documented example queries; none (rather than an error page) if they are missing."""
    try:
        return load_examples()
    except (OSError, ValueError):
        return []


def add_prefixes(text: str) -> str:
    """The query with PREFIX lines added for known prefixes it uses but does not declare."""
    found = scan_prefixes(text)  # one linear pass: user text never meets a backtracking regex
    missing = [p for p in PREFIXES if p not in found.declared and p in found.used]
    if not missing:
        return text
    width = max(len(p) for p in missing) + 1
    lines = "".join(f"PREFIX {(p + ':').ljust(width)} <{PREFIXES[p]}>\n" for p in missing)
    head, body = _split_header(text)
    return head + lines + body


def _split_header(text: str) -> tuple[str, str]:
    """The leading comment block (kept first, e.g. '# Titel: …') and the rest."""
    lines = text.splitlines(keepends=True)
    count = 0
    while count < len(lines) and lines[count].lstrip().startswith("#"):
        count += 1
    head = "".join(lines[:count])
    if head and not head.endswith("\n"):
        head += "\n"
    return head, "".join(lines[count:])


def excerpt(text: str, line: int | None, column: int | None) -> Excerpt | None:
    """The offending line with a caret under the column (1-based), when the position is known."""
    if not line or line < 1:
        return None
    lines = text.splitlines() or [""]
    if line > len(lines):
        return None
    source = lines[line - 1]
    column = min(max(column or 1, 1), len(source) + 1)
    shown = source.expandtabs(4)
    caret_at = len(source[: column - 1].expandtabs(4))
    return Excerpt(line, column, shown, " " * caret_at + "^")
