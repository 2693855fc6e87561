"""A small search index whose domain-gate classifier refuses every query: the gate's rescue
paths (a rare phrase, a joined compound, an initiative's name) are then all that let a query in."""

from __future__ import annotations

import dataclasses

import numpy as np

from search.domain_gate import DomainGate
from search.embedder import FakeEmbedder
from search.index_store import SearchIndex


def refusing_index(passages: list[dict], embedder: FakeEmbedder) -> SearchIndex:
    """An index over `passages` (text only) whose classifier refuses every query (bias -100)."""
    rows = [{"id": f"p/{i}", "heading": None, "kind": "narrative", **p}
            for i, p in enumerate(passages)]
    never = DomainGate(np.zeros(embedder.dimension, dtype=np.float32), -100.0)
    return dataclasses.replace(SearchIndex.build(rows, embedder), gate=never)
