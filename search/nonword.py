"""Keyboard mash: a word unlike Swedish and English spelling ("lkjhgf", "xcvxcv").

Two letter-trigram models, one Swedish and one English, trained on the forms and lemmas of
spacy-lookups-data's lemma tables (each distinct word once, casefolded, letters only, "^^"
before and "$" after it). A word's score is the mean natural-log probability of its trigrams
under the better of the two; a word of neither lemma table scoring under FLOOR is mash, and
so is one that is a keyboard walk whatever its score (round 19, search.keyboard_walk: "dsa",
"qwerty", "asdfgh" score above FLOOR). A word with a letter neither model has seen (Cyrillic,
Greek, "ł", CJK) is never mash: the models cannot judge another script, and the multilingual
encoder may well read it. Short acronyms with a vowel ("lvu") and foreign names ("krzysztof")
can still score as mash: harmless only because the check is asked when nothing of the query
matched the corpus lexically.
search.gate_text.looks_like_nonsense asks this only when nothing of the query matched the
corpus lexically, so a word the corpus holds (or that a typo repair maps to it) never gets here.

The counts ship as a generated table (nonword_table.json.gz, 70 kB, made by
benchmarks/make_nonword_table.py): counting the 800 000 words takes 4 s CPU, reading the table
about 12 ms (at the first query the check is asked about), and it depends on no ingest. The
floor and its margin were chosen under the rule of benchmarks/results/eval_round14_nonword.txt.
"""

from __future__ import annotations

import gzip
import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from search.keyboard_walk import is_walk
from search.lemma_store import parse, source_bytes
from search.textnorm import is_swedish_word

TABLE = Path(__file__).with_name("nonword_table.json.gz")
START, END = "^", "$"
# Interpolation weights of the trigram, bigram and unigram estimates (fixed, nothing fitted).
WEIGHTS = (0.8, 0.15, 0.05)
UNSEEN = 1e-6  # the probability of a letter neither model has seen
# The floor (round 14, the rule of benchmarks/results/eval_round14_nonword.txt): under every word
# of the pool's queries, of tests/data/nonword_real.txt and of the corpus that no exemption covers
# (no lemma-table word, no word the corpus holds) by 0.25 nats, rounded down to 0.05: the lowest
# is "asså" (-4.01). Read with no exemption, "hbtqi" (-5.16) sets it, -5.45, which refused one
# of six mash strings with hits instead of three.
FLOOR = -4.30
EN_SOURCE = ("spacy_lookups_data", "data/en_lemma_lookup.json.gz")
LANGS = ("sv", "en")
LETTERS = re.compile(r"[^\W\d_]+")


def padded(word: str) -> str:
    """The word between its boundary marks: two before, one after."""
    return START + START + word + END


def trigrams(word: str) -> list[str]:
    """The padded word's trigrams (a word of n letters has n + 1)."""
    text = padded(word)
    return [text[i:i + 3] for i in range(len(text) - 2)]


@dataclass(frozen=True)
class TrigramModel:
    """Letter counts of one language: trigrams and bigrams with their contexts, letters."""

    tri: dict[str, int]
    ctx2: dict[str, int]  # how often each two-letter context precedes a letter
    bi: dict[str, int]
    ctx1: dict[str, int]
    uni: dict[str, int]
    total: int

    @classmethod
    def train(cls, words: set[str]) -> TrigramModel:
        """Count every trigram of the padded words (each word once)."""
        tri: dict[str, int] = {}
        for word in words:
            for gram in trigrams(word):
                tri[gram] = tri.get(gram, 0) + 1
        return cls.from_trigrams(tri)

    @classmethod
    def from_trigrams(cls, tri: dict[str, int]) -> TrigramModel:
        """A model from its trigram counts alone (the rest follows from them)."""
        ctx2, bi, ctx1, uni = _summed(tri, 2), _summed(tri, -2), {}, _summed(tri, -1)
        for gram, n in bi.items():
            ctx1[gram[0]] = ctx1.get(gram[0], 0) + n
        return cls(tri, ctx2, bi, ctx1, uni, sum(uni.values()))

    def logprob(self, gram: str) -> float:
        """ln P(last letter | first two), the three estimates interpolated."""
        w3, w2, w1 = WEIGHTS
        p = w1 * self.uni.get(gram[2], 0) / self.total
        if (c := self.ctx1.get(gram[1], 0)) > 0:
            p += w2 * self.bi.get(gram[1:], 0) / c
        if (c := self.ctx2.get(gram[:2], 0)) > 0:
            p += w3 * self.tri.get(gram, 0) / c
        return math.log(max(p, UNSEEN))

    def score(self, word: str) -> float:
        """The mean log-probability of the word's trigrams."""
        grams = trigrams(word)
        return sum(self.logprob(g) for g in grams) / len(grams)


def _summed(tri: dict[str, int], cut: int) -> dict[str, int]:
    """Trigram counts summed by their first two letters (cut 2) or last two or one (-2, -1)."""
    out: dict[str, int] = {}
    for gram, n in tri.items():
        key = gram[:cut] if cut > 0 else gram[cut:]
        out[key] = out.get(key, 0) + n
    return out


def training_words(forms: list[str]) -> set[str]:
    """The distinct casefolded letter runs (two letters or more) of a lemma table's words."""
    return {run for form in forms for run in letter_words(form)}


def letter_words(text: str) -> list[str]:
    """The text's casefolded letter runs of two letters or more: the words mash is judged on."""
    return [run for run in LETTERS.findall(text.casefold()) if len(run) >= 2]


@lru_cache(maxsize=1)
def models() -> tuple[TrigramModel, ...]:
    """The Swedish and English models of the shipped table (read once)."""
    data = json.loads(gzip.decompress(TABLE.read_bytes()))
    return tuple(TrigramModel.from_trigrams(data[lang]) for lang in LANGS)


@lru_cache(maxsize=4096)
def score(word: str) -> float:
    """The word's score: the better of its Swedish and English mean trigram log-probabilities."""
    return max(model.score(word) for model in models())


def is_mash(word: str, floor: float = FLOOR) -> bool:
    """A lowercase word unlike Swedish and English spelling: every letter known to the models,
    it scores under the floor or is a keyboard walk (search.keyboard_walk), and it is no form
    or lemma of either lemma table (checked only then: it costs most)."""
    if not set(word) <= known_letters():
        return False
    # Round 19: a walk can score above the floor ("dsa" -3.46, "qwerty" -3.73), so it is mash
    # whatever its score; the lemma tables still exempt it ("tre", "ert" are Swedish words)
    if not (score(word) < floor or is_walk(word)):
        return False
    return not is_swedish_word(word) and word not in english_words()


@lru_cache(maxsize=1)
def known_letters() -> frozenset[str]:
    """The letters either model has counted (the boundary marks left out)."""
    return frozenset(ch for model in models() for ch in model.uni) - {START, END}


def prepare() -> None:
    """Read the table and both word lists now, not at the first query that needs them."""
    known_letters()
    english_words()
    is_swedish_word("och")


def source_version() -> str:
    """The installed spacy-lookups-data, whose lemma tables the shipped counts were made from."""
    return metadata.version("spacy-lookups-data")


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """The forms and lemmas of spacy-lookups-data's English lemma table, lowercased."""
    return frozenset(w.lower() for w in packaged_words(EN_SOURCE))


def packaged_words(source: tuple[str, str]) -> list[str]:
    """The forms and the lemmas of one packaged lemma table (search.lemma_store reads it)."""
    return [word for pair in parse(source_bytes(source)).items() for word in pair]
