"""Known off-topic strings: a query nearer one of them than any judged question is refused.

The domain gate (search.domain_gate) reads one linear direction trained on 179 bank strings.
The project also holds the pool's off-topic files (search/offtopic_known.txt, generated from
tests/data/search_offtopic_heldout3..29.txt by benchmarks/make_known_offtopic.py): municipal
errands, everyday and general-knowledge questions, nonsense; and since round 29 (KB29) a bank
written as such (search/offtopic_known_written.txt: 900 errands, everyday and general-knowledge
strings by helpers who read the report only). A query the search would answer
is refused when every reading of it (as typed, as repaired) sits nearer a known off-topic string
than the nearest judged question of the memory (search.query_memory), by more than DELTA in
cosine. "vilket år grundades Oxfords universitet" passes the gate but sits by the known
general-knowledge questions, not by any question asked of the report, and is refused;
"Machu Picchu och inkarikets historia", the string that prompted the check (logit -4.52,
floor -4.8), sits nearer them too, but by 0.0115 only, and still passes.
Asked by search.hybrid.HybridSearcher.known_offtopic, after the errand check, and never of a
query naming a right, of digits and signs, of one the gate passes by a specific lexical
match, or of one the gate reads as clearly in domain (its logit at BAND or above: round 27).
Round 25, OT25: benchmarks/results/eval_round25_known_offtopic.txt; OT27:
eval_round27_known_offtopic.txt; KB29: eval_round29_known_bank.txt.

The same margin works the other way (round 30, NJ30): a query the gate refuses passes when some
reading sits nearer a judged question than any known string by more than REACH
(nearer_judged, asked by search.hybrid.HybridSearcher.judged_nearer). The judged questions are
the memory's and, since round 30, the extra ones of search/gate_questions.txt: questions written
as keywords in a search box and in an outsider's everyday words (the tuning style parts), which
the memory's full questions did not cover: the classifier refused 7 of 120 such keyword queries
in blind sets 81-82. Round 30: benchmarks/results/round30_gates.txt.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from search.domain_gate import bank_texts
from search.file_swap import write_swapped
from search.gate_training import offtopic_bank
from search.npz_file import read_npz
from search.query_memory import unit_rows

FILE = "known_offtopic.npz"
KNOWN = Path(__file__).with_name("offtopic_known.txt")
# Round 29 (KB29): strings written as a bank of known off-topic strings by helpers who read the
# report's passages only (municipal errands, everyday life, general knowledge; no test set)
WRITTEN = Path(__file__).with_name("offtopic_known_written.txt")
# Round 30 (NJ30): judged questions written as a search box and an outsider get them (the tuning
# style parts, benchmarks/make_gate_questions.py); read beside the memory's judged questions
QUESTIONS = Path(__file__).with_name("gate_questions.txt")
# The largest margin of an answered pool question the check reads, each read without its own
# part's questions and off-topic strings (0.0145: "när man lånar böcker kan man hitta enkelt
# skrivet ...", held-out 19), plus 0.01, to four places; chosen by the rule in
# eval_round25_known_offtopic.txt (leave-one-part-out: no pool question refused, the dev
# off-topic strings with hits 104 -> 38)
DELTA = 0.0245
# The check is asked only of a query whose in-domain logit (as typed) is under BAND: the pass
# over the known strings' vectors cost every query 0.11-0.16 ms (rounds 25-26), and the dev
# strings it refused all sat near the gate's floor (logits -5.23 .. 1.87; pool questions'
# median 3.29). Set from that reading, rounded up (eval_round27_known_offtopic.txt).
BAND = 2.0
# NJ30 (round 30): a query the gate refuses passes when some reading sits nearer a judged
# question than any known string by more than REACH in cosine. The lowest margin of a refused
# off-topic string of the pool files and the tuning style parts, each read without its own
# part's questions and strings (leave one part out), is -0.0362 ("förnya bibliotekskortet och
# låna e-böcker"); REACH is that less 0.01, DELTA's recipe. There it rescues 8 of the 17
# refused tuning questions and none of the 1,077 refused strings (round30_gates.txt)
REACH = 0.0462
# PJ32b (round 32): a query the gate refuses passes when some reading sits nearer one of the
# report passages' everyday phrasings (search.passage_phrasings, embedded as queries) than any
# known string by more than PHRASING_REACH. The largest value on a 0.005 grid at which at most
# 0.5% of the tuning parts' refused off-topic strings pass (4 of 965, each read without its own
# part's known strings), which passes 15 of the 30 refused tuning questions (round32_gates.txt)
PHRASING_REACH = 0.0


def known_texts() -> list[str]:
    """The known off-topic strings, once each: the gate's banks, the pool's files, then the
    written bank."""
    return list(dict.fromkeys([*bank_texts(), *offtopic_bank(KNOWN), *offtopic_bank(WRITTEN)]))


def gate_questions() -> list[str]:
    """The extra judged questions the references read (QUESTIONS), once each."""
    return list(dict.fromkeys(offtopic_bank(QUESTIONS)))


def phrasing_texts() -> list[str]:
    """The report passages' everyday phrasings, once each (search.passage_phrasings, imported
    at the call: that module hashes its texts with this one's fingerprint)."""
    from search.passage_phrasings import PassagePhrasings
    return list(dict.fromkeys(text for _, text in PassagePhrasings.bundled()))


