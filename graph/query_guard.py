"""Refuse unsafe or malformed SPARQL before it runs: updates, SERVICE, unknown graphs, huge text."""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from urllib.parse import urljoin

import rdflib.plugins.sparql as rdflib_sparql
from pyparsing import ParseBaseException, ParseResults
from rdflib.plugins.sparql import parser as sparql_parser
from rdflib.plugins.sparql.parserutils import CompValue

# rdflib would otherwise fetch a FROM <url> that is not in the dataset, even a file: URL.
rdflib_sparql.SPARQL_LOAD_GRAPHS = False

MAX_QUERY_BYTES = 32 * 1024

_QUERY_TYPES = {
    "SelectQuery": "SELECT", "AskQuery": "ASK",
    "ConstructQuery": "CONSTRUCT", "DescribeQuery": "DESCRIBE",
}
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_UPDATE_START = re.compile(
    r"^\s*(?:(?:PREFIX\s+[^\s:]*:\s*<[^>]*>|BASE\s*<[^>]*>)\s*)*"
    r"(?:INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b",
    re.IGNORECASE,
)
READ_ONLY_MESSAGE = (
    "This endpoint is read-only: SPARQL updates (INSERT, DELETE, LOAD, CLEAR, CREATE, "
    "DROP, COPY, MOVE, ADD) are not accepted."
)


class QueryError(Exception):
    """Base of every query failure; `.message` is safe to show to the person who asked."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class QueryRefused(QueryError):
    """The query was not run: it does not parse, or it asks for something not allowed."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        super().__init__(message)
        self.line = line
        self.column = column


@dataclass(frozen=True)
class CheckedQuery:
    """A query that passed the guard, with what the executor needs to run it."""

    text: str
    query_type: str
    prefixes: dict[str, str]
    from_default: tuple[str, ...]
    from_named: tuple[str, ...]
    limit: int | None = None  # the outermost LIMIT, if any
    open_end: bool = False  # a SELECT without LIMIT or trailing VALUES: LIMIT may be appended

    @property
    def has_dataset(self) -> bool:
        """True when the query names its own dataset (FROM / FROM NAMED)."""
        return bool(self.from_default or self.from_named)


def check_query(
    text: str,
    known_graphs: Collection[str],
    *,
    base_iri: str | None = None,
    prefixes: Mapping[str, str] | None = None,
    default_graphs: Collection[str] = (),
    named_graphs: Collection[str] = (),
) -> CheckedQuery:
    """Parse and vet a query; raise QueryRefused with a clear message unless it is safe.

    The returned `.text` is the exact text that was vetted: run that, never the original.
    """
    check_size(text)
    text = normalise_line_ends(text)
    facts = _vet_text(text, base_iri, tuple(sorted((prefixes or {}).items())))
    _check_graphs(facts.from_default + facts.from_named, known_graphs, "FROM")
    _check_graphs(tuple(default_graphs), known_graphs, "default-graph-uri")
    _check_graphs(tuple(named_graphs), known_graphs, "named-graph-uri")
    return CheckedQuery(text, facts.query_type, dict(facts.declared), facts.from_default,
                        facts.from_named, facts.limit, facts.open_end)


@dataclass(frozen=True)
class _Facts:
    """What the parse of a query text tells, independent of the store it will run on."""

    query_type: str
    declared: tuple[tuple[str, str], ...]
    from_default: tuple[str, ...]
    from_named: tuple[str, ...]
    limit: int | None
    open_end: bool


# rdflib's parse of a long query costs ~100 ms of pure Python, most of a worker's time per
# query; the verdict depends only on these inputs, so a worker keeps the recent ones.
# (Refusals raise and are not kept: a hostile text pays again, within its deadline.)
@functools.lru_cache(maxsize=256)
def _vet_text(text: str, base_iri: str | None, prefixes: tuple[tuple[str, str], ...]) -> _Facts:
    """Parse and check a (normalised) query text; raise QueryRefused unless it is safe."""
    _check_escapes(text)
    tree = _parse(text)
    declared, base = _prologue(tree[0], dict(prefixes), base_iri)
    body = tree[1]
    for node in _walk(body):
        if node.name == "ServiceGraphPattern":
            raise QueryRefused("SERVICE is not allowed: this endpoint never queries other servers.")
        if node.name == "pname" and dict.get(node, "prefix", "") not in declared:
            prefix = dict.get(node, "prefix", "")
            raise QueryRefused(f"Unknown prefix '{prefix}:'; declare it with PREFIX {prefix}: <…>.")
    from_default, from_named = _dataset_clauses(body, declared, base)
    limit = _outer_limit(body)
    open_end = (body.name == "SelectQuery" and limit is None
                and dict.get(body, "valuesClause", None) is None)
    return _Facts(_QUERY_TYPES[body.name], tuple(declared.items()), from_default, from_named,
                  limit, open_end)


def normalise_line_ends(text: str) -> str:
    """CR LF and lone CR as LF.

    rdflib ends a `#` comment only at LF, Oxigraph also at CR: `# c\rSERVICE <…>` would be a
    comment to the guard and a SERVICE call to the engine. After this both see the same lines.
    """
    return text.replace("\r\n", "\n").replace("\r", "\n")


