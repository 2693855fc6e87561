"""Naming a rights article by a word only it holds among the named instruments' articles.

With a rights cue, "barns rätt till lek" names CRC 31: "barns" narrows the candidates to the
CRC's articles (an alias word), and "lek" is in one candidate's wordings or definition only.
RightsSignal.named asks this module for such articles, then keeps one only when another query
word than an instrument's name or alias word is in one of its wordings (N2j).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from search.textnorm import fold, words

# Words that name an instrument for the distinctive-word naming when they are words of its
# names, or the first part of one ("barns" -> "FN:s konvention om barnets rättigheter",
# "funktionsrätt" -> "Funktionsrättskonventionen"): a query about children or disability
# looks among that convention's articles only, though it does not name the convention in full.
ALIAS_WORDS = ("barn", "barns", "funktionsnedsättning", "funktionsrätt")


def alias_instruments(names: dict[str, list[str]],
                      word_terms: Callable[[str], frozenset[str]]) -> dict[str, set[str]]:
    """Each alias word -> the instruments (iri -> names) one of whose names holds it as a word
    (by terms) or as the first part of a compound."""
    out: dict[str, set[str]] = {}
    for alias in ALIAS_WORDS:
        head, alias_terms = fold(alias.lower()), word_terms(alias)
        out[alias] = {iri for iri, ns in names.items()
                      if any(word_terms(w.text) & alias_terms
                             or fold(w.text.lower()).startswith(head)
                             for name in ns for w in words(name))}
    return out


class DistinctiveNaming:
    """Articles named by a query word only one candidate article's text holds."""

    def __init__(self, instruments: Sequence[str], texts: Sequence[frozenset[str]],
                 aliases: dict[str, set[str]], word_terms: Callable[[str], frozenset[str]],
                 skip: frozenset[str]) -> None:
        """Per article its instrument and text terms; alias word -> instruments (read by its
        terms); terms that never name (cue words, instrument names and aliases)."""
        holders: dict[str, set[int]] = {}
        scope: dict[str, set[int]] = {}
        for i, (instrument, text) in enumerate(zip(instruments, texts, strict=True)):
            scope.setdefault(instrument, set()).add(i)
            for t in text:
                holders.setdefault(t, set()).add(i)
        self.holders = {t: frozenset(ids) for t, ids in holders.items()}
        self.scope = {iri: frozenset(ids) for iri, ids in scope.items()}
        self.every = frozenset(range(len(texts)))
        self.aliases: dict[frozenset[str], set[str]] = {}
        for alias, iris in aliases.items():  # "barn" and "barns" may share their terms
            self.aliases.setdefault(word_terms(alias), set()).update(iris)
        self.skip = skip

    def aliased(self, groups: list[frozenset[str]]) -> set[str]:
        """Instruments an alias word of the query names ("barns" -> the CRC)."""
        return {iri for terms, iris in self.aliases.items()
                if any(g & terms for g in groups) for iri in iris}

    def named(self, groups: list[frozenset[str]], instruments: set[str]) -> set[int]:
        """Articles named by a content word that, among the named instruments' articles (all
        when none is named), only their wordings or definition hold ("lek" -> CRC 31)."""
        candidates = (frozenset().union(*(self.scope.get(iri, ()) for iri in instruments))
                      if instruments else self.every)
        found = set()
        for g in groups:
            if g & self.skip:
                continue
            holders = candidates & frozenset().union(*(self.holders.get(t, ()) for t in g))
            if len(holders) == 1:
                found |= holders
        return found
