"""Hybrid search: over-fetch from BM25 and dense, fuse per query, gate, filter, page, snippet."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, partial
from typing import TypeVar

import numpy as np

from search import nonword, section_signal
from search.beside import BESIDE
from search.domain_gate import (
    ERRAND_TOP_SCORE,
    has_no_term,
    no_letter_word,
    sides_agree,
    specific_match,
)
from search.embedder import Embedder
from search.fusion import (
    DENSE_FLOOR_RANK,
    ENGLISH_COVERAGE,
    RIGHTS_WEIGHT,
    W_MAX,
    Fused,
    FusionWeights,
    Ranked,
    convex_fuse,
    merge_max,
    rrf_fuse,
    single,
)
from search.gate_text import beyond_the_classifier
from search.gate_verdict import gate_accepts, gate_lexical, plain_match
from search.hits import MAX_QUERY_CHARS as MAX_QUERY_CHARS  # re-exported: web/ reads it here
from search.hits import Filters, Hit, Results, clean_query
from search.index_store import SearchIndex
from search.known_offtopic import (
    References,
    gate_unsure,
    nearer_judged,
    nearer_offtopic,
    nearer_phrasing,
)
from search.memory_vouch import vouched
from search.query_memory import WEIGHT as MEMORY_WEIGHT
from search.query_memory import QueryMemory
from search.query_memory import restrict as restrict_memory
from search.query_repair import QueryRepair
from search.query_signals import (
    PARTIAL_CREDIT,
    REPAIRED_CREDIT,
    QuerySignals,
    top_match,
)
from search.sentence_signal import SentenceVectors
from search.snippets import SpanCache, snippet
from search.textnorm import looks_english

MODES = ("hybrid", "dense", "bm25")
# The fused score below which a candidate is no hit: under every relevant passage the pool's
# open top 10s hold. Round 7: the sentence signal lowers the mixed scores of passages without
# sentences, the lowest relevant one fell from 0.155 to 0.137 ("brukarråd i äldreomsorgne",
# L456), so 0.15 (tuning part: relevant >= 0.186, round 2) went to 0.12; no pool nDCG lower.
# Round 8 (held-out 6 joined the pool): its "Handlingsplan för suicidprevention" has L638 at
# 0.110, so of 0.12, 0.11 and 0.10 only 0.10 keeps it (pool 0.7989 -> 0.7991; off-topic
# counts the same at all three). Re-decided on round 7's ranking after the heading signal
# was removed; L120 of "BKA" (0.076) stays under every floor of that set.
HIT_FLOOR = 0.10
T = TypeVar("T")
# A query's References.similarities, computed on first call (HybridSearcher.shared_similarities)
Shared = Callable[[], tuple[np.ndarray, np.ndarray]]


@dataclass(frozen=True)
class QuerySide:
    """What a query yields without its vector: BM25's first candidates (None in a dense
    search), the lexical match of BM25's top passage, the rights signal it gives (row ->
    signal, for the fusion), whether it says it asks about a right, and whether it asks what
    to develop."""

    bm25: Ranked | None
    match: QuerySignals
    rights: dict[int, float]
    said: bool
    develop: bool


class HybridSearcher:
    """Searches one SearchIndex with one embedder."""

    def __init__(self, index: SearchIndex, embedder: Embedder, *, w_max: float = W_MAX,
                 hit_floor: float = HIT_FLOOR, overfetch: int = 5, rrf: bool = False,
                 rights_weight: float = RIGHTS_WEIGHT,
                 development_weight: float = section_signal.DEVELOPMENT_WEIGHT,
                 overlap: bool = True, adapt: bool = True,
                 memory_weight: float = MEMORY_WEIGHT) -> None:
        """`rrf=True` is the old equal-weight fusion without threshold (for comparisons);
        `overlap=False` does a query's lexical work after its encoder call, never beside it;
        `adapt=False` searches hybrid's dense side with the bare query vector;
        `memory_weight` 0 searches without the judged-query memory."""
        self.index, self.embedder = index, embedder
        self.rights_weight, self.development_weight = rights_weight, development_weight
        self.development = section_signal.development_rows(index.passages)
        self.w_max, self.hit_floor, self.overfetch = w_max, hit_floor, overfetch
        self.rrf = rrf
        self.overlap = overlap
        # hybrid's dense side reads the query through the index's adapter (search.query_adapter)
        self.adapter = index.adapter if adapt and not rrf else None
        # hybrid's fusion hears the judged queries nearest the query (search.query_memory): the
        # ranking memory's where the index has one (search.ranking_memory); verdicts read the
        # index's memory
        heard = index.ranking if index.ranking is not None else index.memory
        self.memory = heard if memory_weight > 0 and not rrf else None
        self.memory_weight = memory_weight if self.memory is not None else 0.0
        # hybrid's dense side reads the indicators' everyday names (search.indicator_aliases)
        # and, for its ranking only, the passages' everyday phrasings (search.passage_phrasings)
        self.aliases = index.aliases if not rrf else None
        self.phrasings = index.phrasings if not rrf else None
        if rrf:
            self.hit_floor = float("-inf")
        self._references: References | None = None  # see references()
        self.by_id = {p["id"]: i for i, p in enumerate(index.passages)}
        self.repair = QueryRepair(index.bm25.analyzer, index.bm25.texts)
        self.spans = SpanCache(index.bm25.analyzer.word_terms)  # snippets' words, per passage
        # the action sentences ingest embedded for the rights ranking (none: passages alone)
        kept = index.texts.known("passage", index.manifest["model"]) if index.texts else {}
        self.sentences = None if rrf else SentenceVectors.of(index.passages, kept,
                                                             index.dense.vector)
        # the adapter folded into the vectors once, so a query pays no product (exact index)
        self.folded = index.folded(kept) \
            if self.adapter is not None and index.dense.kind == "exact" else None

    def prepare(self) -> None:
        """Everything a first query would otherwise build (seconds, once): the analyzer's typo
        and accent tables, the repair's spellings, every passage's snippet term spans, and the
        domain gate's phrase table and its keyboard-mash model."""
        self.index.bm25.analyzer.prepare()
        nonword.prepare()
        self.repair.prepare()
        self.index.phrases()
        self.spans.warm(dict.fromkeys(p["text"] for p in self.index.passages))

    def ranked(self, query: str, vector: np.ndarray | None, fetch: int,
               repaired: np.ndarray | None = None,
               bm25: Ranked | None = None, adapted: bool = False,
               phrased: bool = True) -> dict[str, Ranked]:
        """Candidate rows per method (BM25 unless vector-only, dense when a vector is given;
        with the repaired query's vector too, each passage at its better cosine). `bm25`:
        BM25's rows for this fetch, when already searched; `adapted`: the dense side reads the
        query through the index's adapter; `phrased`: and the passages' phrasings."""
        out: dict[str, Ranked] = {}
        if query:
            out["bm25"] = bm25 if bm25 is not None else self.index.bm25.search(query, fetch)
        if vector is not None:
            exact = repaired is not None  # two readings are compared at their true cosines
            out["dense"] = self.dense_hits(vector, fetch, adapted, exact, phrased)
            if repaired is not None:
                out["dense"] = merge_max(
                    out["dense"], self.dense_hits(repaired, fetch, adapted, exact, phrased), fetch)
        return out

    def dense_hits(self, vector: np.ndarray, fetch: int, adapted: bool = False,
                   exact: bool = True, phrased: bool = True) -> Ranked:
        """The dense side's best rows (passage_hits); hybrid's (`adapted`) with an indicator
        row lifted to its everyday names' cosine less a discount where that is higher
        (search.indicator_aliases, round 31) and, when `phrased`, a narrative passage to its
        phrasings' (search.passage_phrasings, round 32), at true cosines so they compare."""
        lifts = [texts for texts in (self.aliases, self.phrasings if phrased else None)
                 if texts is not None]
        if not adapted or not lifts:
            return self.passage_hits(vector, fetch, adapted, exact)
        query = self.adapter.apply(vector) if self.adapter is not None else vector
        hits = self.passage_hits(vector, fetch, True, True)
        for texts in lifts:
            hits = texts.lifted(hits, query, fetch)
        return hits

    def passage_hits(self, vector: np.ndarray, fetch: int, adapted: bool = False,
                     exact: bool = True) -> Ranked:
        """The dense side's best rows, each passage's cosine mixed with its best sentence's
        (search.sentence_signal) when the index keeps sentence vectors. `adapted`: for the
        query mapped by the index's adapter (when it has one); then, unless `exact`, the
        scores may be scaled by a per-query constant (search.query_adapter.FoldedDense)."""
        if adapted and self.folded is not None:
            return self.folded.search(vector, fetch, exact)
        if adapted and self.adapter is not None:
            vector = self.adapter.apply(vector)
        hits = self.index.dense.search(vector, fetch)
        if self.sentences is None:
            return hits
        return self.sentences.mixed(hits, vector, fetch)

    def vectors_beside(self, text: str, work: Callable[[], T] | None) \
            -> tuple[tuple[np.ndarray, np.ndarray | None], T | None]:
        """The query's vector and its repaired reading's when BM25 repaired a word (the second
        encoder call, one batch of two, about 20 ms more, is paid only then), and work()'s
        value: the work runs on the worker thread while this thread waits in the encoder
        (search.beside), or after it when the worker is busy."""
        repaired = None if self.rrf else self.repair.repaired(text)
        job = BESIDE.submit(work) if work is not None and self.overlap else None
        both = self.embedder.embed_queries([text] if repaired is None else [text, repaired])
        done = job.result() if job is not None else work() if work is not None else None
        return (both[0], None if repaired is None else both[1]), done

    def query_side(self, text: str, lexical: str, fetch: int, mode: str) -> QuerySide:
        """Everything search_page needs of the query besides its vector (see QuerySide)."""
        bm25 = self.index.bm25.search(lexical, fetch) if lexical else None
        match = self.lexical_match(text, {} if bm25 is None else {"bm25": bm25})
        named = self.index.rights.scores(text) if self.index.rights is not None else {}
        rights = self.rows(named) if mode == "hybrid" and not self.rrf else {}
        said = bool(named) and self.index.rights is not None and self.index.rights.said(text)
        develop = mode == "hybrid" and section_signal.asks_development(text)
        return QuerySide(bm25, match, rights, said, develop)

    def search(self, query: str, k: int = 10, mode: str = "hybrid",
               filters: Filters | None = None) -> list[Hit]:
        """The k best passages for a query, filtered, identical texts folded together."""
        return self.search_page(query, k, mode, filters).hits

    def search_page(self, query: str, k: int = 10, mode: str = "hybrid",
                    filters: Filters | None = None, offset: int = 0) -> Results:
        """Hits offset+1 .. offset+k above the threshold, and how many there are in all."""
        if mode not in MODES:
            raise ValueError(f"unknown search mode {mode!r}; expected one of {', '.join(MODES)}")
        text = clean_query(query)
        if not text or k <= 0 or has_no_term(text):
            # signs alone ("!!!") or stopwords alone ("och i att") are nonsense in every mode,
            # as digits and signs are at the gate: no term to find, and the dense side would
            # answer anything
            return Results([], 0, off_topic=bool(text) and k > 0)
        filters, offset = filters or Filters(), max(0, offset)
        total = len(self.index.passages)
        fetch = min(total, max((offset + k) * self.overfetch, DENSE_FLOOR_RANK))
        lexical = text if mode != "dense" else ""
        side_of = partial(self.query_side, text, lexical, fetch, mode)
        if mode == "bm25":
            (vector, repaired), side = (None, None), side_of()
        else:
            (vector, repaired), side = self.vectors_beside(text, side_of)
        first, weights, recalled = fetch, None, {}
        # the memory's votes and the known off-topic check read one pass over both references
        shared = self.shared_similarities([vector, repaired])
        # digits and signs pass the gate only by a specific lexical match ("99"): the answer is
        # that match; the dense side's embedding of a number is noise (round 14: 1 hit, 21
        # noise), so it is not ranked at all (the gate reads the vector, not the ranking)
        lexical_only = mode == "hybrid" and no_letter_word(text)
        ranked_vectors = (None, None) if lexical_only else (vector, repaired)
        while True:
            lists = self.ranked(lexical, ranked_vectors[0], fetch, ranked_vectors[1],
                                side.bm25 if fetch == first else None, mode == "hybrid")
            if weights is None:  # from the first (smallest) fetch, so paging never changes it
                if vector is not None and not self.rrf and not side.said \
                        and not self.in_domain(text, [vector, repaired], side.match, shared):
                    return Results([], 0, off_topic=True)
                weights = FusionWeights.for_coverage(
                    self.bm25_share(text, side.match) if mode == "hybrid" else 0.0,
                    self.w_max, self.rights_weight, self.memory_weight)
                # after the gate's verdict, which the memory's votes never change (the errand
                # check below reads them: unanswered_errand)
                if mode == "hybrid" and not lexical_only:
                    recalled = self.recalled([vector, repaired], shared)
            fused = self.fuse(lists, weights, side.rights, side.develop, recalled)
            # digits and signs alone are never read as an errand (hybrid ranks them lexically);
            # hybrid's own ranking is read when it was fetched at the errand check's depth
            if fetch == first and vector is not None and not no_letter_word(text) \
                    and self.unanswered_errand(text, [vector, repaired], side,
                                               fused if mode == "hybrid"
                                               and fetch == DENSE_FLOOR_RANK else None):
                return Results([], 0, off_topic=True)
            if fetch == first and vector is not None and not no_letter_word(text) \
                    and self.known_offtopic(side, shared):
                return Results([], 0, off_topic=True)
            page, count = self.collect(text, fused, k, filters, offset)
            if len(page) >= k or fetch >= total or not self.deeper_may_match(lists, weights):
                return Results(page, count)
            fetch = min(total, fetch * 4)

    def lexical_match(self, text: str, lists: dict[str, Ranked]) -> QuerySignals:
        """The IDF shares of the query's words BM25's top passage holds, and its rarest."""
        if "bm25" not in lists:
            return plain_match(self.index.bm25, text)
        bm25 = lists["bm25"]
        return top_match(self.index.bm25, text, bm25[0][0]) if bm25 \
            else QuerySignals(0.0, 0.0, 0)

    def coverage(self, text: str, match: QuerySignals) -> float:
        """The lexical match the fusion weighs BM25 by. Repairs count, a compound the corpus
        knows only in part does not (PARTIAL_CREDIT). Round 5's exception for an English
        query BM25 read as Swedish was removed in round 7: on the pool it changed two
        queries, both for the better without it (nDCG@10 +0.0002)."""
        return match.coverage(REPAIRED_CREDIT, PARTIAL_CREDIT)

    def bm25_share(self, text: str, match: QuerySignals) -> float:
        """The share of W_MAX the fusion gives BM25: the lexical match (coverage), or
        ENGLISH_COVERAGE for a query read as English, whatever it matches (round 26, EW26)."""
        return ENGLISH_COVERAGE if looks_english(text) else self.coverage(text, match)

    def in_domain(self, text: str, vectors: list[np.ndarray | None], match: QuerySignals,
                  shared: Shared | None = None) -> bool:
        """The domain gate's verdict, the same in every mode (no gate: every query passes);
        a query passes when it, or its repaired reading, is in domain, or else when it holds a
        rare phrase of the corpus (the query as written: a repair does not make a phrase), or
        else when it names an initiative of the indexed reports (search.initiative_names), or
        else when it is in domain read with a split compound joined ("idrotts galan": the
        lexical match of "idrottsgalan"), or else when it is a corroborated near miss
        (corroborated), or else when it is a close rewording of a judged question the gate
        accepts (search.memory_vouch, round 20), or else when it sits nearer a judged question
        (judged_nearer, round 30) or a passage's phrasing (phrasing_nearer, round 32) than any
        known off-topic string. The rescues are asked only of a query the gate refuses: they
        change no other verdict."""
        gate = self.index.gate
        if gate is None:
            return True
        if gate_accepts(gate, text, vectors, match):
            return True
        phrases = self.index.phrases()
        if phrases.rare_phrase(text) is not None:
            return True
        names = self.index.initiatives  # the query names one of the reports' initiatives
        if names is not None and names.named(text, self.index.bm25.analyzer.repair) is not None:
            return True
        # the joined reading changes only the lexical match: the vectors were just refused
        joined = phrases.joined_compound(text)
        if joined is not None and specific_match(*gate_lexical(self.lexical_match(joined, {}))):
            return True
        share = gate_lexical(match)[0]
        # the vouch reads the memory whatever the fusion's weight for it: a gate matter
        # the memory's cosines come from the references' one pass (shared) when it is asked:
        # the same rows, the same figures (search.known_offtopic.References)
        memory_cosines = None if shared is None else (lambda: shared()[0])
        return self.corroborated(text, vectors, share) \
            or vouched(self.index.memory, text, share, vectors, memory_cosines) \
            or self.judged_nearer(text, share, shared) \
            or self.phrasing_nearer(text, share, shared, vectors)

    def judged_nearer(self, text: str, share: float, shared: Shared | None) -> bool:
        """Some reading sits nearer a judged question (the memory's or the extra ones) than any
        known off-topic string, by more than search.known_offtopic.REACH (round 30, NJ30: short
        keyword queries the classifier reads as everyday errands). Never a text the gate does
        not ask its classifier about (digits and signs, mash), as the vouch."""
        return shared is not None and not beyond_the_classifier(text, share) \
            and nearer_judged(shared()[1])

    def phrasing_nearer(self, text: str, share: float, shared: Shared | None,
                        vectors: list[np.ndarray | None]) -> bool:
        """Some reading sits nearer a phrasing of the report's passages than any known
        off-topic string (search.known_offtopic.PHRASING_REACH; round 32, PJ32b: keyword
        queries on the report's topics in a resident's words). Asked as judged_nearer is, and
        only of a query every other rescue refused: its two products cost that query alone."""
        known = self.index.offtopic
        if shared is None or known is None or known.phrasings is None \
                or beyond_the_classifier(text, share):
            return False
        return nearer_phrasing(known.vectors, known.phrasings,
                               [v for v in vectors if v is not None])

    def unanswered_errand(self, text: str, vectors: list[np.ndarray | None], side: QuerySide,
                          fused: Fused | None) -> bool:
        """A query that reads as a municipal errand (DomainGate.reads_as_errand) whose best
        passage in hybrid's ranking at a fetch of DENSE_FLOOR_RANK scores under ERRAND_TOP_SCORE:
        what the search found is not its answer (round 24). `fused`: hybrid's ranking fetched at
        that depth, or None (ranked here at it, so every mode with a vector, every page size and
        every page give one verdict). A query naming a right is exempt, as at the gate; filters
        never change the verdict (the unfiltered ranking is read)."""
        gate = self.index.gate
        readings = [v for v in vectors if v is not None]
        if gate is None or self.rrf or side.said or not gate.reads_as_errand(readings):
            return False
        # the memory is read at its shipped weight whatever this searcher's fusion gives it, as
        # the vouch reads it: a gate matter (a judged question like this one is evidence of an
        # answer; without it four reported questions fell under the score, eval_round24_errands)
        # and read without the passages' phrasings, a ranking matter that moves no verdict
        if fused is None or self.memory is not self.index.memory \
                or self.memory_weight != MEMORY_WEIGHT or self.phrasings is not None:
            fused = self.hybrid_ranking(text, vectors)
        return bool(fused) and fused[0][1] < ERRAND_TOP_SCORE

    def known_offtopic(self, side: QuerySide,
                       shared: Shared | None) -> bool:
        """Every reading sits nearer a known off-topic string than any judged question
        (search.known_offtopic, round 25). Read from the index's memory whatever this
        searcher's fusion gives it, as the vouch reads it; a query naming a right, the rrf
        baseline and a query the gate passes by its specific lexical match are exempt. No
        `shared` (no gate, so every query passes, or one the gate is sure of): not asked."""
        if shared is None or self.rrf or side.said or specific_match(*gate_lexical(side.match)):
            return False
        return nearer_offtopic(shared()[1])

    def references(self) -> References | None:
        """The index's judged questions and known strings stacked (None without either),
        stacked again when the index's memory or strings are replaced."""
        memory, known = self.index.memory, self.index.offtopic
        if memory is None or known is None or not len(memory) or not len(known.vectors):
            return None
        stacked = self._references
        if stacked is None or not stacked.built_from(memory.vectors, known.vectors,
                                                     known.questions):
            stacked = self._references = References.of(memory.vectors, known.vectors,
                                                       known.questions)
        return stacked

    def shared_similarities(self, vectors: list[np.ndarray | None]) \
            -> Shared | None:
        """References.similarities of the query's readings, computed on first call (None
        without references or readings, and when the gate reads the query as typed as clearly
        in domain: then the check is not asked and the memory reads its own vectors)."""
        gate = self.index.gate
        if gate is None or vectors[0] is None or not gate_unsure(gate.score(vectors[0])):
            return None
        stacked = self.references()
        if stacked is None:
            return None
        return cache(partial(stacked.similarities, [v for v in vectors if v is not None]))

    def hybrid_ranking(self, text: str, vectors: list[np.ndarray | None]) -> Fused:
        """The query's hybrid fusion at a fetch of DENSE_FLOOR_RANK, the index's memory at its
        shipped weight, the passages' phrasings unread (the errand check's: for a search in
        another mode, another depth, by a searcher that fuses without the memory, or one that
        reads phrasings)."""
        side = self.query_side(text, text, DENSE_FLOOR_RANK, "hybrid")
        vector, repaired = (*vectors, None)[:2]
        lists = self.ranked(text, vector, DENSE_FLOOR_RANK, repaired, side.bm25, adapted=True,
                            phrased=False)
        votes = self.votes_of(self.index.memory, vectors)
        weights = FusionWeights.for_coverage(self.bm25_share(text, side.match), self.w_max,
                                             self.rights_weight, MEMORY_WEIGHT)
        return self.fuse(lists, weights, side.rights, side.develop, votes)

    def corroborated(self, text: str, vectors: list[np.ndarray | None],
                     match: float = 0.0) -> bool:
        """A near miss of the gate (DomainGate.near_miss; `match` the gate's lexical share) on
        which the lexical and the dense side agree (sides_agree): BM25 on the query as typed,
        the dense side as hybrid reads it (the adapter, the repaired reading merged), both at a
        fixed fetch of DENSE_FLOOR_RANK in every mode, so the verdict is the same in every mode
        and on every page. Round 14: "nattfastan pa aldreboenden" (0.46 under its floor; both
        sides' best is the relevant passage). Asked only of a refused query: its second BM25
        and dense ranking cost about 0.3 ms there, nothing elsewhere."""
        gate = self.index.gate
        if gate is None or not any(gate.near_miss(v, text, match)
                                   for v in vectors if v is not None):
            return False
        vector, repaired = (*vectors, None)[:2]
        if vector is None:
            return False
        lexical = self.index.bm25.search(text, DENSE_FLOOR_RANK)
        # a verdict: the dense side as hybrid reads it, without the passages' phrasings
        dense = self.ranked("", vector, DENSE_FLOOR_RANK, repaired, adapted=True,
                            phrased=False)["dense"]
        return sides_agree([row for row, _ in lexical], [row for row, _ in dense])

    def recalled(self, vectors: list[np.ndarray | None],
                 shared: Shared | None = None,
                 ) -> dict[int, float]:
        """Index row -> this searcher's judged-query memory's vote for the query's readings
        (none without a memory); `shared`: the similarities read with the known strings."""
        return self.votes_of(self.memory, vectors, shared)

    def votes_of(self, memory: QueryMemory | None, vectors: list[np.ndarray | None],
                 shared: Shared | None = None,
                 ) -> dict[int, float]:
        """Index row -> `memory`'s vote for the query's readings (none without one); the
        `shared` similarities are used when `memory` holds the index's judged questions."""
        if memory is None:
            return {}
        readings = [v for v in vectors if v is not None]
        index_memory = self.index.memory
        same = shared is not None and index_memory is not None \
            and memory.vectors is index_memory.vectors
        return self.rows(memory.scores(readings, shared()[0] if same else None))

    def rows(self, scores: dict[str, float]) -> dict[int, float]:
        """Passage id -> value, as index row -> value (ids the index lacks are left out)."""
        return {self.by_id[pid]: value for pid, value in scores.items() if pid in self.by_id}

    def fuse(self, lists: dict[str, Ranked], weights: FusionWeights,
             rights: dict[int, float] | None = None, develop: bool = False,
             memory: dict[int, float] | None = None) -> Fused:
        """BM25 alone keeps its order and scores; otherwise the convex mix above the floor
        (`develop`: the query asks what must be developed, search.section_signal; `memory`:
        the judged-query memory's votes)."""
        if "dense" not in lists:
            return single("bm25", lists.get("bm25", []))
        if self.rrf:
            return rrf_fuse(lists.get("bm25", []), lists["dense"]) if "bm25" in lists \
                else single("dense", lists["dense"])
        if memory:  # the votes kept for what the query itself points to (search.query_memory)
            memory = restrict_memory(memory, lists.get("bm25", []), lists["dense"])
        fused = convex_fuse(lists.get("bm25", []), lists["dense"], weights, rights, memory)
        kept = [row for row in fused if row[1] >= self.hit_floor]
        return section_signal.boost(kept, self.development, self.development_weight) \
            if develop else kept

    def deeper_may_match(self, lists: dict[str, Ranked], weights: FusionWeights) -> bool:
        """Could a passage beyond the fetched lists still reach the floor (so widen)?"""
        if "dense" not in lists:
            return bool(lists.get("bm25"))
        bm25 = lists.get("bm25") or []
        # unfetched passages sit below the dense floor rank (0) and below BM25's last score
        best = weights.bm25 * (bm25[-1][1] / bm25[0][1]) if bm25 else 0.0
        return best >= self.hit_floor

    def collect(self, query: str, fused: Fused, k: int, filters: Filters,
                offset: int = 0) -> tuple[list[Hit], int]:
        """Filter, fold identical texts, count them all, and build snippets for one page."""
        hits: list[Hit] = []
        by_text: dict[str, Hit | None] = {}
        terms = set(self.index.bm25.highlight_terms(query))  # with the thesaurus's terms
        count = 0
        for row, score, sources in fused:
            passage = self.index.passages[row]
            if not filters.accepts(passage):
                continue
            if passage["text"] in by_text:
                if (first := by_text[passage["text"]]) is not None:
                    first.same_text.append(passage["id"])
                continue
            count += 1
            if not offset < count <= offset + k:
                by_text[passage["text"]] = None  # counted, not on this page
                continue
            marked = snippet(passage["text"], terms, self.spans.of)
            hit = Hit(count, score, passage, marked, sources)
            by_text[passage["text"]] = hit
            hits.append(hit)
        return hits, count

    def more_like_this(self, passage_id: str, k: int = 5,
                       filters: Filters | None = None) -> list[Hit]:
        """The passages nearest a given passage in embedding space."""
        if passage_id not in self.by_id:
            raise KeyError(f"unknown passage {passage_id!r}")
        row = self.by_id[passage_id]
        vector = self.index.dense.vector(row)
        filters = filters or Filters()
        found = self.index.dense.search(vector, min(len(self.index.passages), k * 10 + 1))
        rows = [(r, s, {"dense": n}) for n, (r, s) in enumerate(found, start=1) if r != row]
        own_text = self.index.passages[row]["text"]
        rows = [x for x in rows if self.index.passages[x[0]]["text"] != own_text]
        return self.collect("", rows, k, filters)[0]

