"""Knowing when nothing matches: is a query about what the indexed reports are about?

Cosine similarity alone cannot tell: e5's cosines sit in a narrow band, and "xyzzy qwerty"
reaches 0.78 against its nearest passage while an English question over the Swedish report
reaches 0.81. So the gate is a small linear classifier over the query's embedding, trained
when the index is built: the in-domain side is the corpus's own section and indicator
headings embedded as queries, the off-topic side a bundled list of nonsense and everyday
queries (search/offtopic_bank.txt). A second direction tells the report from municipal
errands (search/service_bank.txt: bins, permits, parking, fees), which the first reads as the
municipality's business. A query passes when both accept it, or when
the lexical side finds it anyway, which keeps names and acronyms the model has never seen:
one passage holds most of the query's IDF mass, and among the words it holds as written is
a rare one (in at most 1% of the passages). The tests are relative to the corpus, not to a
BM25 score, which falls with the passage's length ("RSMH" in a long passage scores 1.78). A
query this gate refuses may still pass by a rare phrase, two content words or more that few
passages hold word for word, which keeps a name inside a longer question, or read with a split
compound joined ("idrotts galan" as "idrottsgalan"): search.query_signals.Phrases, asked by
search.hybrid.HybridSearcher.in_domain only then; by a corroborated near miss: a logit at most
CORROBORATED_MARGIN under its floor, where BM25's and the dense side's two best passages share
one (round 14); and last, as a close rewording of a judged question this gate accepts
(search.memory_vouch, round 20).

The thresholds were chosen on the tuning part of the dev set (every tuning query passes)
and the off-topic bank (as many rejected as possible); the suite checks them on other
strings and on the held-out queries. The service direction's floor was chosen in round 6 on
the pool of tuning and held-out 2-4 (no query of it loses a relevant hit) and the off-topic
files of the repository.

The tests of the query's text alone (nonsense, digits and signs, no term) live in
search.gate_text, the banks and the regression the gate is trained by in search.gate_training;
the names callers use are importable from here as before. After a yes, one more check: an
errand the search cannot answer (ERRAND_SERVICE_SCORE, ERRAND_TOP_SCORE; asked by
search.hybrid.HybridSearcher.unanswered_errand, since it reads hybrid's ranking).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from search.gate_text import beyond_the_classifier
from search.gate_text import has_no_term as has_no_term
from search.gate_text import looks_like_nonsense as looks_like_nonsense
from search.gate_text import no_letter_word as no_letter_word
from search.gate_training import (
    BANK,
    SERVICE_BANK,
    bank_fingerprint,
    domain_texts,
    fit_direction,
    offtopic_bank,
)
from search.textnorm import looks_english

# Every bank build_gate trains on, in order: the off-topic side of the first direction, then
# that of the service direction. The one list bank_texts and the gate's fingerprint read.
# Defined here, beside its three readers (bank_texts, gate_outdated, build_gate), not in
# gate_training with the bank files: a test's monkeypatch of domain_gate.BANKS then reaches all.
BANKS = (BANK, SERVICE_BANK)
MIN_DOMAIN_SCORE = -4.8  # logit; tuning queries that need the classifier score >= -4.59
# An English query sits lower: the in-domain side is Swedish headings. Midway between the
# highest English string of the bank (-8.64) and the lowest English tuning query (-4.59).
MIN_DOMAIN_SCORE_ENGLISH = -6.6
# The lexical way through: the top passage holds at least this IDF share of the query (a
# two-word query with one unknown word holds half: "kryptovaluta investering", "akvariefiskar
# skötsel" of the bank) and one of its words held as written is rare ("bästa", in 5 of 281
# passages, is not: "bästa mascara 2025"). Every tuning query passes either way.
MIN_MATCH = 2 / 3
RARE_DOC_SHARE = 0.01  # a word in at most this share of the passages (at least one) is rare
# The service direction (headings against municipal errands): under the lowest pool query that
# needs the classifier, by 0.3 (when first chosen, the smallest of 0.2 / 0.3 / 0.5 with which a
# floor chosen on three pool parts cost the fourth no relevant hit), rounded to 0.1. Chosen
# again once the bank lost the 8 errands held-out 5 shares: the lowest is now -5.33 ("Hur
# hjälper kommunen missbrukare att få tak över huvudet…", held-out 2; was -5.32), the same
# floor; no pool query loses a relevant hit. Round-5 municipal strings with hits 11 of 15 -> 4;
# the everyday strings and the nonsense keep the first direction's counts
MIN_SERVICE_SCORE = -5.6
# The service direction is asked only when the first is unsure: its logit under 0, where it
# leans off-topic and only the permissive floor lets the query on. Added after the first
# full run, prompted by a held-out query ("Vad gör kommunen för att förhindra att folk hoppar
# från broar?": first logit +4.6, service -7.2, refused): bridges read as an errand. 0 is the
# classifier's own boundary, no value was fitted; every errand of the pool that the service
# direction refuses sits under it (the highest at -1.2), so the pool's counts are unchanged
SERVICE_ASKED_BELOW = 0.0
GATE_REPAIRED_CREDIT = 0.5  # a repaired word ("katt" -> "kart") is half a match here
# A corroborated near miss (round 14, issue 9 item 5): a query the gate refuses passes when its
# logit is at most CORROBORATED_MARGIN under its language's floor and the lexical and the dense
# side agree (their AGREEMENT_TOP best passages share one). 1.0 is a round value, not fitted:
# the pool's two near misses with agreement need 0.46 ("nattfastan pa aldreboenden") and 0.32
# ("girls' and boys' gambling in year 9"); the nearest refused off-topic string or bank line with
# agreement that the service direction lets by sits 2.24 under. Two, not one: BM25 often nearly
# ties two passages (2.12 / 2.10 there). Chosen by the rule in eval_round14_gate.txt
CORROBORATED_MARGIN = 1.0
AGREEMENT_TOP = 2
# An errand the search cannot answer (round 24, GT24): a query that passed is refused when every
# reading of it (as typed, as repaired) sits under ERRAND_SERVICE_SCORE on the service direction
# and hybrid's best passage scores under ERRAND_TOP_SCORE. A passage first on both sides scores
# exactly 1.0 at any BM25 weight; only the memory's votes, the rights signal or the development
# boost lift one over it, so under it the two sides disagree and nothing else vouches. Chosen on
# the pool (none refused) and the dev off-topic files 3-29 by reading one vector (the diagnostic:
# 16 of their 119 strings with hits; through the code, which reads every reading, 15: "hur bokar
# jag skolans gympasal för en privat fest" is repaired to "gymnasial", which scores -4.75), with
# a margin from the pool's edge (service -4.77, top 1.29). On the reported parts it refused none
# of the 1,297 answered queries (nearest: service -5.46 with top 1.268; top 0.891 with service
# -3.44) and 20 of their 149 off-topic strings with hits, all errands or chores:
# benchmarks/results/eval_round24_errands.txt
ERRAND_SERVICE_SCORE = -5.0
ERRAND_TOP_SCORE = 1.0


def specific_match(match: float, rare: bool) -> bool:
    """A lexical match specific enough to pass on its own: most of the query's IDF mass in one
    passage, which holds a rare word of it as written."""
    return rare and match >= MIN_MATCH


def sides_agree(lexical: list[int], dense: list[int], top: int = AGREEMENT_TOP) -> bool:
    """The lexical and the dense side's best `top` passages (rows, best first) share one."""
    return bool(set(lexical[:top]) & set(dense[:top]))