def check_size(text: str) -> None:
    """Refuse empty queries and query text over MAX_QUERY_BYTES."""
    if not text.strip():
        raise QueryRefused("The query is empty.")
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_QUERY_BYTES:
        raise QueryRefused(f"The query is {size} bytes; the limit is {MAX_QUERY_BYTES} bytes.")


def _check_escapes(text: str) -> None:
    """Refuse \\u escapes of ASCII characters: parsers disagree on where they may change syntax."""
    for match in _ESCAPE.finditer(text):
        if int(match.group(1) or match.group(2), 16) < 0x80:
            line = text.count("\n", 0, match.start()) + 1
            column = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
            raise QueryRefused(
                f"Line {line}, column {column}: a \\u escape of an ASCII character "
                f"({match.group(0)}) is not accepted; write the character itself.", line, column)


# rdflib's grammar (pyparsing) fixes up each parse action the first time it runs; threads
# racing through that leave the grammar broken for good ("postParse2() missing 1 required
# positional argument"). Parses in a threaded parent therefore take this lock. Query
# children parse on their own copy without it: a child forked while another thread held
# the lock would wait for ever.
PARENT_PARSE_LOCK = threading.Lock()


def query_form(text: str) -> str | None:
    """'SelectQuery', 'AskQuery', … for a query parsed in this (threaded) process, or None."""
    with PARENT_PARSE_LOCK:
        try:
            return sparql_parser.parseQuery(text)[1].name
        except Exception:  # the hardened run reports the real error
            return None


def _parse(text: str) -> ParseResults:
    """rdflib's SPARQL query grammar; anything it cannot parse is refused (fail closed)."""
    try:
        return sparql_parser.parseQuery(text)
    except ParseBaseException as error:
        if _looks_like_update(text):
            raise QueryRefused(READ_ONLY_MESSAGE) from None
        raise QueryRefused(
            f"Syntax error at line {error.lineno}, column {error.col}: {error.msg}",
            error.lineno, error.col) from None
    except RecursionError:
        raise QueryRefused("The query is nested too deeply to be parsed.") from None
    except Exception as error:  # any parser failure refuses the query
        raise QueryRefused(f"The query could not be parsed: {error}") from None


def _looks_like_update(text: str) -> bool:
    """True if the text is (or starts like) a SPARQL update."""
    if _UPDATE_START.match(text):
        return True
    try:
        sparql_parser.parseUpdate(text)
    except Exception:
        return False
    return True


def _prologue(
    prologue: ParseResults, prefixes: Mapping[str, str], base_iri: str | None
) -> tuple[dict[str, str], str | None]:
    """Declared prefixes (given ones first, the query's own win) and the effective base IRI."""
    declared, base = dict(prefixes), base_iri
    for decl in prologue:
        iri = str(dict.get(decl, "iri", ""))
        if decl.name == "Base":
            base = _resolve(base, iri)
        elif decl.name == "PrefixDecl":
            declared[dict.get(decl, "prefix", "") or ""] = _resolve(base, iri)
    return declared, base


def _walk(root: CompValue) -> Iterator[CompValue]:
    """Every node of a parse tree, iteratively (deep queries must not exhaust the stack)."""
    stack: list[object] = [root]
    while stack:
        item = stack.pop()
        if isinstance(item, CompValue):
            yield item
            stack.extend(item.values())
        elif isinstance(item, list | tuple | ParseResults):
            stack.extend(item)


def _dataset_clauses(
    body: CompValue, declared: Mapping[str, str], base: str | None
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The absolute IRIs of FROM and FROM NAMED."""
    default: list[str] = []
    named: list[str] = []
    for clause in dict.get(body, "datasetClause", None) or ():
        for key, target in (("default", default), ("named", named)):
            if key in clause:
                target.append(_absolute(dict.get(clause, key), declared, base))
    return tuple(default), tuple(named)


def _outer_limit(body: CompValue) -> int | None:
    """The value of the query's own (outermost) LIMIT clause; None without one."""
    clauses = dict.get(body, "limitoffset", None)
    limit = None if clauses is None else dict.get(clauses, "limit", None)
    return None if limit is None else int(limit)


def _absolute(term: object, declared: Mapping[str, str], base: str | None) -> str:
    """An IRI from the parse tree: prefixed names expanded, relative IRIs resolved."""
    if isinstance(term, CompValue):
        return declared[dict.get(term, "prefix", "") or ""] + dict.get(term, "localname", "")
    return _resolve(base, str(term))


def _resolve(base: str | None, iri: str) -> str:
    """An IRI reference against the base; urljoin drops an empty fragment, which a namespace
    such as <http://www.w3.org/2004/02/skos/core#> must keep."""
    if not base:
        return iri
    resolved = urljoin(base, iri)
    return resolved + "#" if iri.endswith("#") and not resolved.endswith("#") else resolved


def _check_graphs(iris: tuple[str, ...], known: Collection[str], where: str) -> None:
    """Refuse graph IRIs that are not in the store (nothing outside the store is ever read)."""
    unknown = [iri for iri in iris if iri not in known]
    if unknown:
        names = ", ".join(f"<{iri}>" for iri in unknown)
        raise QueryRefused(
            f"{where} names a graph that is not in this store: {names}. "
            "Only the store's own named graphs can be used.")
