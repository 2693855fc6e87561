"""Dense vectors in faiss: exact inner product at this size, HNSW above a threshold."""

from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np

DEFAULT_EXACT_LIMIT = 50_000  # passages; above this an approximate (HNSW) index is built


class DenseIndex:
    """Unit-length vectors; inner product is cosine similarity."""

    def __init__(self, dimension: int, exact_limit: int = DEFAULT_EXACT_LIMIT) -> None:
        self.dimension = dimension
        self.exact_limit = exact_limit
        self.index: faiss.Index = faiss.IndexFlatIP(dimension)

    def __len__(self) -> int:
        return int(self.index.ntotal)

    @property
    def kind(self) -> str:
        """'exact' or 'hnsw'."""
        return "hnsw" if isinstance(self.index, faiss.IndexHNSWFlat) else "exact"

    def add(self, vectors: np.ndarray) -> None:
        """Append vectors (rows in passage order); switch to HNSW past the exact limit."""
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape[1] != self.dimension:
            raise ValueError(f"expected vectors of dimension {self.dimension}, "
                             f"got shape {vectors.shape}")
        if self.kind == "exact" and len(self) + len(vectors) > self.exact_limit:
            self._to_hnsw()
        self.index.add(vectors)

    def _to_hnsw(self) -> None:
        """Move existing vectors into an HNSW graph index (inner-product metric)."""
        existing = self.index.reconstruct_n(0, len(self)) if len(self) else None
        hnsw = faiss.IndexHNSWFlat(self.dimension, 32, faiss.METRIC_INNER_PRODUCT)
        hnsw.hnsw.efSearch = 128
        if existing is not None:
            hnsw.add(existing)
        self.index = hnsw

    def search(self, query: np.ndarray, k: int) -> list[tuple[int, float]]:
        """The k nearest rows to one query vector: (row, cosine)."""
        if len(self) == 0 or k <= 0:
            return []
        scores, rows = self.index.search(np.asarray(query, dtype=np.float32).reshape(1, -1),
                                         min(k, len(self)))
        return [(int(r), float(s)) for r, s in zip(rows[0], scores[0], strict=True) if r >= 0]

    def vector(self, row: int) -> np.ndarray:
        """The stored vector of one row (for "more like this")."""
        return self.index.reconstruct(row)

    def save(self, path: Path) -> None:
        """Write the faiss index to a file."""
        faiss.write_index(self.index, str(path))

    @classmethod
    def load(cls, path: Path, exact_limit: int = DEFAULT_EXACT_LIMIT) -> DenseIndex:
        """Read a faiss index written by save()."""
        index = faiss.read_index(str(path))
        dense = cls(index.d, exact_limit)
        dense.index = index
        return dense
