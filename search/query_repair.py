"""The query as the user meant it: misspelt words replaced by the report's own words.

BM25 repairs a query word it does not know ("trangboddhet", "suicidprevntion") against the
corpus vocabulary; the embedding model only sees the misspelling. This module writes the
repaired query back as text, so the dense side can embed it too. Only repairs worth
trusting are written:

- an accent repair ("hjalpfond" -> "hjälpfond") when a word of the report is the query word
  with å/ä/ö restored (a stem that merely folds alike, "matte" -> "mått", is not);
- an edit-distance repair only for a word at least as long as the analyzer's two-edit
  length that Swedish does not know as written: a short word has many neighbours one edit
  away, and a real word ("partner", "trasig") is what the user meant, even if the report
  never uses it;
- in an English query, only an edit-distance repair that stays English ("Saftey" ->
  "safety"): "families" is not a misspelt "familjer".

The repaired word is the report's most frequent spelling of the repaired term. Its table
is built from the passages on first use (a plain word split, not spaCy's: about 0.1 s).
"""

from __future__ import annotations

import re
import threading
from collections import Counter

from search.analysis import SwedishAnalyzer
from search.textnorm import clean, fold, is_stopword, is_swedish_word, looks_english, variants

_WORD = re.compile(r"[^\W_]+")


class QueryRepair:
    """Rewrites queries with the corpus's spelling of the words BM25 had to repair."""

    def __init__(self, analyzer: SwedishAnalyzer, texts: tuple[str, ...] | list[str]) -> None:
        """`texts` are the passages the analyzer was fitted on (their spellings are used)."""
        self.analyzer, self.texts = analyzer, texts
        self._spellings: dict[str, Counter[str]] | None = None
        self._lock = threading.Lock()

    def prepare(self) -> None:
        """Build the term -> spellings table now, so no user's first repair waits for it."""
        self._table()

    def _table(self) -> dict[str, Counter[str]]:
        """Each index term -> the passage words that produce it, counted."""
        with self._lock:
            if self._spellings is None:
                table: dict[str, Counter[str]] = {}
                for text in self.texts:
                    for word in _WORD.findall(clean(text)):
                        if len(word) > 1 and not is_stopword(word):
                            for term in variants(word):
                                table.setdefault(term, Counter())[word] += 1
                self._spellings = table
        return self._spellings

    def spelling(self, word: str, english: bool = False) -> str | None:
        """The report's word for a query word BM25 repaired, when the repair is trusted
        (`english`: the query is in English, so a repair must not turn a word Swedish)."""
        found = self.analyzer.repair(word)
        if found is None:
            return None
        term, how = found
        spellings = self._table().get(term)
        if not spellings:
            return None
        if how == "accent":
            same = [s for s, _ in spellings.most_common() if fold(s) == fold(word)]
            return same[0] if same else None
        if len(word) < self.analyzer.config.typo_long_len or is_swedish_word(word):
            return None
        fixed = spellings.most_common(1)[0][0]
        return None if english and is_swedish_word(fixed) else fixed

    def repaired(self, text: str) -> str | None:
        """The query with trusted repairs written in, or None when there is none."""
        out: list[str] = []
        last, english = 0, looks_english(text)
        for match in _WORD.finditer(text):
            fixed = self.spelling(match.group().lower(), english)
            if fixed is not None:
                out += [text[last:match.start()], fixed]
                last = match.end()
        return "".join([*out, text[last:]]) if out else None
