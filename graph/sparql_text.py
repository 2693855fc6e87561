"""SPARQL text helpers for sending trusted queries to a server: bound values, term syntax, rows."""

from __future__ import annotations

import json
from collections.abc import Mapping

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node


def with_bindings(query: str, bindings: Mapping[str, Node] | None) -> str:
    """The query with `VALUES` for the bound variables as the first pattern of its WHERE group.

    A server has no way to substitute terms, so the values join first; FILTERs, OPTIONALs and
    BINDs of that group then see them bound, as Oxigraph's substitution would. Only for the
    project's own queries: the scan skips strings and comments, not arbitrary syntax.
    """
    if not bindings:
        return query
    at = _where_brace(query)
    names = " ".join(f"?{name}" for name in bindings)
    terms = " ".join(term_syntax(term) for term in bindings.values())
    return f"{query[:at + 1]} VALUES ({names}) {{ ({terms}) }} {query[at + 1:]}"


def term_syntax(term: Node) -> str:
    """An rdflib term in SPARQL syntax (IRIs, literals; blank nodes cannot be bound)."""
    if isinstance(term, URIRef | Literal):
        return term.n3()
    if isinstance(term, BNode):
        raise ValueError("A blank node cannot be sent to a server as a bound value")
    raise TypeError(f"Not an RDF term: {term!r}")


def prologue(prefixes: Mapping[str, str] | None, base_iri: str | None = None) -> str:
    """BASE and PREFIX lines to put before a query (the query's own declarations win)."""
    lines = [f"BASE <{base_iri}>\n"] if base_iri else []
    lines += [f"PREFIX {p}: <{iri}>\n" for p, iri in (prefixes or {}).items()]
    return "".join(lines)


def json_rows(body: bytes) -> list[dict[str, Node]] | bool:
    """SPARQL 1.1 JSON results as {variable: rdflib term} rows, or the ASK answer."""
    data = json.loads(body)
    if "boolean" in data:
        return bool(data["boolean"])
    return [{name: json_term(value) for name, value in row.items()}
            for row in data["results"]["bindings"]]


def json_term(value: dict) -> Node:
    """One SPARQL JSON term as an rdflib term."""
    kind = value["type"]
    if kind == "uri":
        return URIRef(value["value"])
    if kind == "bnode":
        return BNode(value["value"])
    if kind in ("literal", "typed-literal"):
        if "xml:lang" in value:
            return Literal(value["value"], lang=value["xml:lang"])
        datatype = value.get("datatype")
        return Literal(value["value"], datatype=URIRef(datatype) if datatype else None)
    raise ValueError(f"Unsupported term in results: {kind}")


def _where_brace(query: str) -> int:
    """Index of the `{` that opens the query's WHERE group."""
    braces = _top_level_braces(query)
    for index in braces:
        if query[:index].rstrip().upper().endswith("WHERE"):
            return index
    if braces and not _is_construct(query):
        return braces[0]
    raise ValueError("Cannot find the WHERE group of the query to bind values in")


def _top_level_braces(query: str) -> list[int]:
    """Positions of `{` at nesting depth 0, outside strings and comments."""
    found, depth, i = [], 0, 0
    while i < len(query):
        char = query[i]
        if char == "#":
            i = _line_end(query, i)
            continue
        if char in "'\"":
            i = _string_end(query, i)
            continue
        if char == "{":
            if depth == 0:
                found.append(i)
            depth += 1
        elif char == "}":
            depth -= 1
        i += 1
    return found


def _line_end(query: str, i: int) -> int:
    """Index after the comment starting at i."""
    end = query.find("\n", i)
    return len(query) if end < 0 else end + 1


def _string_end(query: str, i: int) -> int:
    """Index after the string literal starting at i (short or long form, escapes honoured)."""
    quote = query[i] * 3 if query.startswith(query[i] * 3, i) else query[i]
    j = i + len(quote)
    while j < len(query):
        if query[j] == "\\":
            j += 2
            continue
        if query.startswith(quote, j):
            return j + len(quote)
        j += 1
    return len(query)


def _is_construct(query: str) -> bool:
    """True for CONSTRUCT queries (their first group is the template, not the pattern)."""
    return "CONSTRUCT" in query.upper().split("{", 1)[0]
