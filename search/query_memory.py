"""A judged-query memory: the judged development queries nearest a new query vote for the
passages they were judged relevant to (round 15, issue 9).

The query adapter (search.query_adapter) uses the judged queries only through one linear
map fitted on all of them. The memory uses them as they are: a new question on a report
this often asked about is often a rewording of a judged one. For a query vector q, the
NEIGHBOURS judged queries with the highest cosine s > FLOOR each give their judged passages
w · grade / 3, w = (s − FLOOR) / (1 − FLOOR); a passage keeps its highest vote, and the votes
are divided by the query's highest (so in [0, 1]). The memory is silent for the whole query
when the neighbours point at the indicator table (at least SILENT_SHARE of their grade-3
weight is on indicator rows). Hybrid's fusion adds WEIGHT × vote (search.fusion.convex_fuse)
for the passages in the query's own BM25 or dense top CANDIDATE_DEPTH only (restrict); the
domain gate reads only its vouchers (search.memory_vouch); `dense`, `bm25` and RRF never read it.

Built at ingest from the same judged queries and vectors as the adapter (the query texts,
embedded with the query prompt by the index's model). A judged passage answers wherever the
index holds the text judged (its hash): under its judged id when that passage still holds it,
else under the first passage holding it (a corrected report whose lines moved); a text the
index holds no longer gives nothing. Other passages of the same text (a later report's
unchanged copy, round 16) are its TWINS: they get its vote, but the vote and the indicator
silence are reckoned once per judged text. Saved as FILE beside the adapter; an index without
it has no memory. Design D4,
chosen by nested leave-one-part-out over the 13 pool parts:
benchmarks/results/eval_round15_memory4.txt; its settings re-chosen over the 29 pool parts in
round 20: benchmarks/results/eval_round20_memory.txt.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

import numpy as np

from corpus.passages import INDICATOR
from search.file_swap import write_swapped
from search.fusion import Ranked
from search.held_texts import HeldTexts, Twins, held_judgements
from search.npz_file import read_npz
from search.query_adapter import EmbedQueries, JudgedQuery, load_judged

FILE = "query_memory.npz"
# NEIGHBOURS, FLOOR, WEIGHT and CANDIDATE_DEPTH re-chosen in round 20 (8, 0.90, 0.5, 20 since
# round 15) by nested leave-one-part-out over the 29 pool parts, with the adapter's RIDGE:
# benchmarks/results/eval_round20_memory.txt
NEIGHBOURS = 16  # judged queries read per query
FLOOR = 0.88  # the cosine at or below which a judged query gives nothing
WEIGHT = 0.75  # the memory's weight in the fusion, beside the mix
CANDIDATE_DEPTH = 40  # a vote counts for a passage in either side's top this many
SILENT_KIND = INDICATOR  # neighbours pointing mostly at this kind silence the memory
SILENT_SHARE = 0.5  # the share of the neighbours' grade-3 weight on SILENT_KIND that does

Judged = tuple[tuple[str, int], ...]  # (passage id, grade 1-3) of one judged query
Mark = Callable[[list[str], np.ndarray], np.ndarray]  # (texts, unit vectors) -> vouching rows


@dataclass(frozen=True)
class QueryMemory:
    """The judged queries' vectors (one unit row each), the passages each was judged
    relevant to, which of those are indicator rows, their twins, the neighbours read and the
    floor."""

    vectors: np.ndarray  # n × d float32
    judged: tuple[Judged, ...]  # per row of `vectors`
    indicators: frozenset[str] = frozenset()  # the judged passages of SILENT_KIND
    neighbours: int = NEIGHBOURS
    floor: float = FLOOR
    twins: Twins = field(default_factory=dict)  # judged id -> other passages of its text
    # per row: the plain gate accepts that judged question (search.memory_vouch); None: a
    # memory saved before round 20, which vouches for nothing
    vouchers: np.ndarray | None = None
    vouch_recipe: str = ""  # what the vouchers were marked under (memory_vouch.vouch_recipe)
    source: str = ""  # what the judged queries were read from, where a kind checks it
    FILE: ClassVar[str] = FILE  # the index's file of this memory (a subclass saves its own)
    SILENT: ClassVar[bool] = True  # falls silent when the neighbours point at indicator rows

    def __len__(self) -> int:
        """The number of judged queries remembered."""
        return len(self.judged)

    @classmethod
    def build(cls, passages: list[dict], embed_queries: EmbedQueries,
              judged: list[JudgedQuery] | None = None,
              mark: Mark | None = None, recipe: str = "") -> QueryMemory | None:
        """The memory of the judged queries (default search/adapter_queries.jsonl) with the
        passages the index holds as judged; None when no query keeps a passage. `mark`
        (texts, unit vectors) -> which rows vouch, marked under `recipe`
        (search.memory_vouch); none without it."""
        texts_held = HeldTexts(passages)
        kept = kept_answers(texts_held, load_judged() if judged is None else judged)
        if not kept:
            return None
        texts = list(kept)
        vectors = unit_rows(embed_queries(texts))
        kinds = {p["id"]: p.get("kind") for p in passages if "id" in p}
        answered = {pid for answers in kept.values() for pid in answers}
        indicators = frozenset(pid for pid in answered if kinds.get(pid) == SILENT_KIND)
        marks = None if mark is None else np.asarray(mark(texts, vectors), bool)
        if marks is not None and marks.shape != (len(texts),):
            raise ValueError(f"vouchers of shape {marks.shape} for {len(texts)} judged queries")
        return cls(np.ascontiguousarray(vectors),
                   tuple(tuple(sorted(kept[t].items())) for t in texts), indicators,
                   twins=texts_held.twins(answered), vouchers=marks,
                   vouch_recipe=recipe if marks is not None else "")

    def similarities(self, vectors: list[np.ndarray]) -> np.ndarray:
        """Per judged query, its cosine to the query read as `vectors` (its readings: the
        higher one); shape (len(self),)."""
        queries = unit_rows(np.stack(vectors))
        # einsum's own loop, not BLAS: BLAS threads would compete with the encoder (round 15)
        return np.einsum("nd,qd->nq", self.vectors, queries).max(axis=1)

    def scores(self, vectors: list[np.ndarray],
               sims: np.ndarray | None = None) -> dict[str, float]:
        """Passage id -> vote in [0, 1] for a query read as `vectors` (its readings: each
        judged query at its higher cosine); empty when silent. `sims`: similarities(vectors),
        when the caller has them (search.known_offtopic.References reads them in one pass
        with the known off-topic strings)."""
        if not len(self) or not vectors:
            return {}
        sims = self.similarities(vectors) if sims is None else sims
        k = min(self.neighbours, len(sims))
        nearest = np.argpartition(-sims, k - 1)[:k]
        votes: dict[str, float] = {}
        graded, on_indicators = 0.0, 0.0  # the neighbours' grade-3 weight: all, on indicators
        for i in nearest:
            weight = min((float(sims[i]) - self.floor) / (1.0 - self.floor), 1.0)
            if weight <= 0:
                continue
            for pid, grade in self.judged[i]:
                votes[pid] = max(votes.get(pid, 0.0), weight * grade / 3)
                if grade == 3:
                    graded += weight
                    on_indicators += weight if pid in self.indicators else 0.0
        # template questions about a neighbouring table row are as close as rewordings; the
        # indicator's name, which BM25 and dense read already, tells them apart (round 15)
        if self.SILENT and graded > 0 and on_indicators >= SILENT_SHARE * graded:
            return {}
        top = max(votes.values(), default=0.0)
        if top <= 0:
            return {}
        # a twin gets its judged passage's vote after the silence and the normalisation, so
        # a second year repeating the narrative does not outweigh the indicator rows (round 16)
        return {twin: v / top for pid, v in votes.items()
                for twin in (pid, *self.twins.get(pid, ()))}

    def save(self, directory: Path) -> None:
        """Write FILE into an index directory (beside, then renamed in)."""
        judged = json.dumps([list(map(list, j)) for j in self.judged], ensure_ascii=False)
        indicators = json.dumps(sorted(self.indicators), ensure_ascii=False)
        twins = json.dumps(sorted(self.twins.items()), ensure_ascii=False)
        write_swapped(Path(directory) / self.FILE, lambda out: np.savez(
            out, vectors=self.vectors, judged=np.array(judged), source=np.str_(self.source),
            indicators=np.array(indicators), twins=np.array(twins),
            **({} if self.vouchers is None else {"vouchers": self.vouchers,
                                                  "vouch_recipe": np.str_(self.vouch_recipe)})))

    @classmethod
    def load(cls, directory: Path) -> QueryMemory | None:
        """The saved memory of an index directory; None when there is none."""
        path = Path(directory) / cls.FILE
        # valid JSON of the wrong shape is as damaged as a bad zip: read_npz names the file
        parts = read_npz(path, lambda data: (
            np.ascontiguousarray(data["vectors"], dtype=np.float32),
            tuple(tuple((str(pid), int(g)) for pid, g in j)
                  for j in json.loads(str(data["judged"]))),
            frozenset(map(str, json.loads(str(data["indicators"])))),
            # a file of round 15 has no twins: its index then held one report
            {str(pid): tuple(map(str, ids)) for pid, ids
             in json.loads(str(data["twins"]) if "twins" in data else "[]")},
            # a file before round 20 has no vouchers: it vouches for nothing
            np.asarray(data["vouchers"], dtype=bool) if "vouchers" in data else None,
            str(data["vouch_recipe"]) if "vouch_recipe" in data else "",
            str(data["source"]) if "source" in data else ""))  # saved since round 33
        if parts is None:
            return None
        vectors, answers, indicators, twins, vouchers, recipe, source = parts
        if vectors.ndim != 2 or len(vectors) != len(answers) \
                or (vouchers is not None and vouchers.shape != (len(answers),)):
            raise ValueError(f"{path}: the vectors do not fit the judged queries")
        return cls(vectors, answers, indicators, twins=twins, vouchers=vouchers,
                   vouch_recipe=recipe, source=source)


def unit_rows(rows: np.ndarray) -> np.ndarray:
    """The rows as float32, each scaled to unit length (a zero row stays zero): query vectors
    are compared by their dot product here and in search.known_offtopic."""
    vectors = np.asarray(rows, dtype=np.float32)
    return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)


def kept_answers(held: HeldTexts, judged: list[JudgedQuery]) -> dict[str, dict[str, int]]:
    """Query text -> passage id -> grade, for the judged passages the index holds as judged
    (search.held_texts.held_judgements, the adapter's rule)."""
    kept: dict[str, dict[str, int]] = {}
    for q, holder, grade, _ in held_judgements(held, judged)[0]:
        into = kept.setdefault(q.text, {})  # a text judged twice keeps each passage's best
        into[holder] = max(grade, into.get(holder, 0))
    return kept


def restrict(votes: dict[int, float], bm25: Ranked, dense: Ranked) -> dict[int, float]:
    """Row -> vote for the rows in the query's own BM25 or dense top CANDIDATE_DEPTH."""
    # a neighbour reorders what the query itself points to, never brings in a passage
    own = {row for row, _ in bm25[:CANDIDATE_DEPTH]} | {row for row, _ in
                                                         dense[:CANDIDATE_DEPTH]}
    return {row: v for row, v in votes.items() if row in own}
