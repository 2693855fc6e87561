"""The memory's vouchers (round 20, MR): a query the gate refuses passes as a close rewording of
a judged question the gate accepts; what is marked at ingest, saved, loaded, and never vouched."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest

from corpus import read_report
from corpus.passages import build_passages
from search import domain_gate
from search.embedder import FakeEmbedder
from search.engine import sync_index
from search.hybrid import HybridSearcher
from search.index_store import SearchIndex, text_key
from search.memory_vouch import VOUCH_FLOOR, VOUCH_VERSION, mark_vouchers, vouch_recipe, vouched
from search.query_adapter import JudgedQuery
from search.query_memory import FILE, QueryMemory
from tests.conftest import REPORT_PATH

PASSAGES = [dataclasses.asdict(p) for p in build_passages(read_report(REPORT_PATH))]


def embed_fake(texts: list[str]) -> np.ndarray:
    """The fake model's query vectors."""
    return FakeEmbedder().embed_queries(texts)


def at_cosine(s: float) -> np.ndarray:
    """A unit vector at cosine s to the first axis (3 dimensions)."""
    return np.array([s, np.sqrt(1 - s * s), 0.0], dtype=np.float32)


ROWS = np.eye(3, dtype=np.float32)  # judged questions on the axes
TEXT, SHARE = "barns rätt till lek", 0.5  # a text the gate asks its classifier about


def of(vouchers: np.ndarray | None) -> QueryMemory:
    """Three judged questions on the axes, these of them vouchers."""
    return QueryMemory(ROWS.copy(), ((("p1", 3),), (("p2", 3),), (("p3", 3),)),
                       vouchers=vouchers)


@pytest.mark.parametrize(("cosine", "expected"), [(VOUCH_FLOOR + 0.01, True),
                                                  (VOUCH_FLOOR - 0.01, False)])
def test_a_reading_vouches_at_the_floor_or_closer(cosine: float, expected: bool) -> None:
    memory = of(np.array([True, False, False]))
    assert vouched(memory, TEXT, SHARE, [at_cosine(cosine)]) is expected


def test_only_a_voucher_vouches_and_a_memory_without_them_never() -> None:
    close = at_cosine(0.99)
    assert not vouched(of(np.array([False, True, True])), TEXT, SHARE, [close])
    assert not vouched(of(None), TEXT, SHARE, [close])
    assert not vouched(of(np.zeros(3, bool)), TEXT, SHARE, [close])
    assert not vouched(None, TEXT, SHARE, [close])


def test_any_reading_may_vouch_and_length_does_not_matter() -> None:
    far, close = np.array([0, 0, 1.0], np.float32), 7.0 * at_cosine(0.95)  # not unit length
    memory = of(np.array([True, False, False]))
    assert vouched(memory, TEXT, SHARE, [None, far, close])
    assert not vouched(memory, TEXT, SHARE, [None, far])
    assert not vouched(memory, TEXT, SHARE, [None])


def test_cosines_the_caller_has_are_read_instead_of_a_second_pass() -> None:
    # round 30: the gate's references (search.known_offtopic.References) have the memory's
    # cosines from their one pass; the vouch reads those, and they are the memory's own
    memory = of(np.array([True, False, False]))
    reading = at_cosine(VOUCH_FLOOR + 0.01)
    given = memory.similarities([reading])
    assert vouched(memory, TEXT, SHARE, [reading], lambda: given)
    assert not vouched(memory, TEXT, SHARE, [reading], lambda: given - 0.02)  # read, not redone


@pytest.mark.parametrize(("text", "share"), [("( ) 19 ?", 0.0), ("( ) 19 ?", 1.0),
                                             ("qwerty asdfgh", 0.0)])
def test_noise_the_gate_never_asks_its_classifier_about_is_never_vouched_for(
        text: str, share: float) -> None:
    # digits and signs whatever matched; mash when nothing of it matched lexically
    assert not vouched(of(np.ones(3, bool)), text, share, [ROWS[0]])


def test_without_a_gate_no_judged_question_vouches() -> None:
    marked = mark_vouchers(None, None, ["a", "b"], ROWS[:2])  # type: ignore[arg-type]
    assert marked.dtype == bool and not marked.any() and marked.shape == (2,)


def test_the_recipe_names_the_version_and_the_gates_thresholds() -> None:
    recipe = vouch_recipe()
    assert recipe.startswith(f"vouch v{VOUCH_VERSION};")
    assert f"MIN_DOMAIN_SCORE {domain_gate.MIN_DOMAIN_SCORE!r}" in recipe
    assert f"MIN_MATCH {domain_gate.MIN_MATCH!r}" in recipe


def memory_with(vouchers: np.ndarray | None, recipe: str = "") -> QueryMemory:
    """Two judged questions on the first two axes."""
    return QueryMemory(ROWS[:2].copy(), ((("p1", 3),), (("p2", 2),)), vouchers=vouchers,
                       vouch_recipe=recipe)


def test_the_vouchers_and_their_recipe_are_saved_and_loaded(tmp_path: Path) -> None:
    memory_with(np.array([True, False]), "vouch v1; x").save(tmp_path)
    loaded = QueryMemory.load(tmp_path)
    assert loaded is not None and loaded.vouchers.tolist() == [True, False]
    assert loaded.vouch_recipe == "vouch v1; x"


def test_build_refuses_marks_that_do_not_fit_the_questions() -> None:
    judged = [JudgedQuery(p["text"][:40], {p["id"]: 3}, {p["id"]: text_key(p)})
              for p in PASSAGES[:3]]
    with pytest.raises(ValueError, match="vouchers"):
        QueryMemory.build(PASSAGES, embed_fake, judged, mark=lambda texts, v: np.ones(1, bool))


