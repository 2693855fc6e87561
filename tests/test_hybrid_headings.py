"""A section's heading speaks for the passages under it on the dense side (small fixtures)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from search.embedder import FakeEmbedder
from search.engine import sync_index
from search.hybrid import HybridSearcher
from search.index_store import HEADINGS_FILE, SearchIndex
from search.sentence_signal import SENTENCE_WEIGHT, SentenceVectors
from search.text_vectors import TextVectors

ROWS = [
    {"id": "p/0", "text": "Kommunen erbjuder stödsamtal och utbildar personal i skolan.",
     "heading": "Suicidprevention", "kind": "narrative"},
    {"id": "p/1", "text": "Antal genomförda utbildningar per år.",
     "heading": "Suicidprevention", "kind": "indicator"},
    {"id": "p/2", "text": "Parker och torg får ny belysning.",
     "heading": "Trygghet i offentliga miljöer", "kind": "narrative"},
    {"id": "p/3", "text": "Suicidprevention", "heading": "Suicidprevention",
     "kind": "narrative"},  # a passage that is its heading whole gains nothing from it
    {"id": "p/4", "text": "Inledning utan rubrik.", "heading": None, "kind": "narrative"},
]


def unit(*values: float) -> np.ndarray:
    vector = np.array(values, dtype=np.float32)
    return vector / np.linalg.norm(vector)


class CountingEmbedder(FakeEmbedder):
    """A fake embedder that remembers the passage-prompt texts it embedded."""

    def __init__(self) -> None:
        super().__init__()
        self.passage_texts: list[str] = []

    def embed_passages(self, texts: list[str], progress: bool = False) -> np.ndarray:
        self.passage_texts.extend(texts)
        return super().embed_passages(texts, progress)


def test_a_heading_belongs_to_every_passage_under_it() -> None:
    vectors = {row: unit(1, 0, 0) for row in range(len(ROWS))}
    headings = {"Suicidprevention": unit(0, 1, 0), "Ingen sådan rubrik": unit(0, 0, 1)}
    found = SentenceVectors.of(ROWS, {}, vectors.__getitem__, headings)
    assert found is not None
    assert found.rows == [(0, 1)]  # not p/3 (the heading whole), not an unknown heading
    assert SentenceVectors.of(ROWS, {}, vectors.__getitem__, {}) is None


def test_a_heading_lifts_a_passage_whose_own_words_miss_the_query() -> None:
    vectors = {0: unit(0.6, 0.8, 0), 1: unit(1, 0, 0), 2: unit(0, 0, 1)}
    found = SentenceVectors.of(ROWS[:3], {}, vectors.__getitem__,
                               {"Trygghet i offentliga miljöer": unit(0, 1, 0)})
    assert found is not None
    query = unit(0, 1, 0)  # what the heading says: cosine 1 with it, 0 with passage 2
    mixed = dict(found.mixed([(0, 0.8)], query, 3))
    assert mixed[2] == pytest.approx(SENTENCE_WEIGHT * 1.0)
    assert mixed[0] == pytest.approx(0.8)  # not under that heading: its own cosine


def test_the_index_embeds_each_heading_once_and_keeps_them(tmp_path: Path) -> None:
    first = CountingEmbedder()
    index = SearchIndex.build(ROWS, first)
    names = ["Suicidprevention", "Trygghet i offentliga miljöer"]
    assert sorted(index.headings.known("passage", first.fingerprint)) == names
    assert first.passage_texts.count("Trygghet i offentliga miljöer") == 1
    index.save(tmp_path)
    assert (tmp_path / HEADINGS_FILE).is_file()
    loaded = SearchIndex.load(tmp_path, first)
    assert sorted(loaded.headings.known("passage", first.fingerprint)) == names
    again = CountingEmbedder()
    SearchIndex.build([*ROWS, {**ROWS[4], "id": "p/5", "heading": "Ny rubrik"}], again,
                      reuse=loaded)
    assert again.passage_texts == ["Ny rubrik"]  # kept vectors reused, the new one embedded


def test_an_index_saved_without_headings_is_updated_not_kept(tmp_path: Path) -> None:
    embedder = FakeEmbedder()
    sync_index(tmp_path, ROWS, embedder)
    (tmp_path / "index" / HEADINGS_FILE).unlink()  # as an index saved before round 8
    assert SearchIndex.load(tmp_path / "index", embedder).headings is None
    index, status = sync_index(tmp_path, ROWS, embedder)
    assert status == "updated" and index.headings is not None
    assert sync_index(tmp_path, ROWS, embedder)[1] == "unchanged"


def test_the_searcher_reads_the_headings_of_its_own_model() -> None:
    embedder = FakeEmbedder()
    index = SearchIndex.build(ROWS, embedder)
    searcher = HybridSearcher(index, embedder, hit_floor=0.0)
    assert searcher.sentences is not None and (0, 1) in searcher.sentences.rows
    assert HybridSearcher(index, embedder, rrf=True).sentences is None  # the old baseline
    index.headings = TextVectors("another model", index.headings.kinds)  # never mixes models
    assert HybridSearcher(index, embedder).sentences is None
