"""The dense side's sentence signal (max-sim) on small hand-made vectors."""

from __future__ import annotations

import numpy as np
import pytest

from search.embedder import FakeEmbedder
from search.hybrid import HybridSearcher
from search.index_store import SearchIndex
from search.sentence_signal import SENTENCE_WEIGHT, SentenceVectors
from search.text_vectors import TextVectors

PASSAGES = [
    {"text": "Kommunen bygger bostäder. Broschyrer finns på ungdomsmottagningen."},
    {"text": "Ungdomsmottagningen har öppet varje dag."},
    {"text": "Kommunen bygger bostäder."},  # also a sentence of passage 0
]


def unit(*values: float) -> np.ndarray:
    vector = np.array(values, dtype=np.float32)
    return vector / np.linalg.norm(vector)


VECTORS = {0: unit(0.6, 0.8, 0), 1: unit(0.7, 0, 0.71414), 2: unit(1, 0, 0)}


def test_sentences_belong_to_every_passage_that_holds_them() -> None:
    texts = {"Kommunen bygger bostäder.": unit(1, 0, 0),
             "Broschyrer finns på ungdomsmottagningen.": unit(0, 1, 0),
             "Ungdomsmottagningen har öppet varje dag.": unit(0, 0, 1),  # a whole passage
             "Ingen passage säger detta.": unit(1, 1, 0)}  # in no passage: left out
    found = SentenceVectors.of(PASSAGES, texts, VECTORS.__getitem__)
    assert found is not None and len(found) == 2
    # "Kommunen bygger bostäder." is passage 2 whole, yet a detail of passage 0
    assert sorted(found.rows) == [(0,), (0,)]  # never to itself
    assert found.owners.tolist() == [0]
    assert SentenceVectors.of(PASSAGES, {"Ingen passage säger detta.": unit(1, 0, 0)},
                              VECTORS.__getitem__) is None
    assert SentenceVectors.of([], {}, VECTORS.__getitem__) is None


def test_a_passage_s_best_sentence_lifts_its_dense_score() -> None:
    found = SentenceVectors.of(PASSAGES, {"Broschyrer finns på ungdomsmottagningen.":
                                          unit(0, 1, 0)}, VECTORS.__getitem__)
    assert found is not None
    query = unit(0, 1, 0)
    own = float(VECTORS[0] @ query)  # 0.8: passage 0's vector averages two topics
    hits = [(1, 0.85), (0, own)]  # the passage side's ranking
    mixed = dict(found.mixed(hits, query, 3))
    w = SENTENCE_WEIGHT
    assert mixed[0] == pytest.approx((1 - w) * own + w * 1.0)  # its sentence: cosine 1
    assert mixed[1] == pytest.approx(0.85)  # no sentence of its own: unchanged
    assert mixed[0] > mixed[1]
    # a passage its sentence brings in is scored although the passage side missed it
    assert dict(found.mixed([(1, 0.85)], query, 2))[0] == pytest.approx(mixed[0])
    assert found.mixed(hits, query, 1) == [(0, pytest.approx(mixed[0]))]  # the k best


def test_a_sentence_never_lowers_its_passage() -> None:
    found = SentenceVectors.of(PASSAGES, {"Broschyrer finns på ungdomsmottagningen.":
                                          unit(0, 1, 0)}, VECTORS.__getitem__)
    assert found is not None
    query = unit(1, 0, 0)  # the sentence's cosine is 0, the passage's 0.6
    assert dict(found.mixed([], query, 1))[0] == pytest.approx(0.6)


def test_the_searcher_reads_sentence_vectors_the_index_keeps() -> None:
    embedder = FakeEmbedder()
    rows = [{"id": f"p/{i}", **p, "kind": "narrative", "heading": None}
            for i, p in enumerate(PASSAGES)]
    index = SearchIndex.build(rows, embedder)
    assert HybridSearcher(index, embedder).sentences is None  # none kept: passages alone
    sentence = "Broschyrer finns på ungdomsmottagningen."
    index.texts = TextVectors(embedder.fingerprint,
                              {"passage": {sentence: embedder.embed_passages([sentence])[0]}})
    searcher = HybridSearcher(index, embedder, hit_floor=0.0)
    assert searcher.sentences is not None and searcher.sentences.rows == [(0,)]
    assert HybridSearcher(index, embedder, rrf=True).sentences is None  # the old baseline
    hits = searcher.search("Broschyrer finns på ungdomsmottagningen", 3, "dense")
    assert hits[0].passage["id"] == "p/0"
    index.texts = TextVectors("another model", index.texts.kinds)  # never mixes models
    assert HybridSearcher(index, embedder).sentences is None
