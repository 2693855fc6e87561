"""Ingest embeds the rights texts beside the index; the ranking gets exactly those vectors."""

from __future__ import annotations

import dataclasses
from collections import Counter
from pathlib import Path

import numpy as np

from corpus import read_report
from corpus.passages import build_passages
from search.embedder import Embedder, FakeEmbedder, Remembered
from tests.conftest import REPORT_PATH
from web.pipeline.ingest import ingest, sentence_vectors
from web.pipeline.rights_score import features, query_texts
from web.pipeline.rights_text import ArticleText, action_sentences

BASE = "https://w3id.org/bokslut/id/"


class Counting:
    """The fake embedder, counting for every text the calls that embed it (queries and
    passages apart: the same text is one call's row however often it occurs in it)."""

    def __init__(self) -> None:
        self.inner = FakeEmbedder()
        self.name, self.dimension, self.fingerprint = "counting", 64, self.inner.fingerprint
        self.queries: Counter[str] = Counter()
        self.passages: Counter[str] = Counter()

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        self.queries.update(set(texts))
        return self.inner.embed_queries(texts)

    def embed_passages(self, texts: list[str], progress: bool = False) -> np.ndarray:
        self.passages.update(set(texts))
        return self.inner.embed_passages(texts)


def report_passages() -> list[dict]:
    """The bundled report's passages as the index holds them."""
    return [dataclasses.asdict(p) for p in build_passages(read_report(REPORT_PATH))]


def test_remembered_texts_are_not_embedded_again() -> None:
    """Known texts come from memory in the asked order; only the others reach the model."""
    counting = Counting()
    known = {"a": np.full(64, 0.125, dtype=np.float32)}
    remembered = Remembered(counting, {"q": np.ones(64, dtype=np.float32)}, known)
    assert isinstance(remembered, Embedder)
    out = remembered.embed_passages(["b", "a", "b"])
    assert counting.passages == Counter({"b": 1})
    np.testing.assert_array_equal(out[1], known["a"])
    np.testing.assert_array_equal(out[0], FakeEmbedder().embed_passages(["b"])[0])
    np.testing.assert_array_equal(out[2], out[0])
    assert remembered.embed_queries(["q"])[0].sum() == 64 and not counting.queries


def test_the_rights_features_are_the_same_from_memory() -> None:
    """Sentence vectors made ahead of time give the features the ranking computes itself."""
    passages = report_passages()
    sentences = action_sentences(passages, BASE)
    articles = [ArticleText(BASE + "rattighet/crc/31", "CRC 31", "Lek, vila och fritid",
                            ("Barns rätt till lek",), "Barnet har rätt till lek och fritid."),
                ArticleText(BASE + "rattighet/crc/28", "CRC 28", "Utbildning", (),
                            "Barnet har rätt till utbildning.")]
    fake = FakeEmbedder()
    plain = features(articles, sentences, fake)
    ahead = sentence_vectors(passages, BASE, fake)
    assert set(ahead) == {s.text for s in sentences} and len(ahead) > 100
    counting = Counting()
    queries = dict(zip(query_texts(articles), fake.embed_queries(query_texts(articles)),
                       strict=True))
    remembered = features(articles, sentences, Remembered(counting, queries, ahead))
    np.testing.assert_array_equal(remembered.dense, plain.dense)
    np.testing.assert_array_equal(remembered.lexical, plain.lexical)
    assert not counting.passages and not counting.queries


def test_ingest_embeds_each_rights_text_once(fake_data_copy: Path) -> None:
    """Sentences and article queries are embedded once, beside the index, never again by the
    ranking; the passages once too (a re-ingest of the same report reuses them all)."""
    counting = Counting()
    ingest([REPORT_PATH], fake_data_copy, BASE, counting, progress=lambda _: None)
    sentences = {s.text for s in action_sentences(report_passages(), BASE)}
    assert sentences and all(counting.passages[t] == 1 for t in sentences)
    assert counting.queries and max(counting.queries.values()) == 1
    passages = {p["text"] for p in report_passages()}
    assert not any(counting.passages[t] for t in passages - sentences)  # reused, same model