def is_rare(df: int, n_docs: int) -> bool:
    """A word held by at most RARE_DOC_SHARE of the corpus's passages, or by one."""
    return 0 < df <= max(1.0, RARE_DOC_SHARE * n_docs)


@dataclass(frozen=True)
class DomainGate:
    """A logistic-regression direction over query vectors: logit >= threshold is in domain;
    with the service direction, a second logit (report against municipal errands) as well."""

    weights: np.ndarray
    bias: float
    service: DomainGate | None = None  # None (an index saved before it): no second test
    banks: str = ""  # bank_fingerprint of the texts it was trained on ("": saved before round 6)

    def score(self, vector: np.ndarray) -> float:
        """The in-domain logit of one query vector."""
        return float(np.asarray(vector, dtype=np.float32) @ self.weights + self.bias)

    def service_score(self, vector: np.ndarray) -> float:
        """The report-not-errand logit of one query vector (+inf without that direction)."""
        return self.service.score(vector) if self.service is not None else float("inf")

    def accepts(self, vector: np.ndarray | None, match: float, rare: bool,
                text: str = "") -> bool:
        """In domain by meaning, or by a specific lexical match: one passage holds most of it.

        `match` is the IDF share of the query's words BM25's top passage contains
        (search.query_signals.top_match): "bästa sushi i Stockholm" finds "bästa" in one
        passage and "Stockholm" in another, but no passage about both. `rare`: that passage
        holds a rare word of the query as written (is_rare). A refused query may still pass by
        a rare phrase, by a specific match once a split compound is joined, as a corroborated
        near miss (this gate reads only its logit, near_miss) or by the memory's vouch
        (search.hybrid.HybridSearcher.in_domain).
        """
        if specific_match(match, rare):
            return True
        return not beyond_the_classifier(text, match) and self.by_meaning(vector, text)

    def by_meaning(self, vector: np.ndarray | None, text: str, margin: float = 0.0) -> bool:
        """The classifier's verdict: the logit reaches the language's floor (lowered by
        `margin`), and the service direction, asked when the logit is under 0, its own."""
        floor = MIN_DOMAIN_SCORE_ENGLISH if looks_english(text) else MIN_DOMAIN_SCORE
        if vector is None or (score := self.score(vector)) < floor - margin:
            return False
        return score >= SERVICE_ASKED_BELOW or self.service_score(vector) >= MIN_SERVICE_SCORE

    def reads_as_errand(self, vectors: list[np.ndarray] | np.ndarray) -> bool:
        """Every reading of the query sits under ERRAND_SERVICE_SCORE on the service direction
        (the caller then asks whether the search found its answer: ERRAND_TOP_SCORE)."""
        # len, not truth: a caller may pass the embedder's rows (an array) as well as a list
        return self.service is not None and len(vectors) > 0 \
            and max(self.service_score(v) for v in vectors) < ERRAND_SERVICE_SCORE

    def near_miss(self, vector: np.ndarray | None, text: str, match: float = 0.0) -> bool:
        """A refused query's vector within CORROBORATED_MARGIN of its floor (the service
        direction as in accepts); never a text beyond_the_classifier (`match` as in accepts).
        The caller asks next whether the lexical and the dense side agree (sides_agree)."""
        return not beyond_the_classifier(text, match) \
            and self.by_meaning(vector, text, CORROBORATED_MARGIN)

    @classmethod
    def train(cls, in_domain: np.ndarray, off_topic: np.ndarray) -> DomainGate:
        """Class-balanced logistic regression (search.gate_training.fit_direction)."""
        return cls(*fit_direction(in_domain, off_topic))

    def save(self, path: Path) -> None:
        """Write weights and bias (and the service direction's) to an .npz file."""
        extra = {} if self.service is None else {
            "service_weights": self.service.weights,
            "service_bias": np.float64(self.service.bias)}
        np.savez(path, weights=self.weights, bias=np.float64(self.bias),
                 banks=np.str_(self.banks), **extra)

    @classmethod
    def load(cls, path: Path) -> DomainGate:
        """Read a gate written by save() (one saved before the service direction has none,
        one saved before the fingerprint has banks "": sync_index rebuilds either)."""
        with np.load(path) as data:
            service = cls(data["service_weights"].astype(np.float32),
                          float(data["service_bias"])) if "service_weights" in data.files else None
            banks = str(data["banks"]) if "banks" in data.files else ""
            return cls(data["weights"].astype(np.float32), float(data["bias"]), service, banks)


def bank_texts() -> list[str]:
    """Every text build_gate embeds that ships with the software (ingest keeps their vectors)."""
    return [text for path in BANKS for text in offtopic_bank(path)]


def gate_outdated(gate: DomainGate | None, passages: list[dict]) -> bool:
    """The saved gate no longer is what build_gate would train: one is missing for a corpus
    with headings, it lacks the service direction, or the bank texts have changed since."""
    if gate is None:
        return bool(domain_texts(passages))
    current = bank_fingerprint([offtopic_bank(path) for path in BANKS])
    return gate.service is None or gate.banks != current


def build_gate(passages: list[dict],
               embed_queries: Callable[[list[str]], np.ndarray]) -> DomainGate | None:
    """Train the gate for these passages with the index's query embedder (None if empty)."""
    headings = domain_texts(passages)
    if not headings:
        return None
    inside = embed_queries(headings)
    offtopic, errands = banks = [offtopic_bank(path) for path in BANKS]
    service = DomainGate.train(inside, embed_queries(errands))
    return dataclasses.replace(DomainGate.train(inside, embed_queries(offtopic)),
                               service=service, banks=bank_fingerprint(banks))
