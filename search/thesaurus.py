"""Query expansion from a thesaurus: the words users type for the words the report uses.

`search/thesaurus.tsv` holds one entry a line, `user term<TAB>report term[; report term...]`
("dagis<TAB>förskola", "knark<TAB>narkotika; droger"), `#` starts a comment. Both sides go
through the analyzer BM25 uses, so a key matches the query's word in any inflection
("dagiset", "dagisen") and a report term becomes the BM25 terms the report's own word yields.
A key may be several words ("early childhood"); the query must hold all of them in order and
next to each other, a stopword as written ("utan jobb" is not "jobb", "sex work" is not
"work"). Keys that match at the same place ("jobb", "jobba") make one group: the query word
gains their report terms once, by the best. The file is read once per process; each BM25
index builds its own lookup, since which terms exist depends on the corpus.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from search.analysis import Group, SwedishAnalyzer
from search.bounded_cache import BoundedCache
from search.textnorm import is_stopword, variants, words

THESAURUS = Path(__file__).with_name("thesaurus.tsv")
CACHE_LIMIT = 10_000  # query texts whose keys (and expansion) are remembered; then dropped whole
# One report term: the BM25 groups of its words (all of them must be scored, summed).
Alternative = tuple[Group, ...]


class ThesaurusError(ValueError):
    """A malformed thesaurus line; the message names the file and line."""


@dataclass(frozen=True)
class Entry:
    """One line: the user's words and the report terms they stand for."""

    key: str
    targets: tuple[str, ...]
    line: int


@dataclass(frozen=True)
class Expansion:
    """The keys matched at one place of a query ("jobb", "jobba": one key each, or several
    that analyse alike): the terms of their content words and the report terms they add."""

    key: str
    terms: frozenset[str]
    alternatives: tuple[Alternative, ...]


def parse(text: str, source: str = "<thesaurus>") -> tuple[Entry, ...]:
    """Entries of a thesaurus text; ThesaurusError ("file:line: ...") on a malformed line."""
    entries: list[Entry] = []
    seen: dict[str, int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0]
        if not line.strip():
            continue
        where = f"{source}:{number}"
        fields = [field.strip() for field in line.split("\t")]
        if len(fields) != 2:
            raise ThesaurusError(f"{where}: expected 'user term<TAB>report term[; ...]', "
                                 f"found {len(fields) - 1} tabs")
        key, right = fields[0].lower(), fields[1]
        targets = tuple(t.strip() for t in right.split(";") if t.strip())
        if not key or not targets:
            raise ThesaurusError(f"{where}: {'user' if not key else 'report'} term is empty")
        if not _content(key):
            raise ThesaurusError(f"{where}: the user term {key!r} has no content word "
                                 "(only stopwords)")
        if key in seen:
            raise ThesaurusError(f"{where}: the user term {key!r} is already on line {seen[key]}")
        seen[key] = number
        entries.append(Entry(key, targets, number))
    return tuple(entries)


@lru_cache(maxsize=4)
def load(path: Path = THESAURUS) -> tuple[Entry, ...]:
    """The thesaurus at `path`, read once per process (no file: no entries)."""
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        return ()
    return parse(text, str(path))


def _content(text: str) -> list[str]:
    """The content words of a phrase, as the analyzer tokenizes them."""
    return [w.text for w in words(text) if not is_stopword(w.text)]


def _word_terms(text: str) -> tuple[frozenset[str], ...]:
    """Every word of a phrase, in order, as it matches: a content word by its variant terms
    (any inflection), a stopword only as written (so a key keeps every word it has)."""
    return tuple(frozenset((w.text,) if is_stopword(w.text) else variants(w.text))
                 for w in words(text))


