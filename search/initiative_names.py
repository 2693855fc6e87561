"""The indexed reports' named initiatives, a rescue of the domain gate (round 17, gate IN).

At ingest the pipeline reads the graph's initiatives (bk:Initiative skos:prefLabel, found in
the report text by corpus/initiatives.py) and saves their names beside the index as
initiative_names.json. hybrid.in_domain asks, only of a query the gate refuses, whether it
names one: every word of the name in the query, adjacent and in the name's order, compared
case- and å/ä/ö-folded, the last word also with a genitive "s" ("Kulturskolans"); a name of
one word of MIN_REPAIRED letters or more also when a query word is the lexical analyzer's
typo repair of it ("kulturskolna"). An index saved without the file has no names: nothing
changes.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from search.format_json import read_format_json, write_format_json
from search.textnorm import fold, variants, words

FORMAT = "bokslut-search-initiatives/1"
FILE = "initiative_names.json"
MIN_REPAIRED = 6  # a shorter one-word name is matched only as written ("Pax")

Repair = Callable[[str], "tuple[str, str] | None"]  # SwedishAnalyzer.repair


def name_words(text: str) -> tuple[str, ...]:
    """The words of a text as the gate compares them: tokenized, lowercased, å/ä/ö folded."""
    return tuple(fold(word.text) for word in words(text))


def adjacent(name: tuple[str, ...], query: tuple[str, ...]) -> bool:
    """The name's words occur in the query next to each other, in order (the last one may
    carry a genitive s)."""
    size = len(name)
    for start in range(len(query) - size + 1):
        window = query[start:start + size]
        if window[:-1] == name[:-1] and window[-1] in (name[-1], name[-1] + "s"):
            return True
    return False


def repaired_to(name: str, query: str, repair: Repair) -> bool:
    """A query word that the analyzer matches only through a typo repair, repaired to the
    one-word name."""
    targets = set(variants(name.lower()))
    for word in words(query):
        found = repair(word.text)
        if found is not None and found[1] == "typo" and found[0] in targets:
            return True
    return False


class InitiativeNames:
    """The named initiatives of the indexed reports, asked whether a query names one."""

    def __init__(self, names: list[str]) -> None:
        """Names as the graph gives them (skos:prefLabel); empty or wordless ones are dropped."""
        self.names = sorted({n for n in names if name_words(n)})
        self._words = [(n, name_words(n)) for n in self.names]

    def named(self, query: str, repair: Repair | None = None) -> str | None:
        """The first initiative the query names (see the module doc), or None."""
        folded = name_words(query)
        for name, parts in self._words:
            if adjacent(parts, folded):
                return name
        if repair is None:
            return None
        for name, parts in self._words:
            if len(parts) == 1 and len(parts[0]) >= MIN_REPAIRED \
                    and repaired_to(name, query, repair):
                return name
        return None

    def save(self, directory: Path) -> None:
        """Write initiative_names.json into an index directory (atomically)."""
        write_format_json(Path(directory) / FILE, FORMAT, {"names": self.names})

    @classmethod
    def load(cls, directory: Path) -> InitiativeNames | None:
        """The saved names of an index directory, or None (none saved, or another format)."""
        data = read_format_json(Path(directory) / FILE, FORMAT)
        return cls(data["names"]) if data is not None else None
