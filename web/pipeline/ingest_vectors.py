"""What ingest embeds besides the passages, and the memory that answers before the model.

One `Remembered` serves the whole ingest: the previous index's kept rights vectors and the
shipped texts' saved vectors (search/shipped_vectors.py) answer first, and whatever the
model embeds is remembered, so no (prompt, text) is embedded twice in one ingest.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

from search.embedder import Embedder, Remembered, with_missing_embedded
from search.index_store import SearchIndex
from search.known_offtopic import gate_questions, known_texts, phrasing_texts
from search.query_adapter import judged_texts
from search.ranking_memory import RANKING_QUERIES
from search.shipped_vectors import Vectors, export_of, load_shipped
from web.pipeline.rights_score import query_texts
from web.pipeline.rights_text import ArticleText, action_sentences

Progress = Callable[[str], None]


def known(previous: SearchIndex | None, kind: str, embedder: Embedder) -> dict[str, Any]:
    """Text vectors of one kind the previous index kept from this model (else none)."""
    texts = previous.texts if previous is not None else None
    return texts.known(kind, embedder.fingerprint) if texts is not None else {}


def remembering(embedder: Embedder, previous: SearchIndex | None, data_dir: Path,
                progress: Progress) -> tuple[Remembered, Vectors]:
    """The model remembering what the previous index kept and the shipped texts' saved
    vectors (those returned too, to tell later whether they changed)."""
    shipped = load_shipped(data_dir, embedder.fingerprint, progress, export_of(embedder))
    queries = {**shipped.get("query", {}), **known(previous, "query", embedder)}
    return Remembered(embedder, queries, known(previous, "passage", embedder)), shipped


def shipped_texts(articles: list[ArticleText]) -> list[str]:
    """The query texts ingest embeds that come with the software, not with a report: the
    known off-topic strings (the gate's banks first), the gate's extra judged questions, the
    passages' phrasings as queries, the article queries without the reports' wordings, the
    query adapter's judged queries and the ranking memory's style questions (the last three
    embedded only when the index holds their passages: shipped_vectors.updated keeps a wanted
    text only when it has a vector)."""
    ontology = [dataclasses.replace(a, wordings=()) for a in articles]
    return [*known_texts(), *gate_questions(), *phrasing_texts(), *query_texts(ontology),
            *judged_texts(), *judged_texts(RANKING_QUERIES)]


def sentence_vectors(passages: list[dict], base: str, embedder: Embedder,
                     kept: dict[str, Any], skip: set[str] | frozenset[str] = frozenset(),
                     ) -> dict[str, Any]:
    """Text -> vector of the action sentences the rights ranking embeds, but those in `skip`:
    the kept ones as they are, the others embedded now (a row does not depend on its
    batch-mates)."""
    texts = [t for t in dict.fromkeys(s.text for s in action_sentences(passages, base))
             if t not in skip]
    return with_missing_embedded(texts, kept, embedder.embed_passages)


def remember_passages(remembered: Remembered, index: SearchIndex, texts: set[str]) -> None:
    """The index's passage vectors of these texts, where the model has not seen them."""
    for row, passage in enumerate(index.passages):
        if passage["text"] in texts and passage["text"] not in remembered.passages:
            remembered.passages[passage["text"]] = index.dense.vector(row)
