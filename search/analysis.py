"""The Swedish analyzer: passage and query text to BM25 terms, fitted to one corpus."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from search.bounded_cache import BoundedCache
from search.compounds import CompoundSplitter
from search.fuzzy import DeletionIndex
from search.textnorm import (
    fold,
    forget_words,
    is_stopword,
    is_swedish_word,
    lemma_table,
    stem,
    variants,
    words,
)

if TYPE_CHECKING:
    from search.thesaurus import Expander

FORMAT = "bokslut-swedish-analyzer/1"
Group = tuple[str, ...]
# (term, "accent"|"typo"|"partial") of a word that matched only once repaired; "partial":
# split around a piece the corpus lacks, which repair() does not report (no word to write back)
Repair = tuple[str, str]
RESOLVED_CACHE = 50_000  # query words whose resolution is remembered
# Endings that page-broken words ("anlägg-/ningar") or stems would otherwise make "known" parts.
NOT_PARTS = frozenset(
    {
        *("ade", "ades", "ande", "andes", "andet", "anden", "are", "aren", "arens", "arna", "arne"),
        *("ast", "aste", "else", "ende", "erna", "ern", "erns", "het", "heten", "hetens", "heter"),
        *("heterna", "isk", "itet", "lig", "ning", "ningar", "orna"),
    }
)


@dataclass(frozen=True)
class AnalyzerConfig:
    """Tunable knobs of the analyzer; saved with an index so loading rebuilds the same one."""

    min_compound_len: int = 7  # stems this long are tried as compounds
    min_part_len: int = 3  # shortest compound part ("väg")
    min_part_df: int = 2  # passages a part must occur in (one more for three-letter parts)
    linking_letters: str = "sea"  # "cykelväg-s-utbyggnad", "familj-e-central"
    max_split_df_ratio: float = 0.1  # compounds in more passages than this stay whole
    typo_min_len: int = 4  # shorter query words are never corrected
    typo_long_len: int = 8  # from this length two edits are allowed, else one


# Build it with `from_texts` so compound splitting and typo correction know the corpus
# vocabulary. Queries are analysed into groups: the alternatives for one query word (stem
# and lemma stem, accent-folded or typo-corrected matches) are scored by their best member;
# compound parts form groups of their own.
class SwedishAnalyzer:
    """Lowercase, tokenize, drop stopwords, lemmatize + stem, split compounds, fix query typos."""

    def __init__(
        self,
        config: AnalyzerConfig | None = None,
        *,
        df: dict[str, int] | None = None,
        forms: dict[str, str] | None = None,
        vocabulary: Iterable[str] = (),
        n_docs: int = 0,
    ) -> None:
        """Assemble from fitted statistics; use `from_texts` or `from_dict` instead."""
        self.config = config or AnalyzerConfig()
        self.df = df or {}
        self.forms = forms or {}
        self.n_docs = n_docs
        self._vocab = frozenset(vocabulary)
        max_df = max(2, int(self.config.max_split_df_ratio * n_docs))
        self.splitter = CompoundSplitter(
            self.forms,
            self.df,
            min_compound_len=self.config.min_compound_len,
            min_part_len=self.config.min_part_len,
            linking_letters=self.config.linking_letters,
            max_df=max_df,
            min_part_df=self.config.min_part_df,
        )
        self._folded: dict[str, Group] | None = None
        self._typos: DeletionIndex | None = None
        # the passages' word forms as written (forms' keys), for a typo the stemmer hides
        self._surface: tuple[DeletionIndex, dict[str, int]] | None = None
        # a query word's resolution (typo repair is the costly part) is asked for by the
        # query signals and by BM25 alike, and common words recur across queries; its groups
        # and its repair share one entry, so a thread never sees one without the other. Keyed
        # on the word, not its stems: two words with one stem may repair differently as typed
        self._resolved: BoundedCache[str, tuple[list[Group], Repair | None]] = \
            BoundedCache(RESOLVED_CACHE)
        # snippets ask for every word shown
        self._word_terms: BoundedCache[str, frozenset[str]] = BoundedCache(RESOLVED_CACHE)
        self._expander: Expander | None = None
        self._expander_lock = threading.Lock()

    @classmethod
    def from_texts(
        cls, texts: Sequence[str], config: AnalyzerConfig | None = None
    ) -> SwedishAnalyzer:
        """Fit word statistics and the vocabulary on the passages that will be indexed."""
        return cls.fit(texts, config)[0]

    @classmethod
    def fit(
        cls, texts: Sequence[str], config: AnalyzerConfig | None = None
    ) -> tuple[SwedishAnalyzer, list[list[str]]]:
        """Fit on `texts` and also return their analysed terms, so indexing need not redo it."""
        df: Counter[str] = Counter()
        surface: dict[str, Group] = {}
        for i, text in enumerate(texts):
            if not isinstance(text, str):
                raise TypeError(f"texts[{i}] is {type(text).__name__}, expected str")
            seen: set[str] = set()
            for word in words(text):
                if not is_stopword(word.text):
                    surface[word.text] = variants(word.text)
                    seen.update(surface[word.text])
            df.update(seen)
        analyzer = cls(config, df=dict(df), forms=_known_forms(surface), n_docs=len(texts))
        docs = [analyzer.analyze_document(text) for text in texts]
        analyzer._vocab = frozenset(term for doc in docs for term in doc)
        return analyzer, docs

    @property
    def vocabulary(self) -> frozenset[str]:
        """Every term the fitted passages produced (what a query term can match)."""
        return self._vocab

    def analyze_document(self, text: str) -> list[str]:
        """Terms of one passage: word variants, compound parts and "gång- och cykelvägar" joins."""
        out: list[str] = []
        pending: list[str] = []
        for word in words(text):
            if is_stopword(word.text):
                continue
            terms = variants(word.text)
            out.extend(terms)
            out.extend(self._parts(terms[0]))
            if word.suspended:
                pending.append(word.text)
            elif pending:
                out.extend(self._joined(pending, terms[0]))
                pending = []
        return out

    def word_groups(self, word: str) -> list[Group]:
        """query_groups() of one already tokenized word (no second tokenization)."""
        return [] if is_stopword(word) else self._resolve_cached(word)[0]

    def word_terms(self, word: str) -> frozenset[str]:
        """The terms one word of a passage yields, remembered (snippets mark words by them)."""
        return self._word_terms.get(word.lower(), lambda _: frozenset(self.analyze_document(word)))

    def analyze_query(self, text: str) -> list[str]:
        """Query terms, typo-corrected and accent-folded against the vocabulary (deduplicated)."""
        return list(dict.fromkeys(term for group in self.query_groups(text) for term in group))

    def query_groups(self, text: str) -> list[Group]:
        """Query terms grouped per source word or compound part; unknown words yield nothing."""
        groups: list[Group] = []
        pending: list[str] = []
        for word in words(text):
            if is_stopword(word.text):
                continue
            groups.extend(self._resolve_cached(word.text)[0])
            if word.suspended:
                pending.append(word.text)
            elif pending:
                joined = self._joined(pending, variants(word.text)[0])
                groups.extend((term,) for term in joined if term in self._vocab)
                pending = []
        return list(dict.fromkeys(groups))

    def repair(self, word: str) -> tuple[str, str] | None:
        """(term, how) when a query word matched only once repaired: how is "accent" (å/ä/ö
        restored) or "typo" (edit distance); None when it matched as written, was split as a
        compound, or matched nothing."""
        if is_stopword(word):
            return None
        found = self._resolve_cached(word)[1]
        return None if found is None or found[1] == "partial" else found

    def partly_known(self, word: str) -> bool:
        """The word matched only as a compound one of whose pieces the corpus lacks
        ("valdistriktsskillnader" -> "rikt" + "skillnad"): a near miss, not a match."""
        if is_stopword(word):
            return False
        found = self._resolve_cached(word)[1]
        return found is not None and found[1] == "partial"

    def known_parts(self, word: str) -> list[Group]:
        """A word the vocabulary lacks split into known compound parts, without a typo repair
        (so no typo table is built); [] when it is known, matches with å/ä/ö restored, or
        does not split into known parts."""
        terms = variants(word)
        if is_stopword(word) or any(t in self._vocab for t in terms) or self._fold_match(terms):
            return []
        if not self.splitter.eligible(terms[0]):
            return []
        return [(p,) for p in self.splitter.parts(terms[0])]

    def forget_queries(self) -> None:
        """Drop everything earlier texts left in the caches, this analyzer's and the word
        functions' (benchmarks time a first analysis; only the loaded pipeline stays)."""
        self._resolved.clear()
        self.splitter.forget()
        forget_words()

    def _resolve_cached(self, word: str) -> tuple[list[Group], Repair | None]:
        """_resolve, remembered (the cache is dropped whole when it grows past a bound)."""
        return self._resolved.get(word, self._resolve)

    def _resolve(self, word: str) -> tuple[list[Group], Repair | None]:
        """Map one query word onto the vocabulary, trying cheaper repairs first: the groups,
        and how the word was repaired (None: as written, or a known compound)."""
        terms = variants(word)
        base, repair = tuple(t for t in terms if t in self._vocab), None
        if not base and (base := self._fold_match(terms)):
            repair = (base[0], "accent")
        if not base and (base := self._typo(terms[0], 1) or self._surface_typo(word)):
            repair = (base[0], "typo")
        if base:
            return [base, *((p,) for p in self._parts(base[0]))], repair
        if self.splitter.eligible(terms[0]):
            parts = self.splitter.parts(terms[0])
            if parts:
                return [(p,) for p in parts], None
        fixed = self._typo(terms[0], 2)
        if fixed:
            return [fixed, *((p,) for p in self._parts(fixed[0]))], (fixed[0], "typo")
        parts = tuple(p for p in self.splitter.parts(terms[0], allow_unknown=True)
                      if p in self._vocab)
        return [(p,) for p in parts], (parts[0], "partial") if parts else None

    def _parts(self, term: str) -> tuple[str, ...]:
        """Compound parts of a term that is long and not itself frequent."""
        return self.splitter.parts(term) if self.splitter.eligible(term) else ()

    def _joined(self, prefixes: list[str], term: str) -> list[str]:
        """Stems of the elided compounds: "gång" + head "väg" of "cykelvägar" -> "gångväg"."""
        head = self.splitter.head(term)
        return [stem(prefix + head) for prefix in prefixes] if head else []

    def _fold_match(self, terms: Group) -> Group:
        """Vocabulary terms equal to a query term once diacritics are removed ("hovsjo")."""
        if self._folded is None:
            folded: dict[str, list[str]] = {}
            for term in sorted(self._vocab):
                folded.setdefault(fold(term), []).append(term)
            self._folded = {key: tuple(group) for key, group in folded.items()}
        found = (t for term in terms for t in self._folded.get(fold(term), ()))
        return tuple(dict.fromkeys(found))

    def prepare(self) -> None:
        """Build the lazy lookup tables now (seconds), so no user's first query waits for them."""
        self._fold_match(("",))
        self._typo("x" * self.config.typo_min_len, 1)
        self._surface_typo("x" * self.config.typo_min_len)
        _ = self.expander

    @property
    def expander(self) -> Expander:
        """The bundled thesaurus over this corpus (search.thesaurus), built on first use."""
        if self._expander is None:
            with self._expander_lock:  # built once, though two first queries race for it
                if self._expander is None:
                    # imported here: the thesaurus analyses its entries with this class
                    from search.thesaurus import Expander, load

                    self._expander = Expander(self, load())
        return self._expander

    def _typo(self, term: str, limit: int) -> Group:
        """The nearest vocabulary term within `limit` edits (built on first use), or ()."""
        if len(term) < self.config.typo_min_len:
            return ()
        if self._typos is None:
            self._typos = DeletionIndex(self._vocab, long_len=self.config.typo_long_len)
        found = self._typos.nearest(term, self.df, limit)
        return (found,) if found else ()

    def _surface_typo(self, word: str) -> Group:
        """The term of the passage word form one edit from the word as typed ("penagr" ->
        "pengar" -> "peng"), for a slip that changes what the stemmer strips. Only for a word
        Swedish does not know as written (a real word one edit from a report form, "orter" /
        "arter", is what it says) and only at one edit (an adjacent swap is one)."""
        word = word.lower()
        if len(word) < self.config.typo_min_len or is_swedish_word(word):
            return ()
        if self._surface is None:
            index = DeletionIndex(self.forms, long_len=self.config.typo_long_len)
            self._surface = index, {form: self.df.get(t, 0) for form, t in self.forms.items()}
        index, weights = self._surface
        found = index.nearest(word, weights, 1)
        return (self.forms[found],) if found and self.forms[found] in self._vocab else ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready state: config and fitted statistics (no passage text)."""
        return {
            "format": FORMAT,
            "config": asdict(self.config),
            "n_docs": self.n_docs,
            "df": self.df,
            "forms": self.forms,
            "vocabulary": sorted(self._vocab),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SwedishAnalyzer:
        """Rebuild an analyzer saved with `to_dict`."""
        if data.get("format") != FORMAT:
            raise ValueError(f"not a {FORMAT} analyzer state (format={data.get('format')!r})")
        try:
            return cls(
                AnalyzerConfig(**data["config"]),
                df=dict(data["df"]),
                forms=dict(data["forms"]),
                vocabulary=data["vocabulary"],
                n_docs=int(data["n_docs"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"corrupt analyzer state: {exc}") from exc


def _known_forms(surface: dict[str, Group]) -> dict[str, str]:
    """Strings a compound part may be spelled as (word, lemma, stem) -> the term it stands for."""
    table = lemma_table()
    forms: dict[str, str] = {}
    for word in sorted(surface):
        terms = surface[word]
        if word.isdigit():
            continue
        forms.setdefault(word, terms[0])
        lemma = table.get(word)
        if lemma and lemma.isalpha() and not is_stopword(lemma):
            forms.setdefault(lemma, terms[-1])
    for word in sorted(surface):
        for term in surface[word]:
            forms[term] = term
    return {
        form: term
        for form, term in forms.items()
        if len(form) >= 3 and not form.isdigit() and form not in NOT_PARTS and not is_stopword(form)
    }
