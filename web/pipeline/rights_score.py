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
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from search.analysis import SwedishAnalyzer
from search.embedder import Embedder
from web.pipeline.rights_text import ArticleText, Sentence


@dataclass(frozen=True)
class Features:
    """Per-sentence signals: rows are articles, columns sentences."""

    articles: list[ArticleText]
    sentences: list[Sentence]
    dense: np.ndarray
    lexical: np.ndarray


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
                    lexical_matrix(articles, sentences))


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


def pair_scores(feats: Features, lexical_weight: float, top: int = 2,
                centre: bool = True) -> list[PairScore]:
    """Every (article, action) pair: the mixed relevance of each sentence (centred per sentence
    over the articles, each signal standardised), pooled per action (pooled_pairs)."""
    prepare = centred if centre else (lambda m: m)
    mixed = ((1 - lexical_weight) * standardised(prepare(feats.dense))
             + lexical_weight * standardised(prepare(feats.lexical)))
    return pooled_pairs(feats, mixed, top)


def pooled_pairs(feats: Features, mixed: np.ndarray, top: int = 2) -> list[PairScore]:
    """Every (article, action) pair from a sentence-level relevance matrix (articles × the
    feats' sentences): the mean of the action's `top` best sentences (one lucky sentence is
    weaker evidence than several), the best one as evidence, then standardised per article
    (the general value kept beside it)."""
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
    return [PairScore(article.iri, action, float(relevance[i, k]),
                      feats.sentences[evidence[i, k]], float(general[i, k]))
            for k, action in enumerate(columns) for i, article in enumerate(feats.articles)]
