"""The indexed reports' named initiatives, a rescue of the domain gate (round 17, gate IN).

At ingest the pipeline reads the graph's initiatives (bk:Initiative skos:prefLabel, found in
the report text by corpus/initiatives.py) and saves their names beside the index as
initiative_names.json. hybrid.in_domain asks, only of a query the gate refuses, whether it
names one: every word of the name in the query, adjacent and in the name's order, compared
case- and å/ä/ö-folded, the last word also with a genitive "s" ("Kulturskolans"); a name of
one word of MIN_REPAIRED letters or more also when a query word is the lexical analyzer's
typo repair of it ("kulturskolna"). An index saved without the file has no names: nothing
changes.

Round 18 (IN4, narrowed by IN5): a one-word name that is an ordinary Swedish word
(textnorm.is_swedish_word of the word: "Mosaik", "Pax"), matched as written, names an
initiative only when the query writes it with a capital first letter that says something:
not at a sentence's start (the query's first word, or the first word after ".", "!" or "?",
capitalised anyway) and not in a query with no lowercase letter at all (ALL CAPS). "Vad gör
Mosaik för unga" names it; "vilket fogbruk passar för mosaik i glas", "Hej! Mosaik har
öppet?" and "KAN MAN BOKA MOSAIK" do not. A name of several words ("Ung fritid", "Krogar mot
knark", "Första hjälpen i psykisk hälsa") is matched as before, in any case and position:
ordinary words next to each other in the name's order are seldom there by chance. A name
with a word Swedish does not know ("Pryloteket") is matched as before, in any case. The typo
repair is unchanged and ignores case and position, so a misspelt ordinary word in an errand
still names the initiative ("mosiak i glas" names "Mosaik"): a leak kept for "har mosiak
öppet".
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from pathlib import Path

from search.format_json import read_format_json, write_format_json
from search.textnorm import fold, is_swedish_word, variants, words

FORMAT = "bokslut-search-initiatives/1"
FILE = "initiative_names.json"
MIN_REPAIRED = 6  # a shorter one-word name is matched only as written ("Pax")

Repair = Callable[[str], "tuple[str, str] | None"]  # SwedishAnalyzer.repair


def name_words(text: str) -> tuple[str, ...]:
    """The words of a text as the gate compares them: tokenized, lowercased, å/ä/ö folded."""
    return tuple(fold(word.text) for word in words(text))


def starts(name: tuple[str, ...], query: tuple[str, ...]) -> list[int]:
    """Where the name's words occur in the query next to each other, in order (the last one
    may carry a genitive s): the index of the query word each occurrence starts at."""
    size = len(name)
    return [start for start in range(len(query) - size + 1)
            if query[start:start + size - 1] == name[:-1]
            and query[start + size - 1] in (name[-1], name[-1] + "s")]


def ordinary(name: str) -> bool:
    """Every word of the name is an ordinary Swedish word ("Mosaik", "Ung fritid")."""
    return all(is_swedish_word(word.text) for word in words(name))


SENTENCE_ENDS = ".!?"


def capitalised(query: str, lowered: list[str]) -> list[bool]:
    """Whether each of the query's words (words(), which lowercases) is written with a capital
    first letter that says something: not a sentence's first word (the query's first, or the
    first after . ! ?), and not in a query with no lowercase letter (ALL CAPS). Each word is
    found in order in the query; a word not found there counts as lowercase."""
    text = unicodedata.normalize("NFC", query)
    lower = text.lower()
    if len(lower) != len(text) or not any(c.islower() for c in text):
        return [False] * len(lowered)  # positions would not align; or ALL CAPS
    marks, pos = [], 0
    for index, word in enumerate(lowered):
        found = lower.find(word, pos)
        opens = index == 0 or any(c in SENTENCE_ENDS for c in text[pos:max(found, pos)])
        marks.append(found >= 0 and not opens and text[found].isupper())
        pos = found + len(word) if found >= 0 else pos
    return marks


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
        self._ordinary = {n for n in self.names if ordinary(n)}

    def named(self, query: str, repair: Repair | None = None) -> str | None:
        """The first initiative the query names (see the module doc), or None."""
        lowered = [word.text for word in words(query)]
        folded = tuple(fold(text) for text in lowered)
        capitals: list[bool] | None = None  # worked out only when an ordinary name occurs
        for name, parts in self._words:
            found = starts(parts, folded)
            if found and len(parts) == 1 and name in self._ordinary:
                capitals = capitals if capitals is not None else capitalised(query, lowered)
                found = [start for start in found if capitals[start]]
            if found:
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
