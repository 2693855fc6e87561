"""Fusion that listens to the query: a convex mix of normalised scores, weighted per query.

Equal-weight reciprocal-rank fusion gives BM25's ranking the same say whether or not the
query's words occur in the report; on paraphrases and English queries that lets lexical
noise pull good dense rankings down. Here each side's scores are normalised (BM25 by its top
score; cosine between the candidates' 50th-ranked value and the top, since e5's cosines sit
in a narrow band) and mixed as

    score = w * bm25_norm + (1 - w) * dense_norm + r * rights,   w = W_MAX * lexical match,

where the lexical match is the IDF share of the query's content words that BM25's top
passage holds (search.query_signals.top_match): a name or a misspelling is all in one
passage, a paraphrase made of common words is not. `rights` is the rights signal
(search.rights_signal), zero unless the query names a right. Chosen on the tuning part of
the dev set only (tests/data/search_tune.jsonl): W_MAX and the floor rank in round 2 (flat
for W_MAX 0.55-0.65 and floor ranks 30-50); the top-passage match replaced round 2's corpus
coverage (nDCG@10 0.822 -> 0.826, no new parameter); r = 0.5 (rights queries 0.836 with no
signal, 0.875 / 0.896 / 0.918 / 0.882 for r = 0.3 / 0.5 / 0.7 / 1.0 on six queries: the
middle of the plateau, since a misrecognised right costs more with a larger r).
"""

from __future__ import annotations

from dataclasses import dataclass

W_MAX = 0.6  # BM25's weight when every query word is in the corpus
# An English question's lexical match reads low (its words are not the report's), which gave BM25
# about 0.17; counted as this share instead, its weight is W_MAX x 2/3 = 0.4 (EW26, round 26:
# benchmarks/results/eval_round26_english_weight.txt)
ENGLISH_COVERAGE = 2 / 3
RIGHTS_WEIGHT = 0.5  # the rights signal's weight (search.rights_signal), beside the mix
DENSE_FLOOR_RANK = 50  # the cosine at this rank maps to 0 (at or below: no dense evidence)
RRF_K = 60

Ranked = list[tuple[int, float]]  # (row, score), best first
Fused = list[tuple[int, float, dict[str, int]]]  # (row, fused score, {method: rank})


@dataclass(frozen=True)
class FusionWeights:
    """BM25's share of the mixed score for one query (dense gets the rest), and the rights
    signal's weight added on top (0 when the query names no right)."""

    bm25: float
    rights: float = RIGHTS_WEIGHT
    memory: float = 0.0  # the judged-query memory's weight (search.query_memory)

    @classmethod
    def for_coverage(cls, coverage: float, w_max: float = W_MAX,
                     rights: float = RIGHTS_WEIGHT, memory: float = 0.0) -> FusionWeights:
        """Scale BM25's weight with how much of the query the corpus vocabulary covers."""
        return cls(w_max * min(1.0, max(0.0, coverage)), rights, memory)


def normalise_bm25(rows: Ranked) -> dict[int, float]:
    """BM25 scores divided by the top score (1.0 for the best lexical match)."""
    top = rows[0][1] if rows else 0.0
    return {row: score / top for row, score in rows} if top > 0 else {}


def normalise_dense(rows: Ranked, floor_rank: int = DENSE_FLOOR_RANK) -> dict[int, float]:
    """Cosines rescaled so the top is 1.0 and the floor rank's value (or the last) is 0.0."""
    if not rows:
        return {}
    top, floor = rows[0][1], rows[min(floor_rank, len(rows)) - 1][1]
    span = top - floor
    if span <= 0:
        return {row: 1.0 if i == 0 else 0.0 for i, (row, _) in enumerate(rows)}
    return {row: max(0.0, (score - floor) / span) for row, score in rows}


def convex_fuse(bm25: Ranked, dense: Ranked, weights: FusionWeights,
                rights: dict[int, float] | None = None,
                memory: dict[int, float] | None = None) -> Fused:
    """Union of the candidate lists, scored by the weighted normalised scores, best first.

    `rights` (row -> signal in [0, 1]) are the answer passages of a right the query names;
    `memory` (row -> vote in [0, 1]) those of the judged queries nearest it.
    """
    lexical, semantic, rights = normalise_bm25(bm25), normalise_dense(dense), rights or {}
    memory = memory or {}
    ranks: dict[int, dict[str, int]] = {}
    for name, rows in (("bm25", bm25), ("dense", dense), ("rights", by_value(rights)),
                       ("memory", by_value(memory))):
        for rank, (row, _) in enumerate(rows, start=1):
            ranks.setdefault(row, {})[name] = rank
    w = weights.bm25
    scored = {row: w * lexical.get(row, 0.0) + (1 - w) * semantic.get(row, 0.0)
              + weights.rights * rights.get(row, 0.0)
              + weights.memory * memory.get(row, 0.0) for row in ranks}
    # ties (e.g. two passages both at zero) fall back to the better rank on either side
    order = sorted(scored, key=lambda row: (-scored[row], min(ranks[row].values()), row))
    return [(row, scored[row], ranks[row]) for row in order]


def by_value(signal: dict[int, float]) -> Ranked:
    """A row -> value signal as a ranking, highest first."""
    return sorted(signal.items(), key=lambda item: -item[1])


def rrf_fuse(bm25: Ranked, dense: Ranked, k: int = RRF_K) -> Fused:
    """Equal-weight reciprocal-rank fusion: the baseline the convex mix replaced."""
    scores: dict[int, float] = {}
    ranks: dict[int, dict[str, int]] = {}
    for name, rows in (("bm25", bm25), ("dense", dense)):
        for rank, (row, _) in enumerate(rows, start=1):
            scores[row] = scores.get(row, 0.0) + 1.0 / (k + rank)
            ranks.setdefault(row, {})[name] = rank
    order = sorted(scores, key=lambda row: -scores[row])
    return [(row, scores[row], ranks[row]) for row in order]


def merge_max(first: Ranked, second: Ranked, k: int) -> Ranked:
    """Two rankings of one side as one: each row at its better score, the best k, best first.

    The dense side searches with the query as typed and as repaired (search.query_repair):
    whichever reading a passage matches better speaks for it, so a wrong repair costs little.
    """
    best: dict[int, float] = {}
    for row, score in (*first, *second):
        best[row] = max(score, best.get(row, score))
    return sorted(best.items(), key=lambda item: (-item[1], item[0]))[:k]


def single(name: str, rows: Ranked) -> Fused:
    """One method's list in its own order and scores."""
    return [(row, score, {name: rank}) for rank, (row, score) in enumerate(rows, start=1)]
