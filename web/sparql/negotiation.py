"""Content negotiation for the SPARQL endpoint: Accept with q-values, or a format= override.

The endpoint offers one set of formats for SELECT/ASK results and another for CONSTRUCT/DESCRIBE
results (graph.formats), plus the HTML editor page for browsers. Negotiation picks a format for
each kind up front, so the query runs once and its type decides which one is used.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from graph import GRAPH_FORMATS, SELECT_FORMATS, format_name

HTML = "html"
HTML_TYPE = "text/html"

# Offered media types per result kind, in the server's order of preference.
SELECT_OFFERS: list[tuple[str, str]] = [
    (media, name) for name, media in SELECT_FORMATS.items() if name != "table"
] + [("application/json", "json"), ("application/xml", "xml"), ("text/xml", "xml"),
     (HTML_TYPE, HTML), ("application/xhtml+xml", HTML)]
GRAPH_OFFERS: list[tuple[str, str]] = [
    (media, name) for name, media in GRAPH_FORMATS.items()
] + [("application/x-turtle", "ttl"), ("application/json", "jsonld"),
     ("application/xml", "rdfxml"), ("text/xml", "rdfxml"), ("text/plain", "nt"),
     (HTML_TYPE, HTML), ("application/xhtml+xml", HTML)]
OFFERS = {"select": SELECT_OFFERS, "graph": GRAPH_OFFERS}
CANONICAL = {"select": list(SELECT_FORMATS.values())[:4], "graph": list(GRAPH_FORMATS.values())}


@dataclass(frozen=True)
class Choice:
    """The format for each result kind (a graph.formats name or 'html'); None if unacceptable."""

    select: str | None
    graph: str | None

    def for_kind(self, kind: str) -> str | None:
        """The chosen format for 'select' or 'graph' results."""
        return self.select if kind == "select" else self.graph

    @property
    def html(self) -> bool:
        """True when the client wants the editor page."""
        return HTML in (self.select, self.graph)


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """The media ranges of an Accept header with their q-values, in the client's order."""
    ranges: list[tuple[str, float]] = []
    for part in (header or "*/*").split(","):
        media, *params = (p.strip() for p in part.split(";"))
        if not media:
            continue
        quality = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    quality = 0.0
        ranges.append((media.lower(), quality))
    return ranges or [("*/*", 1.0)]


def _match(media: str, ranges: list[tuple[str, float]]) -> tuple[float, int, int]:
    """(q, specificity, -position) of the most specific client range matching `media`."""
    kind = media.split("/", 1)[0]
    best = (-1.0, -1, 0)
    for position, (pattern, quality) in enumerate(ranges):
        if pattern == media:
            specificity = 2
        elif pattern == f"{kind}/*":
            specificity = 1
        elif pattern == "*/*":
            specificity = 0
        else:
            continue
        if specificity > best[1]:
            best = (quality, specificity, -position)
    return best


def negotiate(accept: str | None, offers: list[tuple[str, str]]) -> str | None:
    """The offered format the client prefers most (q, then specificity, then its own order)."""
    ranges = parse_accept(accept)
    scored = []
    for order, (media, name) in enumerate(offers):
        quality, specificity, position = _match(media, ranges)
        if quality > 0:
            scored.append(((quality, specificity, position, -order), name))
    return max(scored)[1] if scored else None


# A client sends the same Accept header with every request; negotiating it takes ~50-130 us.
@functools.lru_cache(maxsize=256)
def choose(accept: str | None, override: str | None) -> Choice:
    """Formats for both kinds; a format= override (raises ValueError if unknown) beats Accept."""
    if override:
        name = override.strip().lower()
        if name in (HTML, "htm"):
            return Choice(HTML, HTML)
        for kind in ("select", "graph"):
            try:
                chosen = format_name(name, kind)
            except ValueError:
                continue
            if chosen != "table":
                return Choice(chosen, None) if kind == "select" else Choice(None, chosen)
        raise ValueError(f"Okänt format {override!r}. Välj bland: {', '.join(all_format_names())}.")
    return Choice(negotiate(accept, SELECT_OFFERS), negotiate(accept, GRAPH_OFFERS))


def all_format_names() -> list[str]:
    """Every value format= accepts."""
    return [n for n in SELECT_FORMATS if n != "table"] + list(GRAPH_FORMATS) + [HTML]


def not_acceptable_message(kinds: list[str]) -> str:
    """The 406 text: what this endpoint can send for the given result kinds."""
    lines = ["Inget av formaten i Accept kan levereras (406 Not Acceptable).", ""]
    titles = {"select": "SELECT och ASK", "graph": "CONSTRUCT och DESCRIBE"}
    for kind in kinds:
        lines.append(f"{titles[kind]}: {', '.join(CANONICAL[kind])}")
    lines.append(f"Webbläsare: {HTML_TYPE}")
    lines.append("Formatet kan också väljas med parametern format= "
                 f"({', '.join(all_format_names())}).")
    return "\n".join(lines) + "\n"
