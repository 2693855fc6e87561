"""A linear adapter for query vectors, fitted at ingest from the report's own headings
(and, for the bundled report, from judged development queries).

The model (multilingual-e5-small) was never shown this report. Its headings are short
query-like texts with known answers: the passages under them. Ingest embeds each heading
with the query prompt (the domain gate embeds the same texts: the headings cost nothing more),
pairs it with the index's vector of every passage under it, and fits a ridge map toward the
identity in closed form (deterministic, no training loop):

    W = (QᵀQ + λI)⁻¹ (QᵀP + λI),   λ = RIDGE × n / d   (n pairs, d dimensions).

Only headings whose passages all lie under one mål are pseudo-queries: a generic heading
("Exempel på utvecklingsområden", under every målområde) has no one answer. An indicator
passage's heading is the indicator's name, so the names are pseudo-queries too.

The hybrid search's dense side searches with normalise((1 − ALPHA) q + ALPHA qW); the domain
gate and `dense` mode keep the bare query vector (the model as it is: the reference).
Chosen in round 10 on the pool, leave-one-part-out; RIDGE was taken beforehand from a check
on the headings alone. The figures (and the cost) are in docs/search.md and
benchmarks/results/eval_round10_adapter.txt.

Round 13: QUERIES (search/adapter_queries.jsonl, made by benchmarks/make_adapter_queries.py
from the pool's judged parts, never a reported one) adds real queries: each is paired with
every judged relevant passage the index holds, the pair repeated `grade` times, and the
searched vector then takes QUERY_ALPHA of qW. The passage ids name one report, so another
report's index fits on its headings alone, as before. Chosen leave-one-part-out over the 12
pool parts: benchmarks/results/eval_round13_adapter.txt. The query texts are embedded too
(their vectors are kept with the software's other texts: search/shipped_vectors.py). Each
pair also names its passage's text hash: a passage whose text changed since the file was
made (the ids are source lines) is not paired, and the fit says how many it skipped. The
saved adapter records which query pairs and recipe (RIDGE, QUERY_ALPHA, the pairing rule)
it was fitted from (`source`), so an index whose pairs or recipe changed is refitted.

W − I has rank at most r, the number of distinct query texts (headings and judged queries):
kept as two factors, d × r and r × d, while r < d/2, else (as with the judged queries, r in
the hundreds) as the whole d × d map. At a query nothing: a searcher folds the map
into copies of the passage and sentence vectors (FoldedDense, once per index, when it opens
an exact one); an approximate (HNSW) index maps the query vector instead.
"""

from __future__ import annotations

import hashlib
import json
import math
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from search.dense import DenseIndex
from search.file_swap import write_swapped
from search.held_texts import held_judgements
from search.npz_file import read_npz
from search.sentence_signal import Ranked, SentenceVectors

FILE = "adapter.npz"
ALPHA = 0.25  # the adapted vector's share of the searched query vector
# λ per pair and dimension: the pull toward the identity. 1.0 since round 10; 0.5 since round 20,
# chosen with the memory's settings: benchmarks/results/eval_round20_memory.txt
RIDGE = 0.5
QUERY_ALPHA = 0.4  # the adapted share when judged queries are fitted too (round 13)
QUERIES = Path(__file__).with_name("adapter_queries.jsonl")  # judged queries, bundled report
PAIRING = ("headings under one mål; each judged query with every relevant passage whose judged "
           "text the index holds (search.held_texts), repeated by grade")  # hashed into `source`

EmbedQueries = Callable[[list[str]], np.ndarray]


def pseudo_pairs(passages: list[dict]) -> list[tuple[str, int]]:
    """(heading, row) for each passage whose heading lies under one mål only."""
    where: dict[str, set[tuple[object, object]]] = {}
    for p in passages:
        if p.get("heading"):
            where.setdefault(p["heading"], set()).add((p.get("goal_area"), p.get("goal")))
    return [(p["heading"], row) for row, p in enumerate(passages)
            if p.get("heading") and len(where[p["heading"]]) == 1]


@dataclass(frozen=True)
class JudgedQuery:
    """A development query, its judged passages (id -> grade 1-3) and their text hashes (id ->
    search.index_store.text_key of the passage judged)."""

    text: str
    relevant: dict[str, int]
    hashes: dict[str, str]


def load_judged(path: Path | None = None) -> list[JudgedQuery]:
    """The judged queries of a pairs file (default QUERIES; '#' lines are its header); none
    when it is absent."""
    path = Path(QUERIES if path is None else path)
    if not path.is_file():
        return []
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines()
            if line.strip() and not line.lstrip().startswith("#")]
    return [JudgedQuery(row["query"], {str(k): int(g) for k, g in row["relevant"].items()},
                        {str(k): str(h) for k, h in row.get("hashes", {}).items()})
            for row in rows]


