"""Hybrid's dense side reads the indicators' everyday names (round 31, LA31)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

import search.indicator_aliases as ia
from corpus import read_report
from corpus.passages import build_passages
from search.embedder import FakeEmbedder
from search.engine import aliases_outdated, sync_index
from search.hybrid import HybridSearcher
from search.index_store import SearchIndex, SearchIndexError
from search.indicator_aliases import (
    DISCOUNT,
    FILE,
    IndicatorAliases,
    bundled_aliases,
    source_of,
)
from tests.bundled_pairs import assert_three_per_passage
from tests.conftest import REPORT_PATH

PASSAGES = [dataclasses.asdict(p) for p in build_passages(read_report(REPORT_PATH))]
INDICATORS = {p["id"] for p in PASSAGES if p["kind"] == "indicator"}


def unit(*values: float) -> np.ndarray:
    """A unit vector of these components."""
    v = np.array(values, dtype=np.float32)
    return v / np.linalg.norm(v)


def names(rows: list[int], vectors: list[np.ndarray]) -> IndicatorAliases:
    """Aliases naming `rows` with these vectors (the source unused here)."""
    return IndicatorAliases(np.array(rows, dtype=np.int64), np.stack(vectors), "test")


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    """The real report's passages indexed by the fake model (its names embedded too)."""
    return SearchIndex.build(PASSAGES, FakeEmbedder())


def test_the_bundled_file_names_every_indicator_of_the_report_three_times() -> None:
    assert_three_per_passage(bundled_aliases(), INDICATORS)


def test_a_named_row_rises_to_its_best_name_less_the_discount_and_never_falls() -> None:
    query = unit(1, 0, 0)
    aliases = names([5, 5, 7], [unit(1, 1, 0), unit(1, 0.1, 0), unit(0, 1, 0)])
    hits = [(3, 0.9), (5, 0.2), (7, 0.5)]
    lifted = dict(aliases.lifted(hits, query, 10))
    assert lifted[5] == pytest.approx(float(unit(1, 0.1, 0) @ query) - DISCOUNT)  # the best name
    assert lifted[7] == 0.5 and lifted[3] == 0.9  # a weaker name leaves the row as it was
    assert [row for row, _ in aliases.lifted(hits, query, 10)] == [5, 3, 7]


def test_a_named_row_may_enter_and_the_fetch_is_kept() -> None:
    query = unit(0, 1, 0)
    aliases = names([9], [unit(0, 1, 0.05)])
    hits = [(1, 0.8), (2, 0.7)]
    assert aliases.lifted(hits, query, 3)[0][0] == 9
    assert [row for row, _ in aliases.lifted(hits, query, 2)] == [9, 1]
    assert aliases.lifted(hits, np.zeros(3, np.float32), 2) == hits  # no direction: unchanged


def test_built_saved_and_loaded_for_the_report(tmp_path: Path) -> None:
    built = IndicatorAliases.build(PASSAGES, FakeEmbedder().embed_passages)
    assert built is not None and len(built.rows) == 3 * len(INDICATORS)
    assert {PASSAGES[row]["id"] for row in built.rows.tolist()} == INDICATORS
    assert np.allclose(np.linalg.norm(built.vectors, axis=1), 1.0)
    assert built.source == source_of(bundled_aliases()) and not built.outdated()
    built.save(tmp_path)
    loaded = IndicatorAliases.load(tmp_path)
    assert loaded is not None and np.array_equal(loaded.rows, built.rows)
    assert np.array_equal(loaded.vectors, built.vectors) and loaded.source == built.source
    assert IndicatorAliases.load(tmp_path / "none") is None  # an index saved before round 31
    other = [{"id": "annan/rapport/passage/L1", "text": "x", "kind": "indicator"}]
    assert IndicatorAliases.build(other, FakeEmbedder().embed_passages) is None


def test_a_bad_line_is_named_with_its_place(tmp_path: Path) -> None:
    bad = tmp_path / "aliases.tsv"
    bad.write_text("# header\nrapport/x/passage/L1\tbarn i fattiga familjer\nL2 utan flik\n",
                   "utf-8")
    with pytest.raises(ValueError, match=r"aliases.tsv:3: expected '<passage id><TAB><alias>'"):
        bundled_aliases(bad)


