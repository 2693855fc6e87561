"""The query engine's refusals in Swedish, for the editor page ("Syntaxfel på rad 3, …")."""

from __future__ import annotations

import re

# "Syntax error at line 3, column 7: expected one of …" (the worker's wording of oxigraph's)
_SYNTAX = re.compile(r"Syntax error(?: at line (\d+), column (\d+))?: ?(.*)", re.DOTALL)
_EXPECTED = re.compile(r"(?:error at \d+:\d+: ?)?expected (?:one of )?(.*)", re.DOTALL | re.I)
# Alternatives a reader can act on: keywords, punctuation in quotes; not character classes.
_WORD = re.compile(r"^[A-Za-z][A-Za-z_]*$")
_QUOTED = re.compile(r'^"(.{1,3})"$')
MAX_SHOWN = 8
NAMED = {"Prefix not found": "ett deklarerat prefix", "IRI parsing failed": "en giltig IRI",
         "end of text": "slutet på frågan", "[_]": "ett blanktecken",
         # rdflib's grammar names (the guard's parser): the whole query failed from here on
         "SelectQuery": "en fullständig SELECT-fråga (kontrollera klamrar, punkter och ord här)",
         "{SelectQuery | ConstructQuery | DescribeQuery | AskQuery}":
             "SELECT, CONSTRUCT, DESCRIBE eller ASK"}
OTHER = [  # (English start or pattern, Swedish text); groups are carried over
    (re.compile(r"Unknown prefix '([^']*):'"), "Okänt prefix ”{0}:”. Deklarera det med "
                                                 "PREFIX {0}: <…> eller använd ett känt prefix."),
    (re.compile(r"SERVICE is not allowed"), "SERVICE är inte tillåtet: tjänsten frågar aldrig "
                                            "andra servrar."),
    (re.compile(r"The query is empty"), "Frågan är tom."),
    (re.compile(r"The query is (\d+) bytes; the limit is (\d+)"),
     "Frågan är {0} byte; gränsen är {1} byte."),
    (re.compile(r"This endpoint is read-only"), "Tjänsten går bara att läsa: SPARQL-uppdateringar "
                                                "(INSERT, DELETE, LOAD, CLEAR …) tas inte emot."),
    (re.compile(r"The query is nested too deeply"), "Frågan är för djupt nästlad för att tolkas."),
]


def swedish(message: str) -> str:
    """The message in Swedish when it is one we know; otherwise unchanged."""
    found = _SYNTAX.match(message)
    if found:
        line, column, rest = found.groups()
        where = f" på rad {line}, kolumn {column}" if line else ""
        return f"Syntaxfel{where}: {expected(rest)}"
    for pattern, text in OTHER:
        match = pattern.search(message)
        if match:
            return text.format(*match.groups())
    return message


def expected(detail: str) -> str:
    """'förväntade …' from the parser's list of what could have come next."""
    match = _EXPECTED.match(detail.strip())
    if not match:
        return f"frågan kan inte tolkas här ({detail.strip()[:200]})."
    shown = [readable for item in _split(match.group(1)) if (readable := _readable(item))]
    shown = list(dict.fromkeys(shown))
    if not shown:
        return "frågan kan inte tolkas härifrån; kontrollera tecknet vid markeringen."
    more = len(shown) > MAX_SHOWN
    shown = shown[:MAX_SHOWN]
    listed = ", ".join(shown[:-1]) + (" eller " if len(shown) > 1 else "") + shown[-1]
    return f"förväntade {listed}{' m.fl.' if more else '.'}"


def _split(items: str) -> list[str]:
    """The comma-separated alternatives, not splitting inside [...] character classes."""
    parts, depth, quoted, current = [], 0, False, ""
    for ch in items:
        quoted ^= ch == '"' and depth == 0  # "[" and "," are tokens inside quotes
        if not quoted:
            depth += ch == "["
            depth -= ch == "]"
        if ch == "," and depth == 0 and not quoted:
            parts.append(current.strip())
            current = ""
        else:
            current += ch
    return [*parts, current.strip()] if current.strip() else parts


def _readable(item: str) -> str | None:
    """One alternative as a reader sees it, or None for character classes."""
    if item in NAMED:
        return NAMED[item]
    if _WORD.match(item):
        return item
    quoted = _QUOTED.match(item)
    return f"”{quoted.group(1)}”" if quoted else None