def judged_texts(path: Path | None = None) -> list[str]:
    """The distinct query texts of a pairs file, in file order (texts of the software's own:
    search/shipped_vectors.py keeps their vectors once per model)."""
    return list(dict.fromkeys(q.text for q in load_judged(path)))


def matched_pairs(passages: list[dict],
                  judged: list[JudgedQuery]) -> tuple[list[tuple[str, int]], int]:
    """query_pairs, and how many (query, passage) pairs were skipped as stale
    (held_judgements)."""
    held, stale = held_judgements(passages, judged)
    return [(q.text, row) for q, _, grade, row in held for _ in range(grade)], stale


def query_pairs(passages: list[dict], judged: list[JudgedQuery]) -> list[tuple[str, int]]:
    """(query, row) for each judged passage the index holds with the judged text, repeated
    `grade` times."""
    return matched_pairs(passages, judged)[0]


def recipe() -> str:
    """How query pairs become an adapter: the parts of `source` besides the pairs."""
    return f"ridge {RIDGE}; alpha {QUERY_ALPHA}; {PAIRING}"


def pairs_source(passages: list[dict], judged: list[JudgedQuery] | None = None) -> str:
    """A hash of the recipe and the query pairs an adapter for these passages is fitted from
    ('' for no query pair)."""
    return source_of(query_pairs(passages, load_judged() if judged is None else judged), passages)


def source_of(pairs: list[tuple[str, int]], passages: list[dict]) -> str:
    """The hash of the recipe and these (query, row) pairs ('' for none)."""
    if not pairs:
        return ""
    h = hashlib.sha256(f"{recipe()}\x1d".encode())
    for text, row in pairs:
        h.update(f"{text}\x1f{passages[row]['id']}\x1e".encode())
    return h.hexdigest()


def fit_ridge(queries: np.ndarray, targets: np.ndarray,
              ridge: float = RIDGE) -> tuple[np.ndarray, np.ndarray | None]:
    """W minimising |QW − P|² + λ|W − I|², λ = ridge × n / d, as W − I = left @ right.

    W − I = (QᵀQ + λI)⁻¹ Qᵀ (P − Q): with Q's r distinct rows, left = (QᵀQ + λI)⁻¹ Q_uᵀ
    (d × r) and right the summed P − Q of each distinct row (r × d). With r ≥ d/2 the
    product itself is returned (d × d) and right is None. Solved in float64, kept in float32.
    """
    q = np.asarray(queries, dtype=np.float64)
    p = np.asarray(targets, dtype=np.float64)
    n, d = q.shape
    distinct, which = np.unique(q, axis=0, return_inverse=True)
    right = np.zeros((len(distinct), d))
    np.add.at(right, which.reshape(-1), p - q)
    left = np.linalg.solve(q.T @ q + ridge * n / d * np.eye(d), distinct.T)
    if 2 * len(distinct) >= d:
        return (left @ right).astype(np.float32), None
    return left.astype(np.float32), right.astype(np.float32)


