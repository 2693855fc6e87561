"""Relevance of every (article, action) pair from the action's own sentences.

Two signals per (article, sentence): the mean cosine between the article's two queries (its
description with the report's wordings, and its scope note: the kinds of municipal work that
typically serve it; both embedded with the model's query prompt) and the sentence itself
(embedded on its own with the passage prompt, so a passage's sentences are told apart), and the
lexical overlap (idf-weighted share of the first query's stemmed terms, compounds split, that
the sentence contains). Each is centred per sentence (minus its mean over all articles),
standardised over all pairs of the run and mixed: (1 − w)·z(cosine) + w·z(lexical). A pair's
general relevance is the mean of the action's `top` best sentences; the best one is its
evidence. Its relevance is that value standardised per article over all actions of the run: how
this action stands among all the actions for this article, so an article described in general
words (non-discrimination) is judged on its own scale, not against articles with a vocabulary
of their own.

A second, independent evidence source (round 10): the search engine's view. The article's two
queries are searched over the report's passages in bm25 and in dense mode (never hybrid: its
rights signal reads this ranking), each action's best passage score per list is standardised
per article over the actions, and the four are averaged (`search_evidence`). The relevance is
then per_article(relevance + search_weight · that evidence): chosen by leave-one-article-out
on the 56 judged articles (benchmarks/results/rights_eval_round10_choices.txt).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from search.analysis import SwedishAnalyzer
from search.embedder import Embedder
from search.hits import MAX_QUERY_CHARS
from search.hybrid import HybridSearcher
from web.pipeline.rights_text import ArticleText, Sentence


@dataclass(frozen=True)
class Features:
    """Per-sentence signals: rows are articles, columns sentences."""

    articles: list[ArticleText]
    sentences: list[Sentence]
    dense: np.ndarray
    lexical: np.ndarray
    queries: np.ndarray | None = None  # (2, articles, dimension): see article_queries


@dataclass(frozen=True)
class PairScore:
    """One (article, action) pair's relevance and its best sentence."""

    article: str
    action: str
    relevance: float  # standardised per article over the run's actions
    sentence: Sentence
    general: float = math.inf  # before that, on the scale shared by all articles


def lexical_matrix(articles: list[ArticleText], sentences: list[Sentence],
                   query: Callable[[ArticleText], str] = ArticleText.query) -> np.ndarray:
    """Idf-weighted share of each article's terms (of its `query` text) found in each sentence."""
    analyzer, docs = SwedishAnalyzer.fit([s.text for s in sentences])
    n = len(docs)
    df = Counter(term for doc in docs for term in set(doc))
    idf = {t: math.log(1 + n / df[t]) for t in df}
    vocab = {t: i for i, t in enumerate(df)}
    present = np.zeros((len(vocab), n), dtype=np.float32)
    for j, doc in enumerate(docs):
        for term in set(doc):
            present[vocab[term], j] = 1.0
    out = np.zeros((len(articles), n), dtype=np.float32)
    for i, article in enumerate(articles):
        terms = set(analyzer.analyze_document(query(article)))
        # terms the sentences never use still count in the denominator (through the
        # largest idf), so an article described by rare words is not matched by one of them
        weights = {t: idf.get(t, math.log(1 + n)) for t in terms}
        total = sum(weights.values()) or 1.0
        known = [t for t in terms if t in vocab]
        if known:
            w = np.array([weights[t] for t in known], dtype=np.float32)
            out[i] = w @ present[[vocab[t] for t in known]] / total
    return out


def features(articles: list[ArticleText], sentences: list[Sentence],
             embedder: Embedder) -> Features:
    """Cosine and lexical signals for every (article, sentence), each sentence embedded.

    The cosine is the mean of the sentence's cosines to the article's two queries: its
    description with the report's wordings, and its typical municipal work (scope note).
    A text is embedded once however often it occurs (a later year's report repeats much of
    the earlier one's wording).
    """
    queries = article_queries(articles, embedder)
    texts = list(dict.fromkeys(s.text for s in sentences))
    row = {t: i for i, t in enumerate(texts)}
    vectors = embedder.embed_passages(texts)[[row[s.text] for s in sentences]]
    return Features(articles, sentences, (queries @ vectors.T).mean(axis=0),
                    lexical_matrix(articles, sentences), queries)


def query_texts(articles: list[ArticleText]) -> list[str]:
    """Every distinct query text the articles need (what ingest may embed ahead)."""
    return list(dict.fromkeys(q for a in articles for q in (a.query(), a.scope_query())))


def article_queries(articles: list[ArticleText], embedder: Embedder) -> np.ndarray:
    """Query vectors, shape (2, articles, dimension): first and scope query of each article.

    Chosen by leave-one-article-out CV on the development articles among one joined query,
    the max and the mean of the two cosines; the lexical signal keeps the first query only
    (with the scope note's words in it too, CV was lower).
    """
    texts = query_texts(articles)
    row = {t: i for i, t in enumerate(texts)}
    vectors = embedder.embed_queries(texts)
    return np.stack([vectors[[row[a.query()] for a in articles]],
                     vectors[[row[a.scope_query()] for a in articles]]])


