"""Everyday names of the report's indicators, read by hybrid's dense side (round 31, LA31).

An indicator row is named as the report names it ("Andel unga 16-24 år som varken arbetar eller
studerar"); a resident asks "hur många ungdomar varken jobbar eller pluggar". The bundled file
(search/indicator_aliases.tsv, three everyday names per indicator, written from the report alone)
is embedded as passages at ingest; hybrid's dense side then scores an indicator row at the best
of its own cosine and its best alias's cosine less DISCOUNT (lifted). The bare dense mode does not
read them: it stays the plain model, the reference hybrid is measured against.

DISCOUNT was chosen on tuning data only (the outsider tuning parts' indicator questions, the pool
and the search-box tuning parts as harm checks; grid 0.01-0.05) and kept by rule LA31 on blind
sets 101-102: benchmarks/results/round31_gates.txt. An alias is a short text, nearer a short query
than a whole row is: without a discount, the 73 headings read as aliases lifted indicator rows
over the answers of paraphrase questions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import ClassVar

import numpy as np

from search.file_swap import write_swapped
from search.fusion import Ranked
from search.known_offtopic import fingerprint
from search.npz_file import read_npz
from search.query_memory import unit_rows

FILE = "indicator_aliases.npz"
ALIASES = Path(__file__).with_name("indicator_aliases.tsv")
DISCOUNT = 0.01


def bundled_aliases(path: Path | None = None) -> list[tuple[str, str]]:
    """(passage id, alias) pairs of the bundled file (or `path`), comment lines skipped; the
    default is read at the call, so a test's patch of ALIASES reaches every reader."""
    path = ALIASES if path is None else path
    pairs = []
    for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 2 or not all(f.strip() for f in fields):
            raise ValueError(f"{path}:{number}: expected '<passage id><TAB><alias>'")
        pairs.append((fields[0].strip(), fields[1].strip()))
    return pairs


def source_of(pairs: list[tuple[str, str]]) -> str:
    """A hash of the pairs in order: vectors of other aliases are out of date."""
    return fingerprint([f"{pid}\x1f{alias}" for pid, alias in pairs])


@dataclass(frozen=True)
class IndicatorAliases:
    """The aliases' passage vectors (unit rows), the index row each names, their source, and
    the (passage id, alias) pair of each vector (what a later build may reuse)."""

    rows: np.ndarray
    vectors: np.ndarray
    source: str
    pairs: tuple[tuple[str, str], ...] = ()
    FILE: ClassVar[str] = FILE  # the index's file of these texts (a subclass saves its own)

    @classmethod
    def bundled(cls) -> list[tuple[str, str]]:
        """The bundled (passage id, text) pairs this kind reads (search.passage_phrasings has
        its own)."""
        return bundled_aliases()

    @classmethod
    def build(cls, passages: list[dict], embed_passages: Callable[[list[str]], np.ndarray],
              reuse: IndicatorAliases | None = None) -> IndicatorAliases | None:
        """Embed the bundled aliases of these passages (None when none names one of them);
        `reuse`: aliases of the same model, whose vectors are taken for the same pairs."""
        row_of = {p["id"]: row for row, p in enumerate(passages)}
        pairs = cls.bundled()
        named = [(pid, alias) for pid, alias in pairs if pid in row_of]
        if not named:
            return None
        # a file without its pairs (saved before they were kept) offers nothing to reuse
        known = dict(zip(reuse.pairs, reuse.vectors, strict=True)) \
            if reuse is not None and len(reuse.pairs) == len(reuse.vectors) else {}
        missing = [pair for pair in named if pair not in known]
        if missing:
            known |= zip(missing, unit_rows(embed_passages([alias for _, alias in missing])),
                         strict=True)
        vectors = np.stack([known[pair] for pair in named]).astype(np.float32)
        return cls(np.array([row_of[pid] for pid, _ in named], dtype=np.int64),
                   np.ascontiguousarray(vectors), source_of(pairs), tuple(named))

    @cached_property
    def runs(self) -> tuple[np.ndarray, list[int]]:
        """Where each run of one row's names begins, and that row: a row's names stand together
        in the file, so lifted reads one maximum per run (computed once, not per query)."""
        starts = np.flatnonzero(np.r_[True, self.rows[1:] != self.rows[:-1]])
        return starts, self.rows[starts].tolist()

    def outdated(self) -> bool:
        """Built from other aliases than those now bundled."""
        return self.source != source_of(self.bundled())

    def lifted(self, hits: Ranked, vector: np.ndarray, fetch: int,
               discount: float = DISCOUNT) -> Ranked:
        """The dense side's rows with each named row at its best alias's cosine less
        `discount` where that is higher (a row may enter), best first, at most `fetch`."""
        query = np.asarray(vector, dtype=np.float32)
        norm = float(np.linalg.norm(query))
        if norm == 0:
            return hits
        cosines = self.vectors @ (query / norm) - discount
        starts, owners = self.runs
        best = np.maximum.reduceat(cosines, starts)
        scores = dict(hits)
        for row, cosine in zip(owners, best.tolist(), strict=True):
            if cosine > scores.get(row, -1.0):
                scores[row] = cosine
        return sorted(scores.items(), key=lambda item: -item[1])[:fetch]

    def save(self, directory: Path) -> None:
        """Write FILE into `directory` (beside, then renamed in)."""
        ids = np.array([pid for pid, _ in self.pairs], dtype=np.str_)
        texts = np.array([alias for _, alias in self.pairs], dtype=np.str_)
        write_swapped(Path(directory) / self.FILE,
                      lambda out: np.savez(out, rows=self.rows, vectors=self.vectors,
                                           source=np.str_(self.source), ids=ids, texts=texts))

    @classmethod
    def load(cls, directory: Path) -> IndicatorAliases | None:
        """Read FILE from `directory`; None when the index has none (saved before round 31)."""
        path = Path(directory) / cls.FILE
        parts = read_npz(path, lambda data: (
            np.asarray(data["rows"], dtype=np.int64),
            np.asarray(data["vectors"], dtype=np.float32), str(data["source"]),
            tuple(zip(map(str, data["ids"]), map(str, data["texts"]), strict=True))
            if "ids" in data.files else ()))
        if parts is None:
            return None
        rows, vectors, source, pairs = parts
        if vectors.ndim != 2 or rows.shape != (len(vectors),) \
                or len(pairs) not in (0, len(vectors)):
            raise ValueError(f"{path}: the rows and pairs do not fit the vectors")
        return cls(rows, np.ascontiguousarray(vectors), source, pairs)
