"""Hybrid search: over-fetch from BM25 and dense, fuse by reciprocal rank, filter, snippet."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

import numpy as np

from search.embedder import Embedder
from search.index_store import SearchIndex
from search.snippets import snippet

MODES = ("hybrid", "dense", "bm25")
MAX_QUERY_CHARS = 2000


@dataclass(frozen=True)
class Filters:
    """Restrict hits by report metadata; None means any."""

    year: int | None = None
    municipality: str | None = None
    goal_area: int | None = None
    goal: str | None = None
    kind: str | None = None

    def accepts(self, p: dict) -> bool:
        """True when the passage matches every filter that is set."""
        return all(want is None or p.get(key) == want for key, want in (
            ("year", self.year), ("municipality", self.municipality),
            ("goal_area", self.goal_area), ("goal", self.goal), ("kind", self.kind)))


@dataclass
class Hit:
    """One search result."""

    rank: int
    score: float
    passage: dict
    snippet: str
    sources: dict[str, int] = field(default_factory=dict)  # method -> rank there
    same_text: list[str] = field(default_factory=list)  # ids of identical passages folded in


def clean_query(query: str) -> str:
    """NFC, control characters removed, whitespace collapsed; too long -> ValueError."""
    text = unicodedata.normalize("NFC", query)
    text = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text)
    text = " ".join(text.split())
    if len(text) > MAX_QUERY_CHARS:
        raise ValueError(f"the query is {len(text)} characters; at most {MAX_QUERY_CHARS}")
    return text


class HybridSearcher:
    """Searches one SearchIndex with one embedder."""

    def __init__(self, index: SearchIndex, embedder: Embedder, *, weights: tuple[float, float]
                 = (1.0, 1.0), rrf_k: int = 60, overfetch: int = 5) -> None:
        self.index, self.embedder = index, embedder
        self.weights, self.rrf_k, self.overfetch = weights, rrf_k, overfetch
        self.by_id = {p["id"]: i for i, p in enumerate(index.passages)}

    def ranked(self, query: str, vector: np.ndarray | None,
               fetch: int) -> dict[str, list[tuple[int, float]]]:
        """Candidate rows per method (BM25 unless vector-only, dense when a vector is given)."""
        out: dict[str, list[tuple[int, float]]] = {}
        if query:
            out["bm25"] = self.index.bm25.search(query, fetch)
        if vector is not None:
            out["dense"] = self.index.dense.search(vector, fetch)
        return out

    def fuse(self, lists: dict[str, list[tuple[int, float]]]) -> list[tuple[int, float, dict]]:
        """Reciprocal-rank fusion; a single list keeps its own scores."""
        if len(lists) == 1:
            (name, rows), = lists.items()
            return [(row, score, {name: r}) for r, (row, score) in enumerate(rows, start=1)]
        scores: dict[int, float] = {}
        ranks: dict[int, dict[str, int]] = {}
        for weight, (name, rows) in zip(self.weights, sorted(lists.items()), strict=False):
            for r, (row, _) in enumerate(rows, start=1):
                scores[row] = scores.get(row, 0.0) + weight / (self.rrf_k + r)
                ranks.setdefault(row, {})[name] = r
        order = sorted(scores, key=lambda row: -scores[row])
        return [(row, scores[row], ranks[row]) for row in order]

    def search(self, query: str, k: int = 10, mode: str = "hybrid",
               filters: Filters | None = None) -> list[Hit]:
        """The k best passages for a query, filtered, identical texts folded together."""
        if mode not in MODES:
            raise ValueError(f"unknown search mode {mode!r}; expected one of {', '.join(MODES)}")
        text = clean_query(query)
        if not text or not any(ch.isalnum() for ch in text) or k <= 0:
            return []
        filters = filters or Filters()
        total = len(self.index.passages)
        fetch = min(total, max(k * self.overfetch, 50))
        vector = self.embedder.embed_queries([text])[0] if mode != "bm25" else None
        lexical = text if mode != "dense" else ""
        while True:
            fused = self.fuse(self.ranked(lexical, vector, fetch))
            hits = self.collect(text, fused, k, filters)
            if len(hits) >= k or fetch >= total:
                return hits
            fetch = min(total, fetch * 4)

    def collect(self, query: str, fused: list[tuple[int, float, dict]], k: int,
                filters: Filters) -> list[Hit]:
        """Filter, fold identical texts, and build snippets for the top k."""
        hits: list[Hit] = []
        by_text: dict[str, Hit] = {}
        terms = set(self.index.bm25.analyzer.analyze_query(query))
        analyze = self.index.bm25.analyzer.analyze_document
        for row, score, sources in fused:
            passage = self.index.passages[row]
            if not filters.accepts(passage):
                continue
            if (first := by_text.get(passage["text"])) is not None:
                first.same_text.append(passage["id"])
                continue
            if len(hits) == k:
                continue  # keep scanning only to fold duplicates of hits already taken
            hit = Hit(len(hits) + 1, score, passage, snippet(passage["text"], terms, analyze),
                      sources)
            by_text[passage["text"]] = hit
            hits.append(hit)
        return hits

    def more_like_this(self, passage_id: str, k: int = 5,
                       filters: Filters | None = None) -> list[Hit]:
        """The passages nearest a given passage in embedding space."""
        if passage_id not in self.by_id:
            raise KeyError(f"unknown passage {passage_id!r}")
        row = self.by_id[passage_id]
        vector = self.index.dense.vector(row)
        filters = filters or Filters()
        found = self.index.dense.search(vector, min(len(self.index.passages), k * 10 + 1))
        rows = [(r, s, {"dense": n}) for n, (r, s) in enumerate(found, start=1) if r != row]
        own_text = self.index.passages[row]["text"]
        rows = [x for x in rows if self.index.passages[x[0]]["text"] != own_text]
        return self.collect("", rows, k, filters)