def fingerprint(texts: list[str]) -> str:
    """A hash of the texts in order: vectors of other texts are out of date."""
    return hashlib.sha256("\x1e".join(texts).encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class KnownOffTopic:
    """The known off-topic strings' query vectors, the extra judged questions' and the passage
    phrasings' (unit rows), and what they were built from."""

    vectors: np.ndarray
    source: str
    questions: np.ndarray | None = None  # the extra judged questions' rows (None: none)
    phrasings: np.ndarray | None = None  # the passages' phrasings as queries (None: none)

    @classmethod
    def build(cls, embed_queries: Callable[[list[str]], np.ndarray]) -> KnownOffTopic:
        """Embed the known strings, the extra questions and the phrasings as queries with the
        index's model."""
        texts, questions, phrasings = known_texts(), gate_questions(), phrasing_texts()
        vectors = unit_rows(embed_queries(texts + questions + phrasings))
        asked = len(texts) + len(questions)
        return cls(np.ascontiguousarray(vectors[:len(texts)]),
                   source_of(texts, questions, phrasings),
                   np.ascontiguousarray(vectors[len(texts):asked]),
                   np.ascontiguousarray(vectors[asked:]))

    def outdated(self) -> bool:
        """Built from other strings, questions or phrasings than those now bundled."""
        return self.source != source_of(known_texts(), gate_questions(), phrasing_texts())

    def save(self, directory: Path) -> None:
        """Write FILE into `directory` (beside, then renamed in)."""
        width = self.vectors.shape[1]
        questions, phrasings = (rows if rows is not None else np.zeros((0, width), np.float32)
                                for rows in (self.questions, self.phrasings))
        write_swapped(Path(directory) / FILE,
                      lambda out: np.savez(out, vectors=self.vectors, source=np.str_(self.source),
                                           questions=questions, phrasings=phrasings))

    @classmethod
    def load(cls, directory: Path) -> KnownOffTopic | None:
        """Read FILE from `directory`; None when the index has none (saved before round 25).
        One saved before round 30 has no questions, one saved before round 32 no phrasings
        (None; outdated: its source differs)."""
        path = Path(directory) / FILE
        parts = read_npz(path, lambda data: (
            np.asarray(data["vectors"], dtype=np.float32), str(data["source"]),
            *(np.asarray(data[key], dtype=np.float32) if key in data.files else None
              for key in ("questions", "phrasings"))))
        if parts is None:
            return None
        vectors, source, questions, phrasings = parts
        if vectors.ndim != 2:
            raise ValueError(f"{path}: the vectors are not a matrix")
        width = vectors.shape[1]
        for name, rows in (("questions", questions), ("phrasings", phrasings)):
            if rows is not None and (rows.ndim != 2 or rows.shape[1] != width):
                raise ValueError(f"{path}: the {name} are not a matrix of the vectors' width")
        return cls(np.ascontiguousarray(vectors), source,
                   *(None if rows is None else np.ascontiguousarray(rows)
                     for rows in (questions, phrasings)))


def source_of(texts: list[str], questions: list[str],
              phrasings: list[str] | None = None) -> str:
    """The fingerprint of the known strings, the extra questions and the phrasings (before
    round 30: the strings alone, before round 32 without phrasings, so an index built then
    reads as outdated)."""
    if not questions:
        return fingerprint(texts)
    if not phrasings:
        return fingerprint([*texts, "\x1d", *questions])
    return fingerprint([*texts, "\x1d", *questions, "\x1d", *phrasings])


@dataclass(frozen=True)
class References:
    """The judged questions' and the known strings' vectors in one matrix, read in one pass per
    query: the memory's votes need the first rows' cosines, this check the rest's best (two
    passes over 4 MB of vectors cost the check 0.13 ms a query, one 0.0x; round 25). The extra
    judged questions (round 30) sit between: margins read them as judged, votes do not."""

    vectors: np.ndarray  # the memory's judged questions' rows, the extra ones', the known strings'
    judged: int  # how many rows are the memory's judged questions
    extra: int  # how many rows are extra judged questions
    sources: tuple[np.ndarray, ...]  # the arrays stacked (to tell a stale copy)

    @classmethod
    def of(cls, judged: np.ndarray, known: np.ndarray, extra: np.ndarray | None = None) \
            -> References:
        """The three stacked (unit rows each); no extra questions: none."""
        extra = np.zeros((0, known.shape[1]), dtype=np.float32) if extra is None else extra
        return cls(np.ascontiguousarray(np.vstack([judged, extra, known]), dtype=np.float32),
                   len(judged), len(extra), (judged, known, extra))

    def built_from(self, judged: np.ndarray, known: np.ndarray,
                   extra: np.ndarray | None = None) -> bool:
        """Stacked from these very arrays."""
        return self.sources[0] is judged and self.sources[1] is known \
            and ((extra is None and not self.extra) or self.sources[2] is extra)

    def similarities(self, readings: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        """Per memory question its cosine to the query (its readings: the higher one), as
        QueryMemory.similarities gives it; and per reading its margin: its highest cosine to
        a known string minus its highest to a judged question (the memory's or an extra)."""
        queries = unit_rows(np.stack(readings))
        # einsum's own loop, not BLAS, as the memory's (BLAS threads would compete with the
        # encoder)
        sims = np.einsum("nd,qd->nq", self.vectors, queries)
        asked = self.judged + self.extra
        judged, known = sims[:asked], sims[asked:]
        return judged[:self.judged].max(axis=1), known.max(axis=0) - judged.max(axis=0)


def gate_unsure(logit: float) -> bool:
    """The gate's in-domain logit is under BAND: only there is the check asked."""
    return logit < BAND


def nearer_offtopic(margins: np.ndarray, delta: float = DELTA) -> bool:
    """Every reading's margin (References.similarities) exceeds `delta` (no reading: never)."""
    return len(margins) > 0 and bool((margins > delta).all())


def nearer_judged(margins: np.ndarray, reach: float = REACH) -> bool:
    """Some reading's margin (References.similarities) is under -`reach`: it sits nearer a
    judged question than any known string by more than that (NJ30)."""
    return len(margins) > 0 and bool((margins < -reach).any())


def nearer_phrasing(known: np.ndarray, phrasings: np.ndarray, readings: list[np.ndarray],
                    reach: float = PHRASING_REACH) -> bool:
    """Some reading sits nearer a passage phrasing than any known string by more than `reach`
    (PJ32b; unit rows each, no reading or no phrasing: never)."""
    if not readings or not len(phrasings) or not len(known):
        return False
    queries = unit_rows(np.stack(readings))
    # einsum's own loop, not BLAS, as References (BLAS threads would compete with the encoder)
    margins = np.einsum("nd,qd->nq", known, queries).max(axis=0) \
        - np.einsum("nd,qd->nq", phrasings, queries).max(axis=0)
    return bool((margins < -reach).any())