def test_other_names_make_the_index_outdated_and_ingest_updates_it(
        index: SearchIndex, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert index.aliases is not None and not aliases_outdated(index)
    assert aliases_outdated(dataclasses.replace(index, aliases=None))  # saved before round 31
    dataclasses.replace(index, aliases=None).save(tmp_path / "index")
    synced, status = sync_index(tmp_path, PASSAGES, FakeEmbedder())
    assert status == "updated" and synced.aliases is not None
    assert (tmp_path / "index" / FILE).exists()
    changed = tmp_path / "changed.tsv"
    changed.write_text(ia.ALIASES.read_text("utf-8").replace("barn", "ungar", 1), "utf-8")
    monkeypatch.setattr(ia, "ALIASES", changed)
    assert synced.aliases.outdated() and aliases_outdated(synced)


def test_names_that_do_not_fit_the_index_are_refused_at_load(index: SearchIndex,
                                                             tmp_path: Path) -> None:
    wide = dataclasses.replace(index.aliases, vectors=np.zeros((len(index.aliases.rows), 3),
                                                                np.float32))
    dataclasses.replace(index, aliases=wide).save(tmp_path / "index")
    with pytest.raises(SearchIndexError, match="everyday names do not fit"):
        SearchIndex.load(tmp_path / "index")


def test_only_hybrids_dense_side_reads_the_names(index: SearchIndex) -> None:
    searcher = HybridSearcher(index, FakeEmbedder())
    vector = FakeEmbedder().embed_queries(["barn i fattiga familjer"])[0]
    row = int(index.aliases.rows[0])
    # a name in the direction hybrid's dense side reads the query (through the adapter): the
    # row is first there, at the name's cosine (1) less the discount
    read = searcher.adapter.apply(vector) if searcher.adapter is not None else vector
    near = dataclasses.replace(index.aliases, rows=np.array([row]),
                               vectors=(read / np.linalg.norm(read))[None, :])
    searcher.aliases = near
    assert searcher.dense_hits(vector, 5, adapted=True)[0][0] == row
    assert searcher.dense_hits(vector, 5, adapted=True)[0][1] == pytest.approx(1 - DISCOUNT)
    bare = searcher.dense_hits(vector, 5, adapted=False)
    assert bare == searcher.passage_hits(vector, 5, adapted=False)  # the dense mode: the model
    assert HybridSearcher(index, FakeEmbedder(), rrf=True).aliases is None  # the baseline


@pytest.mark.slow
def test_the_real_model_answers_a_lay_indicator_question_through_its_names(built_data) -> None:
    # real model, real ingest: tuning part style6's "Litar invånarna på att ingen på kommunen
    # tar emot bestickning eller gynnar kompisar?" asks for the indicator row "Medborgar-
    # undersökningen - Kommunens verksamheter är fria från korruption", which no mode found
    # in its top 20 before round 31; the names bring it into hybrid's ten
    from search.engine import embedder_for, open_searcher
    from web.pipeline.layout import index_home
    from web.settings import resolve

    searcher = open_searcher(index_home(built_data),
                             embedder_for(resolve({"data": built_data})["embed_model"],
                                          str(built_data)))
    query = ("Litar invånarna på att ingen på kommunen tar emot bestickning eller gynnar "
             "kompisar?")
    wanted = "fria från korruption"
    assert any(wanted in h.passage["text"] for h in searcher.search(query, 10))
    unnamed = HybridSearcher(dataclasses.replace(searcher.index, aliases=None),
                             searcher.embedder)
    assert not any(wanted in h.passage["text"] for h in unnamed.search(query, 10))
    assert not any(wanted in h.passage["text"] for h in searcher.search(query, 10, "dense"))


def test_a_rebuild_reuses_the_names_vectors_and_embeds_only_a_changed_one(
        index: SearchIndex, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    embedded: list[str] = []

    def counting(texts: list[str]) -> np.ndarray:
        embedded.extend(texts)
        return FakeEmbedder().embed_passages(texts)

    index.aliases.save(tmp_path)
    saved = IndicatorAliases.load(tmp_path)  # the pairs travel with the vectors
    again = IndicatorAliases.build(PASSAGES, counting, saved)
    assert embedded == [] and np.array_equal(again.vectors, index.aliases.vectors)
    changed = tmp_path / "changed.tsv"
    first_alias = bundled_aliases()[0][1]
    changed.write_text(ia.ALIASES.read_text("utf-8").replace(first_alias, "barn utan pengar", 1),
                       "utf-8")
    monkeypatch.setattr(ia, "ALIASES", changed)
    IndicatorAliases.build(PASSAGES, counting, saved)
    assert embedded == ["barn utan pengar"]
