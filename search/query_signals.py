"""What a query tells about itself before fusion: how much of it the lexical side can match.

A word the passages contain as written (or with å/ä/ö restored) counts fully; one that only
matches after a repair (typo correction, compound split) counts REPAIRED_CREDIT (kept apart
so callers can weigh a guess); a word the corpus has never seen (an English word, a
paraphrase's own wording) counts nothing. Words are weighted by IDF, with an unseen word
weighted like the rarest word, so "hjälpfond för barn" leans on "hjälpfond", not "barn".
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from search.analysis import SwedishAnalyzer
from search.domain_gate import is_rare
from search.textnorm import fold, is_stopword, variants, words

REPAIRED_CREDIT = 1.0  # tuned: repairs (typos, compound parts) proved as reliable as exact words
# A compound the corpus knows only in part ("valdistriktsskillnader" -> "rikt" + "skillnad",
# "riskspelvanor" -> "risk" + "spel") is a near miss: the passage holding a part is seldom
# about the whole. The fusion counts it as no match (chosen in round 6 on the pool of tuning
# and held-out 2-4: nDCG@10 0.805 -> 0.811 at 0, 0.810 at 0.25-0.75, flat; 0 is the simplest
# reading and was picked in two of the three leave-one-part-out folds that differ).
PARTIAL_CREDIT = 0.0
# A rare phrase (rare_phrase): a run of at least this many words, of which at least this many
# are content words, that few passages hold verbatim. Round 11 (H-g11, issue 9 item 5), chosen
# by a rule fixed before the run among runs of >= 2 words (G1), >= 3 (G2), a split compound
# joined (G3) and G1 + G3: none let in a string of the off-topic lists or the two banks, none
# cost a query of tuning, held-out or held-out 2-10 a relevant hit, and the pool (tuning +
# held-out 2-9, 526) is 0.7973 under each (no pool verdict changes); G1 won the tie (one
# changed verdict, listed first). Held-out 10 (not blind: where the problem was seen) 0.714 ->
# 0.730: "Krogar mot knark – vad har kartlagts om droger på restauranger" passes through the
# run "krogar mot knark" (1 passage), where the lexical match was 0.5 < MIN_MATCH
MIN_PHRASE_WORDS = 2
MIN_PHRASE_CONTENT_WORDS = 2
PHRASE_WORD = re.compile(r"[^\W_]+")
# A phrase does not cross the end of a sentence or clause, on the passage side or the query's:
# "... knark. Vad ..." holds no phrase "knark vad" (round 12, from round 11's review). The
# full stops of abbreviations ("bl.a.", "t.ex.") and decimals break too: that costs only a
# phrase spanning them, never a wrong one.
SENTENCE_BREAK = re.compile(r"[.!?;:\r\n]+")
BREAK = "|"  # what stands between two sentences of a passage's phrase text (never a word)
LETTERS = re.compile(r"[^\W\d_]+")  # a query's words for joining a split compound


@dataclass(frozen=True)
class QuerySignals:
    """IDF shares of the query matched as written and after repair, its word count, and (for
    one passage's match) how rare its rarest word held as written is in the corpus."""

    exact: float
    repaired: float
    content_words: int
    rarest_df: int = 0  # passages holding that word (0: the passage holds none as written)
    n_docs: int = 0  # passages in the corpus, so callers can judge rarity by share
    partial: float = 0.0  # the share of `repaired` held only as a part of a partly known compound

    def coverage(self, repaired_credit: float = REPAIRED_CREDIT,
                 partial_credit: float | None = None) -> float:
        """Lexical coverage in [0, 1]: exact matches count fully, repairs partly, a partly
        known compound at `partial_credit` (None: like any repair)."""
        near = repaired_credit if partial_credit is None else partial_credit
        whole = self.repaired - self.partial
        return min(1.0, self.exact + repaired_credit * whole + near * self.partial)


def idf(df: int, n_docs: int) -> float:
    """BM25's (Lucene) inverse document frequency."""
    return math.log(1 + (n_docs - df + 0.5) / (df + 0.5))


def _weighted_words(analyzer: SwedishAnalyzer, text: str):
    """Each content word of the query: (word, its variants, known dfs, BM25 idf weight)."""
    vocabulary, n = analyzer.vocabulary, max(analyzer.n_docs, 1)
    for word in words(text):
        if is_stopword(word.text):
            continue
        terms = variants(word.text)
        known = [analyzer.df.get(t, 0) for t in terms if t in vocabulary]
        yield word, terms, known, idf(max([d for d in known if d] or [1]), n)


def _shares(exact: float, repaired: float, total: float, count: int,
            rarest: tuple[int, int] = (0, 0), partial: float = 0.0) -> QuerySignals:
    """Exact, repaired and partial weight as shares of the total (all zero for no content
    word); `rarest` is (df of the rarest word held as written, passages in the corpus)."""
    if not total:
        return QuerySignals(0.0, 0.0, 0)
    return QuerySignals(exact / total, repaired / total, count, *rarest, partial / total)


def signals(analyzer: SwedishAnalyzer, text: str) -> QuerySignals:
    """IDF-weighted shares of the query's content words the lexical side matches."""
    exact = repaired = total = 0.0
    count = 0
    for word, terms, known, weight in _weighted_words(analyzer, text):
        count += 1
        total += weight
        groups = [] if known else analyzer.query_groups(word.text)
        folded = {fold(t) for t in terms}
        if known or any(fold(t) in folded for group in groups for t in group):
            exact += weight  # as written, or only å/ä/ö missing
        elif groups:
            repaired += weight
    return _shares(exact, repaired, total, count)


def _whole_split(bm25, analyzer: SwedishAnalyzer, word: str, groups: list, row: int) -> int:
    """The df of the rarest piece when `word` is a compound split into known pieces that
    passage `row` holds every one of ("cykelstråksbelysning": "cykel", "stråk", "belysning"),
    else 0 (a typo repair, a partly known compound, or a piece missing from the passage).

    Round 7, for the domain gate (chosen on the pool): such a compound was half a match and
    never rare, so a one-word query naming a detail of the report was refused."""
    if analyzer.repair(word) is not None or analyzer.partly_known(word) or len(groups) < 2:
        return 0
    if not all(len(g) == 1 and bm25.has_term(row, g[0]) for g in groups):
        return 0
    return min(analyzer.df.get(g[0], 0) for g in groups)


def top_match(bm25, text: str, row: int) -> QuerySignals:
    """IDF shares of the query's content words that BM25's top passage `row` contains.

    Corpus coverage says whether the words exist somewhere; this says whether one passage
    holds them together. A paraphrase or a long question made of known words ("kommunen",
    "barn") covers the corpus fully but its best lexical passage holds only a few of them.
    Words found only after a repair (typo correction, compound split) are kept apart, so
    the fusion and the domain gate can each decide how far to trust a guess. The rarest
    word the passage holds as written (fewest passages) tells the gate whether the match is
    specific: a name or an acronym, not "bästa" or "2025". When the thesaurus expanded the
    search (search.thesaurus), a word the passage holds only through one of its report terms
    is a repair too (fully in the fusion, by half at the gate), or, when that term is rare,
    a word held as written whose rarity is the term's (_rare_term; the fusion counts both
    alike). Whether the search was expanded is read from the query itself (bm25.expanded).
    """
    keys = bm25.expander.keys(text) if bm25.expanded(text) else ()
    analyzer = bm25.analyzer
    exact = repaired = partial = total = 0.0
    count, rarest = 0, 0
    for word, terms, known, weight in _weighted_words(analyzer, text):
        count += 1
        total += weight
        groups = analyzer.word_groups(word.text)
        near = analyzer.partly_known(word.text)
        held = _through_thesaurus(bm25, keys, terms, row) if keys else []
        holds = any(bm25.has_term(row, t) for group in groups for t in group)
        if held and (near or not holds):  # (near: a near miss the thesaurus makes a match)
            if df := _rare_term(held, analyzer.n_docs):
                exact, rarest = exact + weight, min(rarest or df, df)
            else:
                repaired += weight
        elif holds:
            folded = {fold(t) for t in terms}
            if known or any(fold(t) in folded for t in groups[0]):
                exact += weight
                df = max(known, default=0)  # as its IDF weight counts it
                if df:
                    rarest = min(rarest or df, df)
            elif whole := _whole_split(bm25, analyzer, word.text, groups, row):
                exact += weight  # every piece of a compound, in one passage: the word itself
                rarest = min(rarest or whole, whole)
            else:
                repaired += weight
                partial += weight if near else 0.0
    return _shares(exact, repaired, total, count, (rarest, analyzer.n_docs), partial)


def _rare_term(dfs: list[int], n_docs: int) -> int:
    """The df of the rarest report term the passage holds when it is rare (is_rare), else 0.

    Round 10 (H-sfin): such a word counts at the gate as one held as written, its report
    term standing for its rarity, so "neighbourhood watch" (-> "grannsamverkan", 1 passage)
    passes as "grannsamverkan" does. A common report term stays a repair (half a match)."""
    return dfs[0] if dfs and is_rare(dfs[0], n_docs) else 0


def _through_thesaurus(bm25, keys, terms: tuple[str, ...], row: int) -> list[int]:
    """The corpus dfs, rarest first, of the report terms of thesaurus keys the query word
    (`terms`: its variants) is part of that passage `row` holds every word of (a term's df:
    that of its rarest word; empty: the thesaurus does not hold the word there)."""
    df = bm25.analyzer.df
    out = []
    for key in keys:
        if not key.terms.intersection(terms):
            continue
        for alternative in key.alternatives:
            held = [[t for t in group if bm25.has_term(row, t)] for group in alternative]
            if all(held):
                out.append(min(max(df.get(t, 0) for t in group) for group in held))
    return sorted(out)


def phrase_words(text: str) -> list[str]:
    """A text's words for phrase matching: its letter and digit runs, case-folded."""
    return PHRASE_WORD.findall(text.casefold())


def phrase_pieces(text: str) -> list[list[str]]:
    """The phrase words of each sentence or clause of a text (split at . ! ? ; : and line
    breaks), empty pieces left out: a phrase lies within one piece."""
    return [words for piece in SENTENCE_BREAK.split(text) if (words := phrase_words(piece))]


def _phrase_text(text: str) -> str:
    """A passage's phrase text: each sentence's words by single spaces, BREAK between
    sentences, one space either end (so " run " finds whole words within one sentence)."""
    sentences = (" ".join(words) for words in phrase_pieces(text))
    return " " + f" {BREAK} ".join(sentences) + " "


@dataclass(frozen=True)
class Phrases:
    """The corpus's passages as word sequences, to count the passages holding a run verbatim."""

    texts: tuple[str, ...]  # each passage's words, single spaces, BREAK between sentences
    rows_of: dict[str, tuple[int, ...]]  # word -> the passages holding it

    @classmethod
    def of(cls, passages: Sequence[dict]) -> Phrases:
        """The phrase table of these passages (one row each, same texts counted apart)."""
        texts = tuple(_phrase_text(p["text"]) for p in passages)
        rows: dict[str, list[int]] = {}
        for row, text in enumerate(texts):
            for word in set(text.split()) - {BREAK}:
                rows.setdefault(word, []).append(row)
        return cls(texts, {word: tuple(found) for word, found in rows.items()})

    def rare_phrase(self, text: str) -> str | None:
        """The first run of the query's words, from a content word to a content word, of at
        least MIN_PHRASE_WORDS words and MIN_PHRASE_CONTENT_WORDS content words, that at
        least one and at most a rare share of the passages hold verbatim (is_rare), or None.

        A name inside a longer question ("Krogar mot knark – vad har kartlagts …"): the
        question's own words dilute its lexical match, but the name, word for word, is the
        report's. A run that no passage holds cannot grow into one, so each start stops there.
        A run lies within one sentence of the query and is found within one of a passage's."""
        for piece in phrase_pieces(text):
            if (run := self._rare_run(piece)) is not None:
                return run
        return None

    def _rare_run(self, query: list[str]) -> str | None:
        """rare_phrase within one sentence's words."""
        for start, first in enumerate(query):
            if is_stopword(first):
                continue
            rows, content = self.rows_of.get(first, ()), 1
            for end in range(start + 1, len(query)):
                run = " " + " ".join(query[start:end + 1]) + " "
                rows = tuple(row for row in rows if run in self.texts[row])
                if not rows:
                    break
                if is_stopword(query[end]):
                    continue
                content += 1
                if end - start + 1 >= MIN_PHRASE_WORDS and content >= MIN_PHRASE_CONTENT_WORDS \
                        and is_rare(len(rows), len(self.texts)):
                    return run.strip()
        return None

    def joined_compound(self, text: str) -> str | None:
        """The query with its first pair of adjacent content words that a passage writes as one
        word, joined (as written, the first word's linking "s" dropped, or an "s" added:
        "idrotts galan" -> "idrottsgalan"), or None.

        Round 12 (G3 of eval_round11_gate.txt, adopted in eval_round12_phrase.txt part C): a
        compound split in two is two common words to the lexical match, and refused."""
        for first, second in pairwise(LETTERS.finditer(text)):
            a, b = first[0].casefold(), second[0].casefold()
            between = text[first.end():second.start()]
            if not between.isspace() or is_stopword(a) or is_stopword(b):
                continue  # only two words side by side ("idrott 2025 galan", "idrott. galan")
            if first.start() and not text[first.start() - 1].isspace():
                continue  # the "s" of "FN:s" or "municipality's" is no word (round 17)
            forms = (a + b, *((a[:-1] + b,) if a.endswith("s") else ()), a + "s" + b)
            if word := next((f for f in forms if f in self.rows_of), None):
                return text[:first.start()] + word + text[second.end():]
        return None