def standardised(matrix: np.ndarray) -> np.ndarray:
    """(x − mean) / std over the whole matrix (0 where it is constant)."""
    std = float(matrix.std())
    return (matrix - matrix.mean()) / std if std > 0 else np.zeros_like(matrix)


def centred(matrix: np.ndarray) -> np.ndarray:
    """Each sentence's signal minus its mean over all articles.

    Some sentences are close to every article about children ("barn och unga" everywhere);
    what tells articles apart is how much closer a sentence is to this one than to the rest.
    """
    return matrix - matrix.mean(axis=0, keepdims=True)


def per_article(matrix: np.ndarray) -> np.ndarray:
    """Each row (article) standardised over its columns (actions); 0 where constant."""
    std = matrix.std(axis=1, keepdims=True)
    return np.divide(matrix - matrix.mean(axis=1, keepdims=True), std,
                     out=np.zeros_like(matrix), where=std > 0)


def actions_of(feats: Features) -> list[str]:
    """The actions in the order of pair_scores' columns (first sentence first)."""
    return list(dict.fromkeys(s.action for s in feats.sentences))


def search_lists(feats: Features, searcher: HybridSearcher) -> list[np.ndarray]:
    """Per list (first and scope query, each in bm25 and dense mode) every passage row's
    score for every article: rows articles, columns the index's passages (BM25: 0 where it
    found nothing). The dense side reads the query vectors the features were made with."""
    n = len(searcher.index.passages)
    vectors = feats.queries if feats.queries is not None else article_queries(
        feats.articles, searcher.embedder)
    out = []
    for k, query in enumerate((ArticleText.query, ArticleText.scope_query)):
        texts = [query(a)[:MAX_QUERY_CHARS] for a in feats.articles]
        for found in ([searcher.index.bm25.search(t, n) for t in texts],
                      [searcher.dense_hits(v, n) for v in vectors[k]]):
            m = np.zeros((len(texts), n))
            for i, hits in enumerate(found):
                for row, score in hits:
                    m[i, row] = score
            out.append(m)
    return out


def search_evidence(feats: Features, searcher: HybridSearcher, base: str) -> np.ndarray:
    """(articles, actions in pair_scores' order): the search engine's view of each pair.

    Each list's best score among the action's own narrative passages, standardised per
    article over the actions, averaged over the four lists, standardised per article again.
    Centring the passage scores over the articles first, or reciprocal ranks, did no better
    (benchmarks/rights_search_evidence.py).
    """
    columns = action_rows(searcher.index.passages, actions_of(feats), base)
    parts = [per_article(best_of_action(m, columns)) for m in search_lists(feats, searcher)]
    return per_article(np.mean(parts, axis=0))


def action_rows(passages: list[dict], actions: list[str], base: str) -> list[list[int]]:
    """Each action's rows in `passages`: the narrative passages that render it."""
    rows: dict[str, list[int]] = {}
    for i, p in enumerate(passages):
        if p["kind"] == "narrative" and p.get("source"):
            rows.setdefault(base + p["source"], []).append(i)
    return [rows.get(a, []) for a in actions]


def best_of_action(matrix: np.ndarray, columns: list[list[int]]) -> np.ndarray:
    """(rows, actions): each action's best value among its columns (0 without any)."""
    return np.stack([matrix[:, c].max(axis=1) if c else np.zeros(len(matrix))
                     for c in columns], axis=1)


def pair_scores(feats: Features, lexical_weight: float, top: int = 2, centre: bool = True,
                search: np.ndarray | None = None, search_weight: float = 0.0,
                ) -> list[PairScore]:
    """Every (article, action) pair: the mean mixed relevance of the action's `top` best
    sentences (one lucky sentence is weaker evidence than several), the best one as
    evidence, then standardised per article (the general value kept beside it); with
    `search` (search_evidence's matrix) the relevance is per_article(relevance +
    search_weight · search)."""
    prepare = centred if centre else (lambda m: m)
    mixed = ((1 - lexical_weight) * standardised(prepare(feats.dense))
             + lexical_weight * standardised(prepare(feats.lexical)))
    columns: dict[str, list[int]] = {}
    for j, s in enumerate(feats.sentences):
        columns.setdefault(s.action, []).append(j)
    general = np.zeros((len(feats.articles), len(columns)))
    evidence = np.zeros(general.shape, dtype=int)
    for k, cols in enumerate(columns.values()):
        block = mixed[:, cols]
        order = np.argsort(-block, axis=1)[:, :top]
        general[:, k] = np.take_along_axis(block, order, axis=1).mean(axis=1)
        evidence[:, k] = np.array(cols)[order[:, 0]]
    relevance = per_article(general)
    if search is not None and search_weight:
        # the general value (the härledd floor's shared scale) stays the sentences' own
        relevance = per_article(relevance + search_weight * search)
    return [PairScore(article.iri, action, float(relevance[i, k]),
                      feats.sentences[evidence[i, k]], float(general[i, k]))
            for k, action in enumerate(columns) for i, article in enumerate(feats.articles)]
