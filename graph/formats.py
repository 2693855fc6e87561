"""Result and export formats: short names, media types, Oxigraph formats and a text table."""

from __future__ import annotations

import json
from collections.abc import Mapping

import pyoxigraph as ox

# SELECT and ASK results.
SELECT_FORMATS: dict[str, str] = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "table": "text/plain",
}
# CONSTRUCT and DESCRIBE results, and single-graph exports.
GRAPH_FORMATS: dict[str, str] = {
    "ttl": "text/turtle",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
}
# Whole-dataset exports (named graphs kept).
DATASET_FORMATS: dict[str, str] = {
    "trig": "application/trig",
    "nq": "application/n-quads",
}

_ALIASES = {
    "turtle": "ttl", "ntriples": "nt", "n-triples": "nt", "json-ld": "jsonld",
    "rdf": "rdfxml", "rdf/xml": "rdfxml", "owl": "rdfxml", "nquads": "nq",
    "n-quads": "nq", "text": "table", "txt": "table",
}
# Media types clients send that are not the canonical ones above.
_EXTRA_MEDIA = {
    "select": {"application/json": "json", "application/xml": "xml", "text/xml": "xml"},
    "graph": {
        "application/json": "jsonld", "application/x-turtle": "ttl", "text/plain": "nt",
        "application/xml": "rdfxml", "text/xml": "rdfxml",
    },
}
_TABLES = {"select": SELECT_FORMATS, "graph": GRAPH_FORMATS, "dataset": DATASET_FORMATS}

_OX_RESULTS = {
    "json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV,
}
_OX_RDF = {
    "ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML, "trig": ox.RdfFormat.TRIG, "nq": ox.RdfFormat.N_QUADS,
}
_PLAIN_DATATYPES = {
    "http://www.w3.org/2001/XMLSchema#" + t
    for t in ("string", "integer", "decimal", "double", "boolean")
}


def result_kind(query_type: str) -> str:
    """'select' for SELECT/ASK results, 'graph' for CONSTRUCT/DESCRIBE results."""
    return "graph" if query_type.upper() in ("CONSTRUCT", "DESCRIBE") else "select"


def format_name(name: str, kind: str) -> str:
    """The canonical short name of a format of this kind, or ValueError listing the choices."""
    table = _TABLES[kind]
    key = _ALIASES.get(name.strip().lower(), name.strip().lower())
    if key not in table:
        raise ValueError(f"Unknown {kind} format {name!r}; choose one of: {', '.join(table)}")
    return key


def media_type(name: str) -> str:
    """The media type of a short format name (any kind)."""
    for table in _TABLES.values():
        if name in table:
            return table[name]
    raise ValueError(f"Unknown format {name!r}")


def format_for_media_type(media: str, kind: str) -> str | None:
    """The short format name for a media type (parameters ignored), or None if unsupported."""
    media = media.split(";", 1)[0].strip().lower()
    for name, canonical in _TABLES[kind].items():
        if canonical == media:
            return name
    return _EXTRA_MEDIA.get(kind, {}).get(media)


def ox_results_format(name: str) -> ox.QueryResultsFormat:
    """The Oxigraph serializer for a SELECT/ASK format (not 'table': render that from JSON)."""
    return _OX_RESULTS[name]


def ox_rdf_format(name: str) -> ox.RdfFormat:
    """The Oxigraph serializer for a graph or dataset format."""
    return _OX_RDF[name]


def render_table(json_body: bytes, prefixes: Mapping[str, str] | None = None,
                 max_width: int = 60) -> str:
    """A plain-text table of SPARQL JSON results, IRIs shortened with the given prefixes."""
    data = json.loads(json_body)
    if "boolean" in data:
        return ("true" if data["boolean"] else "false") + "\n"
    names = data["head"].get("vars", [])
    rows = [[_cell(b.get(v), prefixes or {}, max_width) for v in names]
            for b in data["results"]["bindings"]]
    widths = [max([len(n) + 1] + [len(r[i]) for r in rows]) for i, n in enumerate(names)]
    rule = "+" + "+".join("-" * (w + 2) for w in widths) + "+"
    lines = [rule, _row(["?" + n for n in names], widths), rule]
    lines += [_row(r, widths) for r in rows]
    lines.append(rule)
    lines.append(f"{len(rows)} row{'' if len(rows) == 1 else 's'}")
    return "\n".join(lines) + "\n"


def _row(cells: list[str], widths: list[int]) -> str:
    """One table line."""
    return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"


def _cell(term: dict | None, prefixes: Mapping[str, str], max_width: int) -> str:
    """One term as short readable text, cut to max_width."""
    text = "" if term is None else _term_text(term, prefixes)
    text = " ".join(text.split())
    return text if len(text) <= max_width else text[: max_width - 1] + "…"


def _term_text(term: dict, prefixes: Mapping[str, str]) -> str:
    """A SPARQL JSON term as text: IRIs compacted, literals bare with @lang or ^^type."""
    kind, value = term["type"], term["value"]
    if kind == "uri":
        return _compact(value, prefixes)
    if kind == "bnode":
        return "_:" + value
    if kind == "triple":
        parts = (_term_text(value[k], prefixes) for k in ("subject", "predicate", "object"))
        return "<< " + " ".join(parts) + " >>"
    if "xml:lang" in term:
        return f"{value}@{term['xml:lang']}"
    datatype = term.get("datatype")
    if datatype and datatype not in _PLAIN_DATATYPES:
        return f"{value}^^{_compact(datatype, prefixes)}"
    return value


def _compact(iri: str, prefixes: Mapping[str, str]) -> str:
    """prefix:local for the longest matching namespace, else <iri>."""
    best = max((ns for ns in prefixes.values() if iri.startswith(ns)), key=len, default=None)
    if best is None:
        return f"<{iri}>"
    prefix = next(p for p, ns in prefixes.items() if ns == best)
    return f"{prefix}:{iri[len(best):]}"
