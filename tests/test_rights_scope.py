"""The articles' scope notes in the rights ranking: second query, mean cosine, store rows."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from graph import StoreLocation, rebuild
from graph.reference import project_graphs
from search.embedder import FakeEmbedder
from web.pipeline.inferred import article_texts, store_articles
from web.pipeline.rights_score import article_queries, features, query_texts
from web.pipeline.rights_text import ArticleText, Sentence

BASE = "https://w3id.org/bokslut/id/"


def article(number: int, scope: str = "") -> ArticleText:
    """CRC 31 as a small article text, with or without a scope note."""
    return ArticleText(BASE + f"rattighet/crc/{number}", f"CRC {number}", "Lek och fritid",
                       ("Barns rätt till lek",), "Barnet har rätt till lek och fritid.", scope)


def sentence(action: str, text: str) -> Sentence:
    """A sentence of action `action`."""
    return Sentence(BASE + "atgard/" + action, BASE + f"passage/{action}", 3, text)


def test_the_scope_query_is_title_and_scope_note_or_else_the_first_query() -> None:
    with_note = article(31, "Fritidsgårdar och lovaktiviteter.")
    assert with_note.query() == ("Lek och fritid. Barns rätt till lek. "
                                 "Barnet har rätt till lek och fritid.")
    assert with_note.scope_query() == "Lek och fritid. Fritidsgårdar och lovaktiviteter."
    assert article(31).scope_query() == article(31).query()


def test_the_cosine_is_the_mean_over_the_two_queries() -> None:
    arts = [article(31, "Fritidsgårdar som har öppet under loven."), article(41)]
    sents = [sentence("C-1", "Fritidsgårdarna hade öppet under alla lov."),
             sentence("F-1", "Fler vuxna fick arbete genom praktik.")]
    fake = FakeEmbedder()
    feats = features(arts, sents, fake)
    vectors = fake.embed_passages([s.text for s in sents])
    first = fake.embed_queries([a.query() for a in arts]) @ vectors.T
    second = fake.embed_queries([a.scope_query() for a in arts]) @ vectors.T
    assert feats.dense == pytest.approx((first + second) / 2, abs=1e-5)
    # without a note the article keeps its single-query cosine
    assert feats.dense[1] == pytest.approx(first[1], abs=1e-5)
    # the note's everyday words bring the fritidsgård sentence closer than the first query
    assert feats.dense[0, 0] > first[0, 0]


def test_each_distinct_query_text_is_embedded_once() -> None:
    asked: list[str] = []

    class Counting(FakeEmbedder):
        def embed_queries(self, texts):
            asked.extend(texts)
            return super().embed_queries(texts)

    arts = [article(31, "Fritidsgårdar."), article(41), article(42)]
    queries = article_queries(arts, Counting())
    # 41 and 42 are worded alike here and have no note: one text for both, both queries
    assert asked == query_texts(arts) and len(asked) == len(set(asked)) == 2
    assert queries.shape == (2, 3, FakeEmbedder().dimension)
    assert np.allclose(queries[0, 1], queries[1, 1])  # no note: the same query twice


def test_article_texts_read_the_scope_note_from_the_rows() -> None:
    texts, _ = article_texts(
        [{"article": "a31", "notation": "CRC 31", "definition": "Lek.", "procedural": "false",
          "scope": "Fritidsgårdar."},
         {"article": "a43", "notation": "CRC 43", "definition": "Kommittén.",
          "procedural": "true", "scope": ""}], [], [])
    assert [(t.notation, t.scope) for t in texts] == [("CRC 31", "Fritidsgårdar."),
                                                      ("CRC 43", "")]


def test_the_store_gives_every_substantive_article_its_scope_note_and_procedural_none(
        tmp_path: Path) -> None:
    with rebuild(StoreLocation(tmp_path / "store")) as builder:
        for name, graph in project_graphs(BASE).items():
            builder.replace_graph(BASE + name, graph)
        articles, procedural = store_articles(builder, BASE)
    assert len(articles) == 140 and len(procedural) == 42
    for a in articles:
        assert bool(a.scope) == (a.iri not in procedural), a.notation
    crc29 = next(a for a in articles if a.notation == "CRC 29")
    assert "läsfrämjande" in crc29.scope and crc29.scope in crc29.scope_query()
