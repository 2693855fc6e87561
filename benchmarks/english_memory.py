"""Round 21 (EN21): the judged-query memory with an English floor, as the variants V1 and V2.

For a query looks_english recognises, the memory hears some judged queries above
`stretch_floor` instead of its floor: every one (V1, EQ) or those whose own text looks English
(V2, EE). Done as a stretched cosine for those rows, s' = floor + (1 - floor)(s - F)/(1 - F),
so s' <= floor exactly when s <= F and the vote's weight is (s - F)/(1 - F). Only the
searcher's memory is replaced (its votes); the gate's vouch reads the index's memory, as
shipped. V1 passed its rule and shipped as QueryMemory.english_floor (ENGLISH_FLOOR) for a
few minutes; the round's full evaluation took it out again (round21_gates.txt). On code with
such a field these variants set it to the memory's floor, so that they measure themselves
against round 20's memory either way.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from search.held_texts import HeldTexts
from search.query_adapter import JudgedQuery
from search.query_memory import QueryMemory, kept_answers
from search.textnorm import looks_english

VARIANTS = ("V1", "V2")


def stretched(sims: np.ndarray, rows: np.ndarray, floor: float, english_floor: float) \
        -> np.ndarray:
    """The cosines with `rows`' read on the English floor's scale (F -> floor, 1 -> 1)."""
    out = sims.copy()
    out[rows] = floor + (1.0 - floor) * (sims[rows] - english_floor) / (1.0 - english_floor)
    return out


@dataclass(frozen=True)
class EnglishMemory(QueryMemory):
    """A QueryMemory whose `english_rows` are heard above `stretch_floor` when the query
    (`english_query`) looks English."""

    english_rows: np.ndarray | None = None  # per row: stretched for an English query
    stretch_floor: float = 1.0
    english_query: bool = False

    def similarities(self, vectors: list[np.ndarray]) -> np.ndarray:
        """QueryMemory's cosines, stretched for the English rows of an English query."""
        sims = super().similarities(vectors)
        if not self.english_query or self.english_rows is None:
            return sims
        return stretched(sims, self.english_rows, self.floor, self.stretch_floor)

    def for_query(self, text: str) -> EnglishMemory:
        """This memory for one query text (its English flag set)."""
        return dataclasses.replace(self, english_query=looks_english(text))


def round20(memory: QueryMemory) -> QueryMemory:
    """`memory` as round 20 shipped it: an English query at the memory's floor too."""
    if not hasattr(memory, "english_floor"):  # code before round 21's ENGLISH_FLOOR
        return memory
    return dataclasses.replace(memory, english_floor=memory.floor)


def english_memory(memory: QueryMemory, variant: str, english_floor: float,
                   passages: list[dict], judged: list[JudgedQuery]) -> EnglishMemory:
    """`memory` (built from `judged` on `passages`) with the variant's English rows heard
    above `english_floor` (any English floor of its own set to its floor)."""
    texts = list(kept_answers(HeldTexts(passages), judged))  # the memory's rows, in order
    assert len(texts) == len(memory), "the memory's rows are not the judged texts kept"
    rows = np.ones(len(texts), bool) if variant == "V1" \
        else np.array([looks_english(t) for t in texts], bool)
    memory = round20(memory)  # the variant's English floor is its own
    fields = {f.name: getattr(memory, f.name) for f in dataclasses.fields(memory)}
    return EnglishMemory(**fields, english_rows=rows, stretch_floor=english_floor)
