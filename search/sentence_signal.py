"""A passage's best sentence speaks for it on the dense side (max-sim).

One vector per passage averages its sentences: a question about one detail ("broschyrer på
ungdomsmottagningen") meets a passage whose other sentences are about something else only
faintly. Ingest already embeds every action sentence for the rights ranking and keeps the
vectors with the index (search.text_vectors, kind "passage"), so search reads them at no
extra embedding: each sentence belongs to the passages whose text holds it, and a passage's
dense score becomes

    (1 - SENTENCE_WEIGHT) * cos(query, passage) + SENTENCE_WEIGHT * max(cos(query, passage),
                                                   cos(query, its best sentence)).

Chosen in round 7 on the pool (tuning + held-out 2-5, 286 queries), each choice checked
leave-one-part-out: hybrid nDCG@10 0.803 -> 0.811 at 0.5 (0.805 / 0.808 / 0.799 at 0.25 /
0.75 / 1.0; every fold picked 0.5; no part lower). Every sentence of every passage (257 more
to embed at ingest) reached 0.815: not taken, it would cost ingest time and an index change.
Round 8 let a section's heading count as a sentence of every passage under it (pool 0.7989 ->
0.8020, LOPO the same) and removed it again after the blind run: on the 177 queries that never
chose it (held-out + blind set 7) it was -0.002, under the 0.003 a rule must earn
(benchmarks/results/eval.txt).
"""

from __future__ import annotations

import bisect
from collections.abc import Callable

import numpy as np

SENTENCE_WEIGHT = 0.5  # the best sentence's share of a passage's dense score
SEPARATOR = "\x00"  # joins the passage texts for the containment search (never in a text)

Ranked = list[tuple[int, float]]


class SentenceVectors:
    """Sentence vectors grouped by the passage rows whose text contains them, with those
    passages' own vectors: the mixed score of every such passage is two matrix products."""

    def __init__(self, vectors: np.ndarray, rows: list[tuple[int, ...]],
                 passage_vector: Callable[[int], np.ndarray]) -> None:
        self.rows = rows
        pairs = sorted((row, i) for i, found in enumerate(rows) for row in found)
        owners = [row for row, _ in pairs]
        self.owners = np.array(sorted(set(owners)), dtype=np.int64)  # rows with a sentence
        self._starts = np.searchsorted(owners, self.owners)  # each owner's first pair
        # the sentences (grouped by owner) and then the owners' own vectors: one product
        own = np.stack([passage_vector(int(row)) for row in self.owners])
        self._matrix = np.ascontiguousarray(
            np.vstack([vectors[[i for _, i in pairs]], own]), dtype=np.float32)
        self._split = len(pairs)

    def __len__(self) -> int:
        return len(self.rows)

    @classmethod
    def of(cls, passages: list[dict], texts: dict[str, np.ndarray],
           passage_vector: Callable[[int], np.ndarray]) -> SentenceVectors | None:
        """The texts that lie inside some longer passage, mapped to those passages (to a
        passage that is the text whole it adds nothing); None when there are none.
        `passage_vector(row)` is the index's vector of a passage."""
        starts, joined = _joined(passages)
        kept, rows = [], []
        for text, vector in texts.items():
            found = tuple(row for row in _containing(joined, starts, text)
                          if passages[row]["text"] != text) if text else ()
            if found:
                kept.append(vector)
                rows.append(found)
        return cls(np.stack(kept), rows, passage_vector) if kept else None

    def mixed(self, hits: Ranked, vector: np.ndarray, k: int,
              weight: float = SENTENCE_WEIGHT) -> Ranked:
        """The k best rows by the mixed dense score, among the passage side's `hits` and
        every passage that has a sentence (the others keep their cosine)."""
        cosines = self._matrix @ np.asarray(vector, dtype=np.float32)
        best = np.maximum.reduceat(cosines[:self._split], self._starts)
        own = cosines[self._split:]
        mixed = (1 - weight) * own + weight * np.maximum(own, best)
        if len(mixed) > k:  # only the k best owners can be among the k best rows
            keep = np.argpartition(-mixed, k - 1)[:k]
            owners, mixed = self.owners[keep], mixed[keep]
        else:
            owners = self.owners
        scored = dict(hits)
        scored.update(zip(owners.tolist(), mixed.tolist(), strict=True))
        return sorted(scored.items(), key=lambda item: (-item[1], item[0]))[:k]


def _joined(passages: list[dict]) -> tuple[list[int], str]:
    """Every passage's text in one string, and where each begins."""
    starts, position = [], 0
    for p in passages:
        starts.append(position)
        position += len(p["text"]) + 1
    return starts, SEPARATOR.join(p["text"] for p in passages)


def _containing(joined: str, starts: list[int], text: str) -> tuple[int, ...]:
    """The rows whose text contains `text` (a separator never matches, so no match spans two)."""
    rows, at = [], joined.find(text)
    while at >= 0:
        rows.append(bisect.bisect_right(starts, at) - 1)
        at = joined.find(text, at + 1)
    return tuple(dict.fromkeys(rows))
