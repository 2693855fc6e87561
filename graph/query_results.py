"""Serialize Oxigraph query results with a row cap, in every supported format."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Mapping

import pyoxigraph as ox

from graph.formats import ox_rdf_format, ox_results_format

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_DIR_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#dirLangString"


def serialize_solutions(
    solutions: ox.QuerySolutions, fmt: str, cap: int
) -> tuple[bytes, int, bool]:
    """At most `cap` SELECT rows in `fmt`; returns (body, rows, truncated)."""
    names = [v.value for v in solutions.variables]
    rows = list(itertools.islice(solutions, cap + 1))
    truncated = len(rows) > cap
    rows = rows[:cap]
    body = _json({"head": {"vars": names},
                  "results": {"bindings": [_binding(names, row) for row in rows]}})
    return _in_format(body, fmt), len(rows), truncated


def serialize_bounded(
    solutions: ox.QuerySolutions, fmt: str, cap: int
) -> tuple[bytes, int, bool]:
    """Like serialize_solutions, by Oxigraph's own serializer, for a query whose text bounds
    it to about `cap` + 1 rows (no Python object per term).

    The rows are counted in the serialized result and cut to `cap` there, so the cap holds
    whatever bound the text actually had; the bound only keeps the work small.
    """
    body = solutions.serialize(format=ox.QueryResultsFormat.JSON)
    rows = count_json_rows(body)
    if rows <= cap:
        return _in_format(body, fmt), rows, False
    data = json.loads(body.decode("utf-8"))  # 40 % faster than from bytes (surrogatepass)
    del data["results"]["bindings"][cap:]
    return _in_format(_json(data), fmt), cap, True


def count_json_rows(body: bytes) -> int:
    """The number of solutions in Oxigraph's SPARQL JSON results, without decoding them.

    Escaped backslashes and quotes are blanked, so every remaining quote opens or closes a
    string; what lies outside the strings is the bare structure, where `},{` only ever
    separates two solutions (keys are strings, so two terms of a solution or of a triple term
    are joined by `},:{` there, and "vars" holds only strings). A tenth of json.loads' time.
    """
    text = body.replace(b"\\\\", b"__").replace(b'\\"', b"__")
    structure = b"".join(text.split(b'"')[::2])
    if structure.endswith(b"[]}}"):
        return 0
    return structure.count(b"},{") + 1


def serialize_boolean(answer: ox.QueryBoolean, fmt: str) -> bytes:
    """An ASK answer in `fmt`."""
    return answer.serialize(format=ox_results_format(fmt))


def serialize_triples(
    triples: Iterable[ox.Triple], fmt: str, cap: int, prefixes: Mapping[str, str] | None = None
) -> tuple[bytes, int, bool]:
    """At most `cap` CONSTRUCT/DESCRIBE triples in `fmt`; returns (body, triples, truncated)."""
    kept = list(itertools.islice(triples, cap + 1))
    truncated = len(kept) > cap
    kept = kept[:cap]
    body = ox.serialize(kept, format=ox_rdf_format(fmt), prefixes=dict(prefixes or {}) or None)
    return body or b"", len(kept), truncated


def _json(data: dict) -> bytes:
    """SPARQL JSON results as compact UTF-8."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _in_format(json_body: bytes, fmt: str) -> bytes:
    """SPARQL JSON results in `fmt`."""
    if fmt == "json":
        return json_body
    # Oxigraph serializes only whole result streams, so the capped rows go through JSON.
    parsed = ox.parse_query_results(json_body, format=ox.QueryResultsFormat.JSON)
    return parsed.serialize(format=ox_results_format(fmt))


def _binding(names: list[str], row: ox.QuerySolution) -> dict:
    """One result row as a SPARQL JSON binding (unbound variables left out)."""
    out = {}
    for name in names:
        term = row[name]
        if term is not None:
            out[name] = term_json(term)
    return out


def term_json(term: object) -> dict:
    """One RDF term in the SPARQL 1.1 (and 1.2 triple-term) JSON results shape."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Triple):
        return {"type": "triple", "value": {
            "subject": term_json(term.subject),
            "predicate": term_json(term.predicate),
            "object": term_json(term.object),
        }}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
            if term.direction is not None:
                out["its:dir"] = str(term.direction)
        elif term.datatype.value not in (_XSD_STRING, _LANG_STRING, _DIR_LANG_STRING):
            out["datatype"] = term.datatype.value
        return out
    raise TypeError(f"Not an RDF term: {term!r}")
