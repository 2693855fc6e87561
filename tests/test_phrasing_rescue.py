"""A query the gate refuses passes when it sits nearer a passage's phrasing than any known
off-topic string (round 32, PJ32b)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

import search.known_offtopic as ko
from corpus import read_report
from corpus.passages import build_passages
from search.embedder import FakeEmbedder
from search.hybrid import HybridSearcher
from search.index_store import SearchIndex
from search.known_offtopic import (
    PHRASING_REACH,
    KnownOffTopic,
    fingerprint,
    nearer_phrasing,
    phrasing_texts,
)
from search.passage_phrasings import PassagePhrasings
from tests.conftest import REPORT_PATH

PASSAGES = [dataclasses.asdict(p) for p in build_passages(read_report(REPORT_PATH))]


def unit(*values: float) -> np.ndarray:
    """A unit vector of these components."""
    v = np.array(values, dtype=np.float32)
    return v / np.linalg.norm(v)


def test_a_reading_nearer_a_phrasing_than_any_known_string_passes() -> None:
    known, phrasings = np.stack([unit(1, 0, 0)]), np.stack([unit(0, 1, 0)])
    assert nearer_phrasing(known, phrasings, [unit(0.2, 1, 0)])
    assert not nearer_phrasing(known, phrasings, [unit(1, 0.2, 0)])
    # one reading (as typed, as repaired) suffices
    assert nearer_phrasing(known, phrasings, [unit(1, 0.2, 0), unit(0.2, 1, 0)])
    # the margin must pass the reach: a tie does not
    assert not nearer_phrasing(known, phrasings, [unit(1, 1, 0)], reach=PHRASING_REACH)
    assert not nearer_phrasing(known, phrasings, [unit(0.9, 1, 0)], reach=0.2)
    assert not nearer_phrasing(known, phrasings, [])
    assert not nearer_phrasing(known, np.zeros((0, 3), np.float32), [unit(0, 1, 0)])


def test_built_with_every_phrasing_once_saved_and_loaded(tmp_path: Path) -> None:
    built = KnownOffTopic.build(FakeEmbedder().embed_queries)
    texts = phrasing_texts()
    assert len(texts) == len({t for _, t in PassagePhrasings.bundled()}) == 606
    assert built.phrasings is not None and len(built.phrasings) == len(texts)
    assert np.allclose(np.linalg.norm(built.phrasings, axis=1), 1.0)
    first = FakeEmbedder().embed_queries(texts[:1])[0]
    assert np.allclose(built.phrasings[0], first / np.linalg.norm(first), atol=1e-6)
    assert not built.outdated()
    built.save(tmp_path)
    loaded = KnownOffTopic.load(tmp_path)
    assert loaded is not None and np.array_equal(loaded.phrasings, built.phrasings)
    assert np.array_equal(loaded.questions, built.questions)


def test_an_index_saved_before_round_32_has_no_phrasings_and_is_outdated(tmp_path: Path) -> None:
    built = KnownOffTopic.build(FakeEmbedder().embed_queries)
    old_source = ko.source_of(ko.known_texts(), ko.gate_questions())
    np.savez(tmp_path / ko.FILE, vectors=built.vectors, source=np.str_(old_source),
             questions=built.questions)
    old = KnownOffTopic.load(tmp_path)
    assert old is not None and old.phrasings is None and old.outdated()
    assert old_source == fingerprint([*ko.known_texts(), "\x1d", *ko.gate_questions()])


def test_other_phrasings_make_it_outdated(tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    import search.passage_phrasings as pp
    built = KnownOffTopic.build(FakeEmbedder().embed_queries)
    changed = tmp_path / "phrasings.tsv"
    first = PassagePhrasings.bundled()[0][1]
    changed.write_text(pp.PHRASINGS.read_text("utf-8").replace(first, "gamla som är ensamma", 1),
                       "utf-8")
    monkeypatch.setattr(pp, "PHRASINGS", changed)
    assert built.outdated()


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    """The real report's passages indexed by the fake model."""
    return SearchIndex.build(PASSAGES, FakeEmbedder())


def test_the_searcher_asks_it_only_beside_the_references(index: SearchIndex) -> None:
    searcher = HybridSearcher(index, FakeEmbedder())
    query = "ensamma pensionärer"
    vector = FakeEmbedder().embed_queries([query])[0]
    near = dataclasses.replace(index.offtopic, phrasings=unit(*vector)[None, :])
    searcher.index = dataclasses.replace(index, offtopic=near)
    assert searcher.phrasing_nearer(query, 0.0, lambda: None, [vector, None])
    assert not searcher.phrasing_nearer(query, 0.0, None, [vector, None])  # the gate was sure
    assert not searcher.phrasing_nearer("1234 %%", 0.0, lambda: None, [vector])  # signs only
    far = dataclasses.replace(index.offtopic, phrasings=-unit(*vector)[None, :])
    searcher.index = dataclasses.replace(index, offtopic=far)
    assert not searcher.phrasing_nearer(query, 0.0, lambda: None, [vector, None])
    none = dataclasses.replace(index.offtopic, phrasings=None)  # an index saved before round 32
    searcher.index = dataclasses.replace(index, offtopic=none)
    assert not searcher.phrasing_nearer(query, 0.0, lambda: None, [vector, None])


@pytest.mark.slow
def test_the_real_model_answers_refused_report_topics_and_still_refuses_errands(
        built_data) -> None:
    # real model, real ingest: two keyword queries of the tuning style parts in no reference
    # that the gate and every earlier rescue refuse (style 8 and 7: alcohol checks at
    # restaurants, mould a landlord neglects) sit nearer a passage's phrasing than any known
    # off-topic string
    from search.engine import embedder_for, open_searcher
    from web.pipeline.layout import index_home
    from web.settings import resolve

    searcher = open_searcher(index_home(built_data),
                             embedder_for(resolve({"data": built_data})["embed_model"],
                                          str(built_data)))
    assert searcher.index.offtopic.phrasings is not None
    unphrased = HybridSearcher(dataclasses.replace(
        searcher.index, offtopic=dataclasses.replace(searcher.index.offtopic, phrasings=None)),
        searcher.embedder)
    for query in ("restauranger sprit kontroller", "mögelsvamp badrum hyresvärden slarvar"):
        assert searcher.search_page(query, 10).total > 0, query
        assert unphrased.search_page(query, 10).total == 0, query
    for text in ("bygglov för altan", "xyzzy qwerty", "vem upptäckte penicillinet"):
        assert searcher.search_page(text, 10).total == 0, text
