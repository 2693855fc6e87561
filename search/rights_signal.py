"""Rights questions through the graph: recognise a named right, bring its answer forward.

At ingest the pipeline hands search, per rights article, its wordings, definition, its
instrument's names and the passages that answer it (the målområde's rights list, and the
passages of the actions ranked for it, with rank and class: graf/harlett's ranking before the
judged search questions' vouchers, web/pipeline/inferred.py); it is saved with the
index as rights.json. At query time a query names an article when

* it says which one: an instrument and a number ("Barnkonventionen artikel 12", "CRC 12",
  "jämställdhetspolitiken mål 3"), or
* it carries every content word of one of the article's wordings ("jämställd hälsa",
  "skydd mot narkotika för barn"), or
* it talks about a right ("rätt", "rättighet", "konvention", an instrument's name …) and
  covers at least half of a wording's IDF mass ("barns rätt till lek och vila"), or
* it talks about a right and holds a word that, among the articles of the instruments it
  names ("barns" names the CRC, "funktionsnedsättning" the CRPD; every article when it names
  none), only that article's wordings or definition hold ("barns rätt till lek" -> CRC 31),
  and another word than an instrument's name or alias word is in one of its wordings ("barn"
  is in 14 CRC wordings: "barn och ungas rätt till inflytande" names nothing by "unga"; the
  naming itself is search/rights_naming.py's).

Each named article gets a confidence (1 for an explicit reference, else its wording's
coverage, scaled down when another article matches more of the query; none, so not named,
when only its definition holds the query's words), and each answer passage a weight from its
role: the rights list and the best-ranked actions count most. The hybrid search adds
RIGHTS_WEIGHT x that score to its fused score: a signal beside BM25 and dense, never a
replacement (a query naming no right is untouched).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from search.format_json import read_format_json, write_format_json
from search.rights_naming import ALIAS_WORDS, DistinctiveNaming, alias_instruments
from search.textnorm import fold, is_stopword, variants, words

FORMAT = "bokslut-search-rights/1"
FILE = "rights.json"
MIN_COVERAGE = 0.5  # with a rights word, this share of a wording's IDF mass names the article
# Words that say "this is about a right" (folded stems); they name no particular article.
CUE_WORDS = ("rätt", "rätten", "rättighet", "rättigheter", "rättigheterna", "artikel",
             "artiklar", "konvention", "konventionen", "mänskliga", "right", "rights",
             "article", "convention", "human")
NUMBERED = re.compile(r"\b(?:artikel|artiklarna|art|article|mål|delmål|goal)\.?\s*(\d{1,3})\b"
                      r"|\b(crc|udhr|crpd|jam)\s*(\d{1,3})\b", re.IGNORECASE)
# A question for rights names none ("Which human rights does the work against violence
# contribute to?"): its rights word is no cue, or "work" would name the right to work.
ASKS_WHICH = re.compile(r"\b(?:vilka|vilken|vilket|which|what)\s+(?:(?:mänskliga|human)\s+)?"
                        r"(?:rätt\w*|rights?|artikl\w*|articles?|konventione?r?)\b",
                        re.IGNORECASE)
# How much an answer passage counts, by its role (fixed by reasoning, not fitted): the list
# that states the article and the evidence passage of a supporting action fully, the action's
# other passages a little less; actions the text does not support (via målområdet) little.
ROLE_WEIGHT = {"lista": 1.0, "SupportDirect": 1.0, "SupportContributes": 1.0,
               "SupportInferred": 1.0, "SupportViaGoalArea": 0.25}
OTHER_PASSAGE = 0.7  # an action's passage that is not its evidence passage
# Words of an instrument's name a query may leave out: "FN:s" before a convention's name
# ("konventionen om barnets rättigheter artikel 31" names the CRC as well as the full name does)
OPTIONAL_NAME_WORDS = frozenset({"fn"})
# the vocabulary has English labels too ("Respect for the views of the child")
ENGLISH_STOPWORDS = frozenset({"a", "an", "and", "by", "for", "from", "in", "is", "of", "on",
                               "or", "the", "their", "to", "with", "what", "which", "how",
                               "people", "peoples"})


def word_groups(text: str, stopwords: bool = False) -> list[frozenset[str]]:
    """Per content word, its accent-folded stems (stopwords dropped unless asked for)."""
    return [group for group, stop in _groups(text) if stopwords or not stop]


def _groups(text: str) -> list[tuple[frozenset[str], bool]]:
    """Every word's terms, and whether it is a stopword (one tokenization for both uses)."""
    return [(_word_terms(w.text), is_stopword(w.text) or w.text in ENGLISH_STOPWORDS)
            for w in words(text)]


@lru_cache(maxsize=65536)
def _word_terms(word: str) -> frozenset[str]:
    """One word's stems, with and without å/ä/ö, accent-folded."""
    return frozenset({fold(t) for t in variants(word)} | set(variants(fold(word))))


