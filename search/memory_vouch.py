"""A close rewording of a judged question the gate accepts is in domain (round 20, MR).

The judged-query memory (search.query_memory) holds the pool's judged questions, every one
answered by the report. A query the domain gate and its rescues refuse passes when one of its
readings has cosine VOUCH_FLOOR or more with such a question that the plain gate itself accepts
(a voucher): everyday wordings of a question asked before ("teenagers betting money on
gambling" ~ "teenage boys betting money on games"). A judged question the gate refuses vouches
for nothing, so an errand near a judged errand stays refused. The vouchers are marked at
ingest, where the gate and BM25 exist, and saved with the memory.

VOUCH_FLOOR was set before any run from the development figures (round20_gates.txt): the 417
dev off-topic strings' nearest voucher lies at or under 0.906, the pool's rescuable refusals at
0.925-0.994 (leave-one-part-out).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from search.domain_gate import DomainGate
from search.gate_verdict import gate_accepts, plain_match
from search.lexical import BM25Index

VOUCH_FLOOR = 0.92


def mark_vouchers(gate: DomainGate | None, bm25: BM25Index, texts: Sequence[str],
                  vectors: np.ndarray) -> np.ndarray:
    """Per judged question: does the plain gate accept it (its vector, its lexical match)?"""
    if gate is None:
        return np.zeros(len(texts), dtype=bool)
    return np.array([gate_accepts(gate, text, [vector], plain_match(bm25, text))
                     for text, vector in zip(texts, vectors, strict=True)], dtype=bool)


def vouched(vectors: np.ndarray, vouchers: np.ndarray | None,
            readings: Sequence[np.ndarray | None]) -> bool:
    """Some reading lies at VOUCH_FLOOR or closer to a voucher (unit rows of `vectors`)."""
    given = [np.asarray(r, dtype=np.float32) for r in readings if r is not None]
    if vouchers is None or not vouchers.any() or not given:
        return False
    queries = np.stack(given)
    queries /= np.maximum(np.linalg.norm(queries, axis=1, keepdims=True), 1e-12)
    # every row at once and the vouchers picked after: a boolean index would copy the rows
    # (0.2 ms a reading); einsum's own loop, not BLAS, as the memory's votes
    sims = np.einsum("nd,qd->nq", vectors, queries).max(axis=1)
    return float(np.max(sims, where=vouchers, initial=-np.inf)) >= VOUCH_FLOOR
