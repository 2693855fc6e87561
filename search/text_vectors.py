"""Vectors of texts embedded at ingest besides the passages, kept with the index.

The rights ranking embeds every action sentence (passage prompt) and every article query
(query prompt) at each ingest; kept beside the index under the model's fingerprint, the next
ingest embeds only texts it has not seen (a re-ingest or a second report keeps most of them).
A vector depends only on the model and the text: rows are independent of their batch-mates.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from search.file_swap import write_swapped

FILE = "text_vectors.npz"
KINDS = ("passage", "query")  # which prompt embedded the text


class TextVectorsError(ValueError):
    """A saved file of text vectors cannot be read (damaged or of another layout)."""


@dataclass
class TextVectors:
    """Text -> vector per prompt kind, all from the model with this fingerprint."""

    model: str
    kinds: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)

    def known(self, kind: str, fingerprint: str) -> dict[str, np.ndarray]:
        """The vectors of one kind, when they come from the model with `fingerprint`."""
        return self.kinds.get(kind, {}) if fingerprint == self.model else {}

    def save(self, directory: Path) -> None:
        """Write FILE into an index directory."""
        self.write(Path(directory) / FILE)

    def write(self, path: Path) -> None:
        """Write to `path` beside it and renamed in (search.file_swap), so a reader (or a
        second writer) never sees a half-written file."""
        texts = [(k, t) for k in KINDS for t in self.kinds.get(k, {})]
        vectors = np.array([self.kinds[k][t] for k, t in texts], dtype=np.float32)
        write_swapped(path, lambda out: np.savez(
            out, model=np.array(self.model), kinds=np.array([k for k, _ in texts], dtype=str),
            texts=np.array([t for _, t in texts], dtype=str), vectors=vectors))

    @classmethod
    def load(cls, directory: Path) -> TextVectors | None:
        """The saved vectors of an index directory, or None (none saved, or unreadable:
        only a saving, a damaged file means embedding those texts again)."""
        try:
            return cls.read(Path(directory) / FILE)
        except (FileNotFoundError, TextVectorsError):
            return None

    @classmethod
    def read(cls, path: Path) -> TextVectors:
        """The vectors saved in `path`; FileNotFoundError when there is none,
        TextVectorsError when it cannot be read."""
        if not path.is_file():
            raise FileNotFoundError(path)
        try:
            with np.load(path, allow_pickle=False) as data:
                out = cls(str(data["model"]))
                for kind, text, vector in zip(data["kinds"], data["texts"], data["vectors"],
                                              strict=True):
                    out.kinds.setdefault(str(kind), {})[str(text)] = vector
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as exc:
            raise TextVectorsError(f"{path}: {exc}") from None
        return out
