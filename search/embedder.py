"""Dense text embedders: the interface the index uses, the real one and a fake for tests.

Every embedder returns float32 rows, L2-normalised, so inner product = cosine.
Input text is NFC-normalised first: decomposed å/ä/ö would otherwise tokenise
differently from the composed forms.
"""

from __future__ import annotations

import hashlib
import os
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from search.model_store import ModelSettingError, model_fingerprint, resolve_model

__all__ = [
    "Embedder",
    "FakeEmbedder",
    "ModelSettingError",
    "Remembered",
    "SentenceTransformerEmbedder",
    "for_indexing",
    "resolve_model",
    "with_missing_embedded",
]


@runtime_checkable
class Embedder(Protocol):
    """What indexing and search need from an embedding model."""

    name: str
    dimension: int
    fingerprint: str

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        """Embed search queries: float32 array (len(texts), dimension), unit rows."""
        ...

    def embed_passages(self, texts: list[str], progress: bool = False) -> np.ndarray:
        """Embed passages to index: float32 array (len(texts), dimension), unit rows."""
        ...


def for_indexing(embedder: Embedder) -> Embedder:
    """The embedder ingest should use: exact queries when this one has a faster query side."""
    exact = getattr(embedder, "for_indexing", None)
    return exact() if callable(exact) else embedder


class Remembered:
    """An embedder that answers texts it has seen from memory, the rest through the one it
    wraps, and remembers those too: one ingest never embeds a (prompt, text) twice, whichever
    of its threads asks (rows do not depend on their batch-mates, so a vector is the same)."""

    def __init__(self, inner: Embedder, queries: dict[str, np.ndarray],
                 passages: dict[str, np.ndarray]) -> None:
        self.inner, self.queries, self.passages = inner, dict(queries), dict(passages)
        self.name, self.dimension, self.fingerprint = inner.name, inner.dimension, \
            inner.fingerprint

    def _answer(self, texts: list[str], known: dict[str, np.ndarray], embed) -> np.ndarray:
        """Rows for `texts`: remembered ones as they are, the others embedded now and kept."""
        vectors = with_missing_embedded(texts, known, embed)
        known.update(vectors)  # dict updates are atomic under the GIL
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            out[row] = vectors[text]
        return out

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        """Remembered query vectors, the rest embedded by the wrapped embedder."""
        return self._answer(texts, self.queries, self.inner.embed_queries)

    def embed_passages(self, texts: list[str], progress: bool = False) -> np.ndarray:
        """Remembered passage vectors, the rest embedded by the wrapped embedder."""
        return self._answer(texts, self.passages,
                            lambda t: self.inner.embed_passages(t, progress=progress))


def with_missing_embedded(texts: list[str], known: dict[str, np.ndarray],
                          embed: Callable[[list[str]], np.ndarray]) -> dict[str, np.ndarray]:
    """Text -> vector for every text: known ones as they are, the rest embedded in one call
    (each distinct text once; a row does not depend on its batch-mates)."""
    missing = [t for t in dict.fromkeys(texts) if t not in known]
    fresh = dict(zip(missing, embed(missing), strict=True)) if missing else {}
    return {t: known[t] if t in known else fresh[t] for t in texts}


def prepare_texts(texts: list[str]) -> list[str]:
    """NFC-normalise and strip each text (the shared input convention)."""
    return [unicodedata.normalize("NFC", t).strip() for t in texts]


def set_offline() -> None:
    """Forbid Hugging Face libraries from reaching a hub in this process."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"


def _load_quietly(model_dir: Path):
    """Load a SentenceTransformer from local files without transformers' weight bar."""
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as hf_logging

    was_enabled = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:
        return SentenceTransformer(str(model_dir), device="cpu", local_files_only=True)
    finally:
        if was_enabled:
            hf_logging.enable_progress_bar()


def choose_prompts(prompts: dict[str, str] | None) -> tuple[str, str]:
    """(query prompt, passage prompt) a model declares; e5 has both, KBLab SBERT none."""
    prompts = prompts or {}
    return prompts.get("query") or "", prompts.get("passage") or prompts.get("document") or ""


def _dimension(model) -> int:
    """Output size; sentence-transformers 6 renamed the method, 3.x has the old name."""
    dim_fn = getattr(model, "get_embedding_dimension", None)
    if dim_fn is None:
        dim_fn = model.get_sentence_embedding_dimension
    return int(dim_fn())


class SentenceTransformerEmbedder:
    """A local sentence-transformers model directory, on CPU, never touching the network."""

    def __init__(self, model_dir: Path, batch_size: int = 16) -> None:
        set_offline()
        self.model_dir = Path(model_dir)
        self.model = _load_quietly(self.model_dir)
        self.batch_size = batch_size
        self.name = self.model_dir.name
        self.dimension = _dimension(self.model)
        self.query_prompt, self.passage_prompt = choose_prompts(self.model.prompts)
        self.fingerprint = model_fingerprint(self.model_dir, self.dimension)

    def _encode(self, texts: list[str], prompt: str, progress: bool) -> np.ndarray:
        """Batch-encode with a prompt prefix; unit float32 rows."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self.model.encode(
            prepare_texts(texts),
            prompt=prompt or None,
            batch_size=self.batch_size,
            show_progress_bar=progress,
            convert_to_numpy=True,
            normalize_embeddings=True,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        """Embed search queries with the model's query prompt."""
        return self._encode(texts, self.query_prompt, progress=False)

    def embed_passages(self, texts: list[str], progress: bool = False) -> np.ndarray:
        """Embed passages with the model's passage prompt, optionally with a progress bar."""
        return self._encode(texts, self.passage_prompt, progress)


class FakeEmbedder:
    """Hashes character trigrams into a small vector: deterministic, fast, tests only."""

    def __init__(self, dimension: int = 64) -> None:
        self.dimension = dimension
        self.name = f"fake-trigram-{dimension}"
        self.fingerprint = f"{self.name}:{dimension}:v1"

    def _vector(self, text: str) -> np.ndarray:
        """Signed feature hashing of the padded, lower-cased text's trigrams."""
        vec = np.zeros(self.dimension, dtype=np.float32)
        padded = f"  {text.lower()}  "
        for i in range(len(padded) - 2):
            digest = hashlib.blake2b(padded[i : i + 3].encode("utf-8"), digest_size=8).digest()
            value = int.from_bytes(digest, "little")
            vec[value % self.dimension] += 1.0 if (value >> 32) & 1 else -1.0
        norm = float(np.linalg.norm(vec))
        if norm == 0.0:
            vec[0], norm = 1.0, 1.0
        return vec / norm

    def _embed(self, texts: list[str]) -> np.ndarray:
        """Stack the vectors of the prepared texts."""
        rows = [self._vector(t) for t in prepare_texts(texts)]
        return np.array(rows, dtype=np.float32).reshape(len(rows), self.dimension)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        """Same hashing as passages, so lexical overlap gives similarity."""
        return self._embed(texts)

    def embed_passages(self, texts: list[str], progress: bool = False) -> np.ndarray:
        """Ignore ``progress``: hashing is instant."""
        return self._embed(texts)