@dataclass(frozen=True)
class QueryAdapter:
    """The fitted map W = I + left @ right (right None: I + left) and how much of it the
    searched vector takes."""

    left: np.ndarray  # d × r (or d × d when right is None)
    right: np.ndarray | None  # r × d
    alpha: float = ALPHA
    source: str = ""  # pairs_source of the judged queries fitted ('' : headings alone)

    @property
    def dimension(self) -> int:
        """The query vectors' dimension."""
        return int(self.left.shape[0])

    @property
    def matrix(self) -> np.ndarray:
        """W itself (d × d, float32), for inspection and tests."""
        delta = self.left if self.right is None else self.left @ self.right
        return (np.eye(self.dimension, dtype=np.float32) + delta).astype(np.float32)

    @classmethod
    def fit(cls, passages: list[dict], vectors: np.ndarray, embed_queries: EmbedQueries,
            judged: list[JudgedQuery] | None = None) -> QueryAdapter | None:
        """Fit on the passages' headings and the judged queries (default QUERIES) whose
        passages the index holds (`vectors`: the passages' own, in row order); None when
        there is no pair."""
        judged = load_judged() if judged is None else judged
        asked, stale = matched_pairs(passages, judged)
        if stale:
            print(f"obs: frågeanpassningen hoppade över {stale} bedömda par vars passage har "
                  "ändrats sedan search/adapter_queries.jsonl skrevs (kör "
                  "benchmarks/make_adapter_queries.py)", file=sys.stderr)
        pairs = pseudo_pairs(passages) + asked
        if not pairs:
            return None
        texts = sorted({text for text, _ in pairs})
        embedded = dict(zip(texts, embed_queries(texts), strict=True))
        queries = np.stack([embedded[text] for text, _ in pairs])
        factors = fit_ridge(queries, np.asarray(vectors)[[row for _, row in pairs]])
        return cls(*factors, QUERY_ALPHA if asked else ALPHA, source_of(asked, passages))

    def mapped(self, vector: np.ndarray) -> np.ndarray:
        """qM = (1 − alpha) q + alpha qW = q + alpha q(W − I), float32, not normalised."""
        q = np.asarray(vector, dtype=np.float32)
        delta = q @ self.left
        if self.right is not None:
            delta = delta @ self.right
        return q + self.alpha * delta

    def apply(self, vector: np.ndarray) -> np.ndarray:
        """normalise(qM): the vector hybrid's dense side searches with."""
        mixed = self.mapped(vector)
        norm = math.sqrt(float(mixed @ mixed))
        return mixed / norm if norm > 0 else np.asarray(vector, dtype=np.float32)

    def norm(self, vector: np.ndarray) -> float:
        """|qM|: what a search against folded() rows is scaled by."""
        mixed = self.mapped(vector)
        return math.sqrt(float(mixed @ mixed))

    def folded(self, vectors: np.ndarray) -> np.ndarray:
        """Rows v Mᵀ = v + alpha v(W − I)ᵀ: q · (v Mᵀ) = qM · v."""
        v = np.asarray(vectors, dtype=np.float32)
        delta = v @ self.left.T if self.right is None else (v @ self.right.T) @ self.left.T
        return np.ascontiguousarray(v + self.alpha * delta, dtype=np.float32)

    def save(self, directory: Path) -> None:
        """Write FILE into an index directory (beside, then renamed in)."""
        right = np.zeros((0, 0), np.float32) if self.right is None else self.right
        write_swapped(Path(directory) / FILE, lambda out: np.savez(
            out, left=self.left, right=right, alpha=np.array(self.alpha),
            source=np.array(self.source)))

    @classmethod
    def load(cls, directory: Path) -> QueryAdapter | None:
        """The saved adapter of an index directory; None when there is none (an index saved
        before round 10 searches with the bare query vector, as it did)."""
        path = Path(directory) / FILE
        parts = read_npz(path, lambda data: (
            np.ascontiguousarray(data["left"], dtype=np.float32),
            np.ascontiguousarray(data["right"], dtype=np.float32), float(data["alpha"]),
            str(data["source"]) if "source" in data.files else ""))
        if parts is None:
            return None
        left, right, alpha, source = parts
        whole = right.size == 0
        if left.ndim != 2 or (left.shape[1] != left.shape[0] if whole
                              else right.shape != left.shape[::-1]):
            raise ValueError(f"{path}: the factors do not fit each other")
        return cls(left, None if whole else right, alpha, source)


class FoldedDense:
    """The adapter folded into copies of the passage and sentence vectors (rows v Mᵀ).

    A bare query vector q searched against them scores qM · v = |qM| cos(q', v), so a search
    pays no product of its own (its cost: docs/search.md). The fusion rescales the dense
    scores between the 50th candidate and the top, and the sentence mix is homogeneous: a
    per-query scale changes nothing there. Only merging two readings of a query compares
    scales, so `exact` divides by |qM| then.
    """

    def __init__(self, adapter: QueryAdapter, dense: DenseIndex,
                 sentences: SentenceVectors | None) -> None:
        self.adapter, self.dense, self.sentences = adapter, dense, sentences

    @classmethod
    def of(cls, adapter: QueryAdapter, passages: list[dict], dense: DenseIndex,
           sentence_texts: dict[str, np.ndarray]) -> FoldedDense:
        """Fold the index's passage vectors and the sentence vectors search reads."""
        folded = DenseIndex(dense.dimension, dense.exact_limit)
        if len(dense):
            folded.add(adapter.folded(dense.index.reconstruct_n(0, len(dense))))
        texts = list(sentence_texts)
        vectors = adapter.folded(np.stack([sentence_texts[t] for t in texts])) if texts \
            else np.zeros((0, dense.dimension), np.float32)
        sentences = SentenceVectors.of(passages, dict(zip(texts, vectors, strict=True)),
                                       folded.vector)
        return cls(adapter, folded, sentences)

    def search(self, vector: np.ndarray, fetch: int, exact: bool = False) -> Ranked:
        """The dense side's best rows for the adapted query, scaled by |qM| unless `exact`."""
        hits = self.dense.search(vector, fetch)
        if self.sentences is not None:
            hits = self.sentences.mixed(hits, vector, fetch)
        if not exact:
            return hits
        scale = self.adapter.norm(vector)
        return [(row, score / scale) for row, score in hits] if scale > 0 else hits
