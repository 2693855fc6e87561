"""Passages, embedding model provisioning, BM25, faiss, fusion and evaluation.

The public surface, for web/ and the command line (loaded on first use, so importing one
small module such as search.evaluate does not load faiss or the model):

- open_searcher(data_dir, embedder) -> HybridSearcher over the saved index;
  HybridSearcher.search_page(query, k, mode, filters, offset) -> Results (hits, total,
  off_topic) and .search(...) -> hits; Filters, Hit, Results, MODES.
- sync_index(data_dir, passages, embedder) builds or updates the index at ingest;
  embedder_for(setting, data_dir) loads the embedding model once; saved_index, index_dir.
- RightsSignal(data): the rights vocabulary and ranked support handed in at ingest (set as
  the index's `rights` before it is saved), so a query naming a right finds its answer.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "open_searcher": "search.engine", "sync_index": "search.engine",
    "embedder_for": "search.engine", "saved_index": "search.engine",
    "index_dir": "search.engine",
    "HybridSearcher": "search.hybrid", "Filters": "search.hybrid", "Hit": "search.hybrid",
    "Results": "search.hybrid", "MODES": "search.hybrid",
    "RightsSignal": "search.rights_signal",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    """Import a public name from its module the first time it is asked for."""
    if name not in _EXPORTS:
        raise AttributeError(f"module 'search' has no attribute {name!r}")
    return getattr(import_module(_EXPORTS[name]), name)