def terms(text: str, stopwords: bool = False) -> frozenset[str]:
    """Every term of every content word (stems with and without å/ä/ö, lemma stems)."""
    return frozenset().union(*word_groups(text, stopwords))


@cache
def cues() -> frozenset[str]:
    """The cue words' terms (built on first use: stemming loads the lemma table)."""
    return frozenset(t for w in CUE_WORDS for t in terms(w, stopwords=True))  # "rätt" is one


@dataclass(frozen=True)
class Article:
    """One article as search sees it."""

    iri: str
    instrument: str
    number: int
    wordings: tuple[tuple[frozenset[str], ...], ...]  # per label its words' terms, no cues
    passages: tuple[tuple[str, float], ...]  # (passage id, role weight)
    text: frozenset[str] = frozenset()  # every term of its wordings and definition, no cues


def passage_weight(rank: int, role: str, evidence: bool) -> float:
    """An answer passage's weight: its role, halved by rank 3, a third by rank 8."""
    weight = ROLE_WEIGHT.get(role, 0.0) * (1.0 if evidence else OTHER_PASSAGE)
    return weight if role == "lista" else weight / math.sqrt(max(rank, 1))


class RightsSignal:
    """Names of rights in a query -> scores for the passages that answer them."""

    def __init__(self, data: dict) -> None:
        """Build from the data rights_for_search() gives at ingest (see the module doc)."""
        self.data = data
        cue_terms = cues()
        self.articles = [
            Article(a["iri"], a["instrument"], a["number"],
                    tuple(w for w in (tuple(g for g in word_groups(label) if not g & cue_terms)
                                      for label in a["labels"]) if w),
                    tuple((pid, passage_weight(rank, role, evidence))
                          for pid, rank, role, evidence in a["passages"]),
                    terms(" ".join([*a["labels"], a.get("definition") or ""])) - cue_terms)
            for a in data.get("articles", [])]
        df: dict[str, int] = {}
        for article in self.articles:
            for t in frozenset().union(*(g for w in article.wordings for g in w)):
                df[t] = df.get(t, 0) + 1
        n = max(len(self.articles), 1)
        self.idf = {t: math.log(1 + (n - d + 0.5) / (d + 0.5)) for t, d in df.items()}
        self.rare = math.log(1 + (n - 0.5) / 1.5)  # the IDF of a term in one article
        self.by_term: dict[str, list[int]] = {}
        for i, article in enumerate(self.articles):
            for t in frozenset().union(*(g for w in article.wordings for g in w)):
                self.by_term.setdefault(t, []).append(i)

        # an instrument is named when every content word of one of its names is in the query;
        # a name left with only wording words once its cue words go ("Convention on the
        # Rights of the Child" -> "child") needs its cue words too, or every English question
        # about children would name the CRC and then any right it shares a word with
        self.instruments = {iri: [n for name in names for n in self._names(name, cue_terms) if n]
                            for iri, names in data.get("instruments", {}).items()}
        # every term of every instrument name (no word of a name names an article by itself),
        # and the instruments each alias word names
        names = data.get("instruments", {})
        self.name_terms = frozenset().union(*(terms(n) for ns in names.values() for n in ns),
                                            *(terms(w) for w in ALIAS_WORDS))
        self.aliases = alias_instruments(names, _word_terms)
        self.naming = DistinctiveNaming([a.instrument for a in self.articles],
                                        [a.text for a in self.articles], self.aliases,
                                        _word_terms, cue_terms | self.name_terms)
        # each wording's words with their weights, and its total: asked for on every query
        self.weighed = {wording: (tuple((g, self.weight(g)) for g in wording),
                                  sum(self.weight(g) for g in wording))
                        for article in self.articles for wording in article.wordings}

    def _names(self, name: str, cue_terms: frozenset[str]) -> list[tuple[frozenset[str], ...]]:
        """The readings of an instrument name to find in a query: as written, and without its
        optional words ("FN:s") when it has any; both, since the short forms that keep "FN"
        ("FN:s konvention för personer med funktionsnedsättning") name it by "FN" (round 16)."""
        every = tuple(word_groups(name))
        shorter = tuple(g for g in every if not g <= OPTIONAL_NAME_WORDS)
        readings = [every] if shorter == every else [every, shorter]
        # a name of optional words alone ("FN") reads as (): dropped by the caller, since an
        # empty name would be found in every query
        return list(dict.fromkeys(self._name(words, cue_terms) for words in readings))

    def _name(self, every: tuple[frozenset[str], ...],
              cue_terms: frozenset[str]) -> tuple[frozenset[str], ...]:
        """A name's words to find in a query: without cue words when one of the rest is its
        own (not in any article's wording), else all of them."""
        content = tuple(g for g in every if not g & cue_terms)
        return content if any(g.isdisjoint(self.idf) for g in content) else every

    def weight(self, group: frozenset[str]) -> float:
        """A word's IDF: its most common term's ("barnet" is rare, the word "barn" is not)."""
        return min((self.idf[t] for t in group if t in self.idf), default=0.0)

    def match(self, wording: tuple[frozenset[str], ...],
              content: frozenset[str]) -> tuple[float, float, int]:
        """(share of the wording's IDF mass the query has, that mass, words in the wording)."""
        weighed, total = self.weighed[wording]
        found = sum(w for g, w in weighed if not g.isdisjoint(content))
        return (found / total if total else 0.0), found, len(wording)

    def named(self, query: str) -> dict[str, float]:
        """Articles the query names, with a confidence in (0, 1]."""
        every, cue_terms = _groups(query), cues()
        groups = [g for g, stop in every if not stop]
        query_terms = frozenset().union(*groups)
        names = {iri: [n for n in names if all(g & query_terms for g in n)]
                 for iri, names in self.instruments.items()}
        instruments = {iri for iri, found in names.items() if found}
        explicit = self._explicit(query, instruments)
        if explicit:
            return dict.fromkeys(explicit, 1.0)
        cue = self._cue(query) or bool(instruments)
        said = frozenset().union(*(g for found in names.values() for n in found for g in n))
        asking = [g for g in groups if not g & cue_terms and not g & said]
        content = frozenset().union(*asking)
        candidates = {i for t in content for i in self.by_term.get(t, ())}
        # unknown words count as rare: "jämställd hälsa" is all wording, a long question not
        asked = sum(self.weight(g) or self.rare for g in asking)
        scored: dict[int, tuple[float, float]] = {}
        for i in candidates:
            article = self.articles[i]
            if instruments and article.instrument not in instruments:
                continue
            coverage, matched, size = self._best(article, content)
            # without a rights word, the whole wording must be asked for and be most of the
            # query ("jämställd hälsa"), not two common words of a longer one ("barn", "familj")
            whole = coverage >= 1.0 and size >= 2 and matched >= asked / 2
            if whole or (cue and coverage >= MIN_COVERAGE):
                scored[i] = (coverage, matched)
        if cue:
            for i in self.naming.named(groups, instruments | self.naming.aliased(groups)):
                # a word of its definition alone gives no confidence, nor does an instrument's
                # name or alias word ("barn" is in 14 CRC wordings): another query word must be
                # in one of its wordings ("lek" in "barns rätt till lek", not "barn och ungas")
                article = self.articles[i]
                if i not in scored and self._best(article, content - self.name_terms)[1] > 0:
                    scored[i] = self._best(article, content)[:2]
        if not scored:
            return {}
        top = max(matched for _, matched in scored.values())
        return {self.articles[i].iri: coverage * matched / top
                for i, (coverage, matched) in scored.items()}

    def _best(self, article: Article, content: frozenset[str]) -> tuple[float, float, int]:
        """The match of the article's wording that the query's content words cover best."""
        return max((self.match(w, content) for w in article.wordings), default=(0.0, 0.0, 0))

    @staticmethod
    def _cue(query: str) -> bool:
        """The query has a word saying it is about a right, outside a question for rights."""
        cue_terms = cues()
        return any(g & cue_terms for g, _ in _groups(ASKS_WHICH.sub(" ", query)))

    def said(self, query: str) -> bool:
        """The query says it asks about a right: a rights word, an instrument or an article
        number. A right named only by its wording ("barnets bästa" in "bästa vinterjackan
        för barn") is no reason to skip the domain gate."""
        if self._cue(query):
            return True
        query_terms = terms(query)
        return any(all(g & query_terms for g in n)
                   for names in self.instruments.values() for n in names)

    def _explicit(self, query: str, instruments: set[str]) -> list[str]:
        """Articles referred to by instrument and number ("CRC 12", "artikel 12 i …")."""
        numbers = set()
        for m in NUMBERED.finditer(query):
            if m.group(1):
                numbers.add(int(m.group(1)))
            else:
                code = tuple(word_groups(m.group(2)))
                instruments = instruments | {iri for iri, names in self.instruments.items()
                                             if code in names}
                numbers.add(int(m.group(3)))
        if not numbers or not instruments:
            return []
        return [a.iri for a in self.articles
                if a.number in numbers and a.instrument in instruments]

    def scores(self, query: str) -> dict[str, float]:
        """Passage id -> signal in (0, 1]: the best (article confidence x passage weight)."""
        named = self.named(query)
        out: dict[str, float] = {}
        for article in self.articles if named else ():
            confidence = named.get(article.iri)
            if confidence:
                for pid, weight in article.passages:
                    out[pid] = max(out.get(pid, 0.0), confidence * weight)
        return out

    def save(self, directory: Path) -> None:
        """Write rights.json into an index directory (atomically: a temporary file renamed)."""
        write_format_json(Path(directory) / FILE, FORMAT, self.data)

    @classmethod
    def load(cls, directory: Path) -> RightsSignal | None:
        """The saved signal of an index directory, or None (none saved, or another format)."""
        data = read_format_json(Path(directory) / FILE, FORMAT)
        return cls(data) if data is not None else None