class Expander:
    """The thesaurus over one corpus's analyzer: a query's expansion terms, as BM25 groups."""

    def __init__(self, analyzer: SwedishAnalyzer, entries: Sequence[Entry]) -> None:
        """Analyse every entry now (a few ms): keys by their words' terms, targets into the
        corpus's BM25 terms; a target with no term in the corpus is left out."""
        self.analyzer = analyzer
        self._by_prefix: dict[str, list[str]] | None = None
        # first key word's term -> (every key word's term set, the key's alternatives)
        self._by_first: dict[str, list[tuple[tuple[frozenset[str], ...], Expansion]]] = {}
        for entry in entries:
            key_words = _word_terms(entry.key)
            alternatives = tuple(a for a in map(self.target, entry.targets) if a)
            if not alternatives:
                continue
            content = [frozenset(variants(w)) for w in _content(entry.key)]
            for term in key_words[0]:
                self._by_first.setdefault(term, []).append(
                    (key_words, Expansion(entry.key, frozenset().union(*content),
                                          alternatives)))
        self._cache: BoundedCache[str, tuple[Expansion, ...]] = BoundedCache(CACHE_LIMIT)

    def target(self, phrase: str) -> Alternative:
        """The BM25 groups of a report term: each word's terms the corpus has; a word the
        corpus lacks as written is split into known compound parts, never typo-repaired (and
        no typo table is built: on the bundled thesaurus this gives the same groups as
        asking the analyzer's repair, in a tenth of the time)."""
        vocabulary, groups = self.analyzer.vocabulary, []
        for word in _content(phrase):
            whole = tuple(t for t in variants(word) if t in vocabulary)
            split = [] if whole else self.analyzer.known_parts(word)
            inflected = () if whole or split else self._inflected(variants(word)[0])
            groups.extend([whole] if whole else split or ([inflected] if inflected else []))
        return tuple(dict.fromkeys(groups))

    def _inflected(self, term: str) -> Group:
        """Corpus terms that are `term` plus at most two letters: Snowball leaves some
        definite forms whole ("civilsamhället"), so the report's word and the entry's base
        form ("civilsamhälle" -> "civilsamhäll") can stem apart."""
        if len(term) < 5:
            return ()
        if self._by_prefix is None:
            self._by_prefix = {}
            for t in self.analyzer.vocabulary:
                for cut in (1, 2):
                    if len(t) - cut >= 5:
                        self._by_prefix.setdefault(t[:-cut], []).append(t)
        return tuple(sorted(self._by_prefix.get(term, ())))

    def keys(self, text: str) -> tuple[Expansion, ...]:
        """The thesaurus keys the query holds, in query order (remembered per text)."""
        return self._cache.get(text, self._find)

    def _find(self, text: str) -> tuple[Expansion, ...]:
        """keys() without the cache: at each word the longest keys that start there, merged
        into one, then on after them (so "early childhood education" does not also expand
        "education", and "jobb" and "jobba" add their report terms once)."""
        if not self._by_first:
            return ()
        terms = _word_terms(text)
        out: list[Expansion] = []
        i = 0
        while i < len(terms):
            found = [(len(key_words), expansion)
                     for t in terms[i] for key_words, expansion in self._by_first.get(t, ())
                     if _follows(terms[i:], key_words)]
            longest = max((n for n, _ in found), default=0)
            if longest:
                out.append(_merged([e for n, e in found if n == longest]))
            i += max(longest, 1)
        return tuple(dict.fromkeys(out))

    def expansion(self, text: str, own: Sequence[Group]) -> list[tuple[Alternative, ...]]:
        """Per place in the query a key matched, its alternatives (see expansions)."""
        return [kept for _, kept in self.expansions(text, own)]

    def expansions(self, text: str,
                   own: Sequence[Group]) -> list[tuple[Expansion, tuple[Alternative, ...]]]:
        """Per place in the query a key matched: the key(s) and their alternatives without the
        groups the query already has (`own`: the query's groups). A place whose alternative is
        wholly the query's own words is left out; a report term counts once per query."""
        held = {term for group in own for term in group}
        out: list[tuple[Expansion, tuple[Alternative, ...]]] = []
        used: set[Alternative] = set()
        for expansion in self.keys(text):
            kept = tuple(
                rest for alt in expansion.alternatives
                if (rest := tuple(g for g in alt if not held.intersection(g))))
            if len(kept) != len(expansion.alternatives):
                continue
            kept = tuple(alt for alt in kept if alt not in used)
            if kept:
                used.update(kept)
                out.append((expansion, kept))
        return out


def _merged(found: Sequence[Expansion]) -> Expansion:
    """Keys matched at one place as one: their words' terms, each report term once."""
    if len(found) == 1:
        return found[0]
    return Expansion(" / ".join(e.key for e in found),
                     frozenset().union(*(e.terms for e in found)),
                     tuple(dict.fromkeys(a for e in found for a in e.alternatives)))


def _follows(terms: Sequence[frozenset[str]], key_words: Sequence[frozenset[str]]) -> bool:
    """Whether the query's words from here on begin with the key's words."""
    return len(terms) >= len(key_words) and all(
        a & b for a, b in zip(terms, key_words, strict=False))


def unknown_targets(analyzer: SwedishAnalyzer, entries: Sequence[Entry]) -> list[str]:
    """"line: term" for each report term with a word the corpus lacks (neither as written nor
    split into known parts): such a word adds nothing to a search."""
    expander = Expander(analyzer, ())
    return [f"{entry.line}: {term}" for entry in entries for term in entry.targets
            if any(not expander.target(word) for word in _content(term)) or not _content(term)]
