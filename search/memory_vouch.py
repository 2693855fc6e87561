"""A close rewording of a judged question the gate accepts is in domain (round 20, MR).

The judged-query memory (search.query_memory) holds the pool's judged questions, every one
answered by the report. A query the domain gate and its rescues refuse passes when one of its
readings has cosine VOUCH_FLOOR or more with such a question that the plain gate itself accepts
(a voucher): everyday wordings of a question asked before ("teenagers betting money on
gambling" ~ "teenage boys betting money on games"). A judged question the gate refuses vouches
for nothing, so an errand near a judged errand stays refused. The vouchers are marked at
ingest, where the gate and BM25 exist, and saved with the memory under vouch_recipe() (the gate's
thresholds and VOUCH_VERSION): an index marked under another recipe is re-marked at the next
sync (search.engine.memory_outdated). A text the gate never asks its classifier about (digits
and signs; mash or non-words nothing of which matched lexically) is never vouched for either.

VOUCH_FLOOR was set before any run from the development figures (round20_gates.txt): the 417
dev off-topic strings' nearest voucher lies at or under 0.906, the pool's rescuable refusals at
0.925-0.994 (leave-one-part-out).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from search import domain_gate
from search.domain_gate import DomainGate
from search.gate_text import beyond_the_classifier
from search.gate_verdict import gate_accepts, plain_match
from search.lexical import BM25Index
from search.query_memory import QueryMemory

VOUCH_FLOOR = 0.92
# bumped when the gate's text rules change in a way its thresholds do not show, so that old
# indexes are re-marked
VOUCH_VERSION = 1
# the gate's thresholds a verdict reads (search.domain_gate)
_GATE_SETTINGS = ("MIN_DOMAIN_SCORE", "MIN_DOMAIN_SCORE_ENGLISH", "SERVICE_ASKED_BELOW",
                  "MIN_SERVICE_SCORE", "MIN_MATCH", "RARE_DOC_SHARE", "GATE_REPAIRED_CREDIT")


def vouch_recipe() -> str:
    """What the vouchers are marked under: VOUCH_VERSION and the gate's thresholds."""
    settings = ", ".join(f"{name} {getattr(domain_gate, name)!r}" for name in _GATE_SETTINGS)
    return f"vouch v{VOUCH_VERSION}; {settings}"


def mark_vouchers(gate: DomainGate | None, bm25: BM25Index, texts: Sequence[str],
                  vectors: np.ndarray) -> np.ndarray:
    """Per judged question: does the plain gate accept it (its vector, its lexical match)?"""
    if gate is None:
        return np.zeros(len(texts), dtype=bool)
    return np.array([gate_accepts(gate, text, [vector], plain_match(bm25, text))
                     for text, vector in zip(texts, vectors, strict=True)], dtype=bool)


def vouched(memory: QueryMemory | None, text: str, share: float,
            readings: Sequence[np.ndarray | None],
            similarities: Callable[[], np.ndarray] | None = None) -> bool:
    """Some reading of `text` (gate lexical share `share`) lies at VOUCH_FLOOR or closer to a
    voucher of the memory, and the text is one the gate would ask its classifier about.
    `similarities`: the memory's cosines to the readings (QueryMemory.similarities' figures)
    when the caller has them already."""
    given = [r for r in readings if r is not None]
    if memory is None or memory.vouchers is None or not memory.vouchers.any() or not given:
        return False
    # digits and signs, mash: their embedding is noise ("( ) 19 ?" sits at 0.929 from a
    # judged "artikel 19" question, round 20), as at the gate
    if beyond_the_classifier(text, share):
        return False
    # every row's cosine, the vouchers picked after: a boolean index would copy the rows; read
    # from the pass the known off-topic check makes over the same rows when the caller has it
    sims = similarities() if similarities is not None else memory.similarities(given)
    return float(np.max(sims, where=memory.vouchers, initial=-np.inf)) >= VOUCH_FLOOR