def test_a_file_before_round_20_loads_without_vouchers(tmp_path: Path) -> None:
    memory_with(None).save(tmp_path)
    with np.load(tmp_path / FILE) as saved:
        assert "vouchers" not in saved
    loaded = QueryMemory.load(tmp_path)
    assert loaded is not None and loaded.vouchers is None


def test_vouchers_that_do_not_fit_the_questions_are_a_clear_error(tmp_path: Path) -> None:
    judged = json.dumps([[["p1", 3]], [["p2", 2]]])
    np.savez(tmp_path / FILE, vectors=ROWS[:2], judged=np.array(judged),
             indicators=np.array("[]"), twins=np.array("[]"), vouchers=np.ones(3, bool))
    with pytest.raises(ValueError, match=FILE):
        QueryMemory.load(tmp_path)


@pytest.fixture(scope="module")
def built() -> SearchIndex:
    """The real 2025 report's passages, embedded by the fake model (its gate, its memory)."""
    return SearchIndex.build(build_passages(read_report(REPORT_PATH)), FakeEmbedder())


def test_ingest_marks_a_voucher_per_judged_question_and_saves_them(built, tmp_path) -> None:
    memory = built.memory
    assert memory is not None and memory.vouchers is not None
    assert memory.vouchers.shape == (len(memory),) and 0 < memory.vouchers.sum() < len(memory)
    built.save(tmp_path / "index")
    loaded = SearchIndex.load(tmp_path / "index", FakeEmbedder())
    assert np.array_equal(loaded.memory.vouchers, memory.vouchers)


def vouching_for(index: SearchIndex, text: str, vouches: bool) -> SearchIndex:
    """The index with a one-question memory: `text` itself, a voucher or not. Without the known
    strings: the rescue by a nearer judged question (round 30, search.known_offtopic) counts
    every judged question, voucher or not, and would answer `text` by its own copy; here the
    vouch is tested alone."""
    vector = FakeEmbedder().embed_queries([text])
    vector /= np.linalg.norm(vector, axis=1, keepdims=True)
    memory = QueryMemory(vector.astype(np.float32), ((("x", 3),),), vouchers=np.array([vouches]))
    return dataclasses.replace(index, memory=memory, offtopic=None)


@pytest.mark.parametrize("memory_weight", [0.5, 0.0])
def test_a_refused_query_passes_when_a_voucher_is_close(built, memory_weight: float) -> None:
    # the vouching is a gate matter: the same whatever the fusion's memory weight
    query = "hur byter man däck på en bil"  # refused by the fake model's gate
    assert HybridSearcher(built, FakeEmbedder()).search(query) == []
    for vouches, answered in ((True, True), (False, False)):
        index = vouching_for(built, query, vouches)
        hits = HybridSearcher(index, FakeEmbedder(), memory_weight=memory_weight).search(query)
        assert bool(hits) is answered


def test_digits_and_signs_alone_are_never_vouched_for(built) -> None:
    query = "( ) 19 ?"
    index = vouching_for(built, query, True)
    assert HybridSearcher(index, FakeEmbedder()).search(query) == []


@pytest.mark.slow
def test_the_real_memory_answers_a_rewording_and_keeps_an_errand_out(built_data) -> None:
    # real model, real ingest: "teenagers betting money on gambling" (held-out 17, refused by
    # the plain gate) is a rewording of a judged question the gate accepts (cosine 0.970);
    # without the vouchers it is refused; an errand and a number stay refused with them
    from search.engine import embedder_for, open_searcher
    from web.pipeline.layout import index_home
    from web.settings import resolve

    searcher = open_searcher(index_home(built_data),
                             embedder_for(resolve({"data": built_data})["embed_model"],
                                          str(built_data)))
    query = "teenagers betting money on gambling"
    assert searcher.search(query)
    unvouched = dataclasses.replace(
        searcher.index, memory=dataclasses.replace(searcher.index.memory, vouchers=None))
    # round 30 (NJ30): it also sits nearer a judged question than any known off-topic string,
    # which answers it without the vouchers; with the known strings off as well it is refused
    assert HybridSearcher(unvouched, searcher.embedder).search(query)
    alone = dataclasses.replace(unvouched, offtopic=None)
    assert HybridSearcher(alone, searcher.embedder).search(query) == []
    for refused in ("anmäla trasig gatlykta utanför huset", "( ) 19 ?", "recept på lasagne"):
        assert searcher.search(refused) == [], refused


@pytest.mark.parametrize("stale", [{"vouchers": None, "vouch_recipe": ""},
                                   {"vouch_recipe": "vouch v0; thresholds of another day"}])
def test_an_index_with_stale_vouchers_is_re_marked_at_the_next_sync(built, tmp_path,
                                                                    stale: dict) -> None:
    # saved before round 20 (none), or marked under other gate thresholds (another recipe)
    assert built.memory.vouch_recipe == vouch_recipe()
    old = dataclasses.replace(built, memory=dataclasses.replace(built.memory, **stale))
    old.save(tmp_path / "index")
    assert SearchIndex.load(tmp_path / "index").memory.vouch_recipe != vouch_recipe()
    index, status = sync_index(tmp_path, built.passages, FakeEmbedder())
    assert status == "updated" and index.memory.vouch_recipe == vouch_recipe()
    assert np.array_equal(index.memory.vouchers, built.memory.vouchers)
    _, status = sync_index(tmp_path, built.passages, FakeEmbedder())
    assert status == "unchanged"
