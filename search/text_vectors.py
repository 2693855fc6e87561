"""Vectors of texts embedded at ingest besides the passages, kept with the index.

The rights ranking embeds every action sentence (passage prompt) and every article query
(query prompt) at each ingest; kept beside the index under the model's fingerprint, the next
ingest embeds only texts it has not seen (a re-ingest or a second report keeps most of them).
A vector depends only on the model and the text: rows are independent of their batch-mates.
"""

from __future__ import annotations

import os
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

FILE = "text_vectors.npz"
KINDS = ("passage", "query")  # which prompt embedded the text


def process_umask() -> int:
    """This process's umask, read without changing it (os.umask would, for every thread)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    return 0o022  # the common default where /proc is missing


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
        """Write to `path` through a private temporary file renamed into place, so a reader
        (or a second writer) never sees a half-written file."""
        texts = [(k, t) for k in KINDS for t in self.kinds.get(k, {})]
        vectors = np.array([self.kinds[k][t] for k, t in texts], dtype=np.float32)
        handle, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
        try:
            # mkstemp makes the file 0600; give it the mode a plain open() would, so another
            # user serving this data directory can read it like gate.npz beside it.
            os.fchmod(handle, 0o666 & ~process_umask())
            with os.fdopen(handle, "wb") as out:
                np.savez(out, model=np.array(self.model),
                         kinds=np.array([k for k, _ in texts], dtype=str),
                         texts=np.array([t for _, t in texts], dtype=str), vectors=vectors)
            os.replace(tmp, path)
        finally:
            Path(tmp).unlink(missing_ok=True)

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
