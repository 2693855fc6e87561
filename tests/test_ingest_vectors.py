"""Ingest embeds the rights texts beside the index; the ranking gets exactly those vectors."""

from __future__ import annotations

import dataclasses
from collections import Counter
from pathlib import Path

import numpy as np

from corpus import read_report
from corpus.passages import build_passages, report_key
from graph.export import export
from graph.namespaces import INFERRED_GRAPH
from search.domain_gate import bank_texts, domain_texts
from search.embedder import Embedder, FakeEmbedder, Remembered
from search.indicator_aliases import bundled_aliases
from search.known_offtopic import gate_questions, known_texts, phrasing_texts
from search.passage_phrasings import PassagePhrasings
from search.query_adapter import judged_texts
from search.ranking_memory import RANKING_QUERIES
from search.text_vectors import TextVectors
from tests.conftest import REPORT_PATH
from web.pipeline.ingest import index_dir, ingest, remove_report, store_dir
from web.pipeline.ingest_vectors import sentence_vectors
from web.pipeline.rights_score import features, query_texts
from web.pipeline.rights_text import ArticleText, action_sentences

BASE = "https://w3id.org/bokslut/id/"


class Counting:
    """The fake embedder, counting for every text the calls that embed it (queries and
    passages apart: the same text is one call's row however often it occurs in it)."""

    def __init__(self) -> None:
        self.inner = FakeEmbedder()
        self.name, self.dimension, self.fingerprint = self.inner.name, 64, self.inner.fingerprint
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


def test_what_the_model_embeds_is_remembered_for_the_next_caller() -> None:
    """A text embedded once (passage or query prompt) is answered from memory after that,
    and the dictionaries handed in are not changed."""
    counting, handed = Counting(), {"a": np.full(64, 0.125, dtype=np.float32)}
    remembered = Remembered(counting, {}, handed)
    first = remembered.embed_passages(["b", "c"])
    again = remembered.embed_passages(["c", "a", "b"])
    remembered.embed_queries(["b"])
    remembered.embed_queries(["b"])
    assert counting.passages == Counter({"b": 1, "c": 1}) and counting.queries == Counter({"b": 1})
    np.testing.assert_array_equal(again[[2, 0]], first)
    assert set(handed) == {"a"}


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
    ahead = sentence_vectors(passages, BASE, fake, {})
    assert set(ahead) == {s.text for s in sentences} and len(ahead) > 100
    counting = Counting()
    queries = dict(zip(query_texts(articles), fake.embed_queries(query_texts(articles)),
                       strict=True))
    remembered = features(articles, sentences, Remembered(counting, queries, ahead))
    np.testing.assert_array_equal(remembered.dense, plain.dense)
    np.testing.assert_array_equal(remembered.lexical, plain.lexical)
    assert not counting.passages and not counting.queries


def test_ingest_embeds_each_text_once(tmp_path: Path) -> None:
    """Into an empty data directory: every (prompt, text) is embedded once in the whole ingest
    (a sentence that is a whole passage takes the passage's vector), never again by the
    ranking, and the rights texts are kept with the index."""
    counting = Counting()
    ingest([REPORT_PATH], tmp_path, BASE, counting, progress=lambda _: None)
    sentences = {s.text for s in action_sentences(report_passages(), BASE)}
    passages = {p["text"] for p in report_passages()}
    assert sentences & passages, "the report has a one-sentence passage: the case checked"
    # the indicators' everyday names and the passages' phrasings are embedded as passages too
    # (search.indicator_aliases, search.passage_phrasings)
    aliases = {text for _, text in [*bundled_aliases(), *PassagePhrasings.bundled()]}
    assert set(counting.passages) == sentences | passages | aliases
    assert max(counting.passages.values()) == 1
    assert counting.queries and max(counting.queries.values()) == 1
    kept = TextVectors.load(index_dir(tmp_path))
    assert kept is not None and set(kept.known("passage", counting.fingerprint)) == sentences
    # the gate's headings, the known off-topic strings (the banks among them), the gate's extra
    # judged questions, the passages' phrasings, the adapter's judged queries and the ranking
    # memory's style questions are not the index's to keep: they come with the software
    assert set(kept.known("query", counting.fingerprint)) == set(counting.queries) - set(
        domain_texts(report_passages())) - set(known_texts()) - set(gate_questions()) - set(
        phrasing_texts()) - set(judged_texts()) - set(judged_texts(RANKING_QUERIES))


def test_a_reingest_reuses_the_kept_rights_vectors(fake_data_copy: Path) -> None:
    """The same report again: no sentence, article query or passage is embedded again, and
    the ranking's graph is the same."""
    before = report_graph(fake_data_copy)
    counting = Counting()
    ingest([REPORT_PATH], fake_data_copy, BASE, counting, progress=lambda _: None)
    assert not counting.passages and not counting.queries
    assert report_graph(fake_data_copy) == before


def test_removing_a_report_keeps_the_rights_vectors(fake_data_copy: Path) -> None:
    """`bokslut remove` keeps the kept vectors: ingesting the report again embeds its
    passages (they left the index) but no action sentence or article query."""
    remove_report(fake_data_copy, report_key(read_report(REPORT_PATH)), BASE, FakeEmbedder())
    counting = Counting()
    ingest([REPORT_PATH], fake_data_copy, BASE, counting, progress=lambda _: None)
    gate = set(domain_texts(report_passages())) | set(bank_texts())  # the index's own
    assert counting.queries and set(counting.queries) <= gate  # no article query
    sentences = {s.text for s in action_sentences(report_passages(), BASE)}
    passages = {p["text"] for p in report_passages()}  # a one-sentence passage is both
    assert not (sentences - passages) & set(counting.passages)


def report_graph(data: Path) -> set[str]:
    """The inferred-support graph's N-Triples lines."""
    return set(export(store_dir(data), "nt", [BASE + INFERRED_GRAPH]).decode().splitlines())


def test_kept_vectors_round_trip_and_answer_only_their_model(tmp_path: Path) -> None:
    """Saved and loaded as they were; another model gets none; a damaged file is no error."""
    kept = TextVectors("m:4:x", {"passage": {"å ä": np.arange(4, dtype=np.float32)},
                                 "query": {"q": np.ones(4, dtype=np.float32)}})
    kept.save(tmp_path)
    loaded = TextVectors.load(tmp_path)
    assert loaded is not None and loaded.model == "m:4:x"
    np.testing.assert_array_equal(loaded.known("passage", "m:4:x")["å ä"], np.arange(4))
    assert set(loaded.known("query", "m:4:x")) == {"q"} and loaded.known("query", "n") == {}
    (tmp_path / "text_vectors.npz").write_bytes(b"not a zip")
    assert TextVectors.load(tmp_path) is None and TextVectors.load(tmp_path / "none") is None


def test_kept_vectors_get_the_mode_of_a_plainly_created_file(tmp_path: Path) -> None:
    """Not mkstemp's private 0600: another user serving the data directory reads them too."""
    plain = tmp_path / "plain"
    plain.write_bytes(b"")
    TextVectors("m:4:x", {"query": {"q": np.ones(4, dtype=np.float32)}}).save(tmp_path)
    mode = (tmp_path / "text_vectors.npz").stat().st_mode & 0o777
    assert mode == plain.stat().st_mode & 0o777
