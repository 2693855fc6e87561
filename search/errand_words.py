"""Errand words: does a query name a private errand or transaction (booking, fees, parking)?

search/errand_words.txt holds one Swedish word a line, in its base form; `#` starts a comment.
A query holds one when a word of it shares an index term with a listed word (search.textnorm's
variants: the stem, and the stem of the lemma), so every inflection matches ("bokade",
"avgifterna", "soptunnan"), as the thesaurus matches its keys. The domain gate reads it for a
query the classifier is unsure of (search.domain_gate.unsure_errand). The list is read once
per process.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from search.textnorm import is_stopword, variants, words

ERRAND_WORDS = Path(__file__).with_name("errand_words.txt")


def parse(text: str) -> tuple[str, ...]:
    """The words of a list text: one a line, lowercase, comments and blank lines dropped."""
    lines = (raw.split("#", 1)[0].strip().lower() for raw in text.splitlines())
    return tuple(line for line in lines if line)


@lru_cache(maxsize=4)
def errand_terms(path: Path = ERRAND_WORDS) -> frozenset[str]:
    """Every index term of the listed words (no file: none), read once per process."""
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        return frozenset()
    return frozenset(term for word in parse(text) for term in variants(word))


def holds_errand_word(text: str, path: Path = ERRAND_WORDS) -> bool:
    """A content word of `text`, in any inflection, is one of the list's errand words."""
    terms = errand_terms(path)
    return any(not is_stopword(w.text) and not terms.isdisjoint(variants(w.text))
               for w in words(text))
