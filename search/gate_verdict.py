"""The domain gate's plain verdict on a query: its classifier with the lexical match it reads.

Kept apart from search.hybrid so that ingest can ask it of the judged queries too
(search.memory_vouch) with the same reading as a live query.
"""

from __future__ import annotations

import numpy as np

from search.domain_gate import GATE_REPAIRED_CREDIT, DomainGate, is_rare
from search.lexical import BM25Index
from search.query_signals import QuerySignals, top_match


def plain_match(bm25: BM25Index, text: str) -> QuerySignals:
    """The IDF shares of the query's words BM25's top passage holds, and its rarest."""
    best = bm25.search(text, 1)
    return top_match(bm25, text, best[0][0]) if best else QuerySignals(0.0, 0.0, 0)


def gate_lexical(match: QuerySignals) -> tuple[float, bool]:
    """What the domain gate reads of a lexical match: its share (a repair counts in part) and
    whether the top passage holds a rare word of the query as written."""
    return match.coverage(GATE_REPAIRED_CREDIT), is_rare(match.rarest_df, match.n_docs)


def gate_accepts(gate: DomainGate, text: str, vectors: list[np.ndarray | None],
                 match: QuerySignals) -> bool:
    """The domain gate accepts a vector of the query with this lexical match."""
    share, rare = gate_lexical(match)
    return any(gate.accepts(v, share, rare, text) for v in vectors if v is not None)
