"""A single-pass scanner over query text for the editor: which prefixes are declared and used.

Linear in the text's length whatever it holds (the regexes it replaces backtracked
quadratically on inputs such as '"\\'' × 16k or PREFIX followed by 32k spaces). It never
decides whether a query is valid; it only finds the code outside IRIs, strings and comments.
"""

from __future__ import annotations

from dataclasses import dataclass, field

_IRI_STOP = frozenset('<>"{}|^`\\') | frozenset(" \t\r\n\f\v")
_LONG = ('"""', "'''")


@dataclass
class Prefixes:
    """Prefix names declared with PREFIX, and prefix names used in prefixed names."""

    declared: set[str] = field(default_factory=set)
    used: set[str] = field(default_factory=set)


def code_only(text: str) -> str:
    """The text with IRIs, strings and comments blanked out (same length)."""
    out = list(text)
    dead: set[str] = set()  # long-string delimiters known never to close again
    i, n = 0, len(text)
    while i < n:
        end = _skip(text, i, dead)
        if end > i:
            out[i:end] = " " * (end - i)
            i = end
        else:
            i += 1
    return "".join(out)


def _skip(text: str, i: int, dead: set[str]) -> int:
    """The end of the IRI, string or comment starting at i; i when none starts there."""
    char = text[i]
    if char == "#":
        end = text.find("\n", i)
        return len(text) if end < 0 else end
    if char == "<":
        j = i + 1
        while j < len(text) and text[j] not in _IRI_STOP:  # stops at the next '<' at the latest
            j += 1
        return j + 1 if j < len(text) and text[j] == ">" else i
    if char in "\"'":
        delimiter = char * 3
        if text.startswith(delimiter, i) and delimiter not in dead:
            end = text.find(delimiter, i + 3)
            if end >= 0:
                return end + 3
            dead.add(delimiter)  # no later one can close either
            return i
        return _short_string(text, i, char)
    return i


def _short_string(text: str, i: int, quote: str) -> int:
    """The end of a one-line string; i when the line ends first."""
    j = i + 1
    while j < len(text):
        char = text[j]
        if char == quote:
            return j + 1
        if char == "\n":
            return i
        j += 2 if char == "\\" and text[j + 1:j + 2] != "\n" else 1
    return i


def _is_name_char(char: str) -> bool:
    """Characters of a prefixed name (and of the keyword PREFIX)."""
    return char.isalnum() or char in "_.-:"


def words(code: str) -> list[str]:
    """Maximal runs of name characters, in order."""
    found, start = [], None
    for i, char in enumerate(code):
        if _is_name_char(char):
            if start is None:
                start = i
        elif start is not None:
            found.append(code[start:i])
            start = None
    if start is not None:
        found.append(code[start:])
    return found


def scan_prefixes(text: str) -> Prefixes:
    """The declared and the used prefix names of a query text."""
    result = Prefixes()
    after_keyword = False
    for word in words(code_only(text)):
        if after_keyword:
            after_keyword = False
            if word.endswith(":") and word.count(":") == 1:
                result.declared.add(word[:-1])
                continue
        if word.upper() == "PREFIX":
            after_keyword = True
        elif ":" in word and (word[0].isalpha() or word[0] == ":"):
            result.used.add(word.split(":", 1)[0])
    return result
