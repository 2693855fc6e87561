"""BM25 retrieval over passage texts with the Swedish analyzer, stored with bm25s."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from numbers import Integral
from pathlib import Path
from typing import Any

import bm25s
import numpy as np

from search.analysis import Group, SwedishAnalyzer
from search.bounded_cache import BoundedCache
from search.file_swap import write_text_swapped
from search.textnorm import is_stopword, variants, words
from search.thesaurus import CACHE_LIMIT, Alternative, Expander

FORMAT = "bokslut-bm25/1"
MAX_QUERY_CHARS = 2000
# A thesaurus key's report terms (search.thesaurus) score at this share of the query's own
# words (0: no expansion; read at each search). Chosen in round 10 leave-one-part-out on the
# pool; docs/search.md and benchmarks/results/eval_round10_thesaurus.txt have the figures.
EXPANSION_WEIGHT = 0.5


@dataclass(frozen=True)
class Plan:
    """What a query searches for: its own groups and the thesaurus's additions."""

    groups: tuple[Group, ...]  # the query's own words' groups
    expanded: tuple[Group, ...]  # the same, less typo guesses for words a key stands for
    extra: tuple[tuple[Alternative, ...], ...]  # per place a key matched, its alternatives


# A query word's alternatives (stem and lemma stem, folded or typo-corrected matches) count
# once, by their best score; compound parts add their own scores. Adding passages rebuilds
# the whole index and refits the analyzer: for one municipality's reports (a few thousand
# passages) that takes about a second and keeps the vocabulary consistent.
class BM25Index:
    """BM25 (Lucene variant) over a list of passage texts; hits are (passage index, score)."""

    def __init__(
        self,
        texts: Sequence[str],
        analyzer: SwedishAnalyzer,
        retriever: bm25s.BM25 | None,
        params: dict[str, float],
    ) -> None:
        """Wrap built parts; use `build` or `load` instead."""
        self._texts = list(texts)
        self.analyzer = analyzer
        self._retriever = retriever
        self.params = dict(params)
        # query text -> its plan (a pure function of it)
        self._plans: BoundedCache[str, Plan] = BoundedCache(CACHE_LIMIT)

    @classmethod
    def build(
        cls,
        texts: Sequence[str],
        analyzer: SwedishAnalyzer | None = None,
        *,
        k1: float = 1.5,
        b: float = 0.75,
    ) -> BM25Index:
        """Index `texts`; without an analyzer, fit one on the same texts (the usual case)."""
        texts = list(texts)
        if analyzer is None:
            analyzer, docs = SwedishAnalyzer.fit(texts)
        else:
            docs = [analyzer.analyze_document(_text(t, i)) for i, t in enumerate(texts)]
            unknown = {term for doc in docs for term in doc} - analyzer.vocabulary
            if unknown:
                raise ValueError(
                    f"the analyzer was fitted on other texts ({len(unknown)} terms unseen, "
                    f"e.g. {sorted(unknown)[0]!r}); use SwedishAnalyzer.from_texts(texts)"
                )
        return cls(texts, analyzer, _bm25(docs, k1, b), {"k1": k1, "b": b})

    def __len__(self) -> int:
        """Number of indexed passages."""
        return len(self._texts)

    @property
    def texts(self) -> tuple[str, ...]:
        """The indexed passage texts, in index order."""
        return tuple(self._texts)

    def search(self, query: str, k: int = 10) -> list[tuple[int, float]]:
        """Top `k` passages for `query` as (index, score), best first; [] when nothing matches.
        A thesaurus key the query holds adds its report terms at EXPANSION_WEIGHT."""
        self._check(query, k)
        plan, weight = self.plan(query), EXPANSION_WEIGHT
        extra = plan.extra if weight > 0 else ()
        groups = plan.expanded if extra else plan.groups
        if not (groups or extra) or self._retriever is None:
            return []
        scores = self._scores(groups)
        for alternatives in extra:  # a place counts once, by its best report term
            scores += weight * np.max([self._scores(a) for a in alternatives], axis=0)
        hits = np.flatnonzero(scores > 0)
        order = hits[np.lexsort((hits, -scores[hits]))][:k]
        return [(int(i), float(scores[i])) for i in order]

    def plan(self, query: str) -> Plan:
        """The query's groups and thesaurus additions (remembered per text; no argument checks)."""
        return self._plans.get(query, self._plan)

    def _plan(self, query: str) -> Plan:
        """plan() without the cache. A word a thesaurus key stands for that the corpus lacks
        is not also typo-corrected: "snut" means polis, not the nearest spelling "snus"."""
        groups = self.analyzer.query_groups(query)
        found = self.expander.expansions(query, groups)
        keyed = frozenset().union(*(expansion.terms for expansion, _ in found))
        guessed, kept = set(), set()
        for word in words(query):
            if is_stopword(word.text):
                continue
            own = self.analyzer.word_groups(word.text)
            repair = self.analyzer.repair(word.text)
            typo = repair is not None and repair[1] == "typo"
            (guessed if typo and keyed.intersection(variants(word.text)) else kept).update(own)
        expanded = tuple(g for g in groups if g in kept or g not in guessed)
        return Plan(tuple(groups), expanded, tuple(alternatives for _, alternatives in found))

    def _scores(self, groups: Sequence[Group] | Alternative) -> np.ndarray:
        """Every passage's BM25 score: per group its best term's, summed over the groups."""
        assert self._retriever is not None
        vocab = self._retriever.vocab_dict
        scores = np.zeros(len(self._texts), dtype=np.float64)
        for group in groups:
            ids = [vocab[term] for term in group if term in vocab]
            if ids:
                scores += np.max([self._term_scores(i) for i in ids], axis=0)
        return scores

    def _term_scores(self, term_id: int) -> np.ndarray:
        """One term's BM25 score in every passage (0 where it is absent)."""
        assert self._retriever is not None
        rows, values = self._column(term_id)
        out = np.zeros(len(self._texts), dtype=self._retriever.dtype)
        out[rows] = values
        return out

    def _column(self, term_id: int) -> tuple[np.ndarray, np.ndarray]:
        """The passages holding one term and its scores there, read from bm25s's score matrix
        (a private layout: about twice as fast as get_scores_from_ids, which is the fallback
        should a bm25s version lay it out otherwise)."""
        assert self._retriever is not None
        try:
            matrix = self._retriever.scores
            start, end = matrix["indptr"][term_id], matrix["indptr"][term_id + 1]
            return matrix["indices"][start:end], matrix["data"][start:end]
        except (KeyError, TypeError, IndexError):
            scores = np.asarray(self._retriever.get_scores_from_ids([term_id]))
            rows = np.flatnonzero(scores)
            return rows, scores[rows]

    @property
    def expander(self) -> Expander:
        """The bundled thesaurus over this index's analyzer (search.thesaurus)."""
        return self.analyzer.expander

    def expanded(self, query: str) -> bool:
        """Whether a search of `query` adds thesaurus terms (search.thesaurus)."""
        return EXPANSION_WEIGHT > 0 and bool(self.plan(query).extra)

    def highlight_terms(self, query: str) -> frozenset[str]:
        """The terms a search of `query` matches by, for snippets: its own words' (less a typo
        guess the thesaurus replaced) and, when expanded, the report terms it added."""
        plan = self.plan(query)
        if not self.expanded(query):
            return frozenset(t for group in plan.groups for t in group)
        added = (g for alternatives in plan.extra for alt in alternatives for g in alt)
        return frozenset(t for group in (*plan.expanded, *added) for t in group)

    def has_term(self, row: int, term: str) -> bool:
        """Whether passage `row` contains the analysed term (read from the BM25 matrix)."""
        if self._retriever is None or term not in self._retriever.vocab_dict:
            return False
        rows, _ = self._column(self._retriever.vocab_dict[term])
        return bool((rows == row).any())

    def _check(self, query: str, k: int) -> None:
        """Refuse arguments search() cannot take (the analysis is plan()'s, remembered)."""
        if not isinstance(query, str):
            raise TypeError(f"query must be str, not {type(query).__name__}")
        if isinstance(k, bool) or not isinstance(k, Integral) or k < 1:
            raise ValueError(f"k must be a positive integer, not {k!r}")
        if len(query) > MAX_QUERY_CHARS:
            raise ValueError(f"query is {len(query)} characters; the limit is {MAX_QUERY_CHARS}")

    def add(self, texts: Sequence[str]) -> range:
        """Append passages (full rebuild and analyzer refit); returns their new indices."""
        start = len(self._texts)
        combined = [*self._texts, *texts]
        analyzer, docs = SwedishAnalyzer.fit(combined, self.analyzer.config)
        self._retriever = _bm25(docs, self.params["k1"], self.params["b"])
        self.analyzer, self._texts = analyzer, combined
        self._plans = BoundedCache(CACHE_LIMIT)  # planned against the old vocabulary
        return range(start, len(combined))

    def save(self, directory: str | os.PathLike[str]) -> None:
        """Write the index to `directory`; manifest.json is written last and marks completion."""
        path = Path(directory)
        path.mkdir(parents=True, exist_ok=True)
        manifest = path / "manifest.json"
        manifest.unlink(missing_ok=True)
        if self._retriever is not None:
            self._retriever.save(str(path / "bm25s"), show_progress=False)
        _write_json(path / "analyzer.json", self.analyzer.to_dict())
        _write_json(path / "texts.json", self._texts)
        _write_json(manifest, self._manifest())

    def _manifest(self) -> dict[str, Any]:
        """What was saved: format, size, parameters and a hash of the passage texts."""
        return {
            "format": FORMAT,
            "n_docs": len(self._texts),
            "corpus_sha256": corpus_hash(self._texts),
            "params": self.params,
            "bm25s_version": bm25s.__version__,
        }

    @classmethod
    def load(cls, directory: str | os.PathLike[str]) -> BM25Index:
        """Read an index written by `save` (no re-analysis of the passages)."""
        path = Path(directory)
        try:
            manifest = _read_json(path / "manifest.json")
        except FileNotFoundError:
            raise ValueError(f"{path}: no complete BM25 index (manifest.json missing)") from None
        if manifest.get("format") != FORMAT:
            raise ValueError(f"{path}: unsupported index format {manifest.get('format')!r}")
        analyzer = SwedishAnalyzer.from_dict(_read_json(path / "analyzer.json"))
        texts = _read_json(path / "texts.json")
        if len(texts) != manifest["n_docs"] or corpus_hash(texts) != manifest["corpus_sha256"]:
            raise ValueError(f"{path}: texts.json does not match manifest.json")
        retriever = None
        if texts:
            retriever = bm25s.BM25.load(str(path / "bm25s"), show_progress=False)
        return cls(texts, analyzer, retriever, manifest["params"])


def _bm25(docs: list[list[str]], k1: float, b: float) -> bm25s.BM25 | None:
    """A bm25s index over analysed passages (None for an empty corpus, which bm25s rejects)."""
    if not docs:
        return None
    retriever = bm25s.BM25(k1=k1, b=b, method="lucene")
    retriever.index(docs, show_progress=False)
    return retriever


def corpus_hash(texts: Sequence[str]) -> str:
    """SHA-256 of the passage texts in order (to check an index against its passages)."""
    digest = hashlib.sha256()
    for text in texts:
        data = text.encode("utf-8", "surrogatepass")
        digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()


def _text(text: object, i: int) -> str:
    """Reject non-string passages with a message naming the position."""
    if not isinstance(text, str):
        raise TypeError(f"texts[{i}] is {type(text).__name__}, expected str")
    return text


def _write_json(path: Path, data: object) -> None:
    """Write JSON as UTF-8 beside and renamed in, so a crash never leaves half a file."""
    write_text_swapped(path, json.dumps(data, ensure_ascii=False))


def _read_json(path: Path) -> Any:
    """Parse one UTF-8 JSON file of a saved index."""
    return json.loads(path.read_text("utf-8"))
