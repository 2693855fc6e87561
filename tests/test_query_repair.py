"""The repaired query for the dense side, the English check and the gate's English floor."""

from __future__ import annotations

import numpy as np
import pytest

from search.analysis import SwedishAnalyzer
from search.domain_gate import MIN_DOMAIN_SCORE, MIN_DOMAIN_SCORE_ENGLISH, DomainGate
from search.embedder import FakeEmbedder
from search.fusion import merge_max
from search.hybrid import HybridSearcher
from search.index_store import SearchIndex
from search.query_repair import QueryRepair
from search.textnorm import is_swedish_word, looks_english

TEXTS = [
    "Kommunen har en social hjälpfond för barn i familjer med låga inkomster.",
    "Grannsamverkan bedrivs tillsammans med polisen i flera bostadsområden.",
    "Förskolan arbetar med barns språkutveckling och matematik.",
    "Boendestöd erbjuds för att motverka vräkningar av barnfamiljer.",
]


@pytest.fixture(scope="module")
def repair() -> QueryRepair:
    return QueryRepair(SwedishAnalyzer.from_texts(TEXTS), TEXTS)


def test_the_analyzer_says_how_a_query_word_was_repaired(repair: QueryRepair) -> None:
    analyzer = repair.analyzer
    assert analyzer.repair("hjalpfond") == ("hjälpfond", "accent")
    assert analyzer.repair("grannsamverkn") == ("grannsamverkan", "typo")
    assert analyzer.repair("hjälpfond") is None  # as written
    assert analyzer.repair("zebra") is None and analyzer.repair("och") is None


def test_missing_accents_are_restored_in_the_report_s_spelling(repair: QueryRepair) -> None:
    assert repair.repaired("hjalpfond för barn") == "hjälpfond för barn"
    assert repair.repaired("sprakutveckling i forskolan") == "språkutveckling i förskolan"
    assert repair.repaired("Bostadsomraden?") == "bostadsområden?"  # the rest kept as typed


def test_long_misspellings_are_repaired_short_ones_and_real_words_not(
        repair: QueryRepair) -> None:
    assert repair.repaired("Hur fungerar Grannsamverkn?") == "Hur fungerar grannsamverkan?"
    assert repair.analyzer.repair("barm") == ("barn", "typo")
    assert repair.repaired("barm") is None  # four letters: too many neighbours one edit away
    assert repair.analyzer.repair("matematisk") is not None and is_swedish_word("matematisk")
    assert repair.repaired("matematisk") is None  # a Swedish word is what the user meant
    assert repair.repaired("hjälpfond för barn") is None  # nothing to repair


def test_an_english_query_keeps_its_english_words(repair: QueryRepair) -> None:
    assert repair.analyzer.repair("families") is not None  # BM25 still matches "familjer"
    assert repair.repaired("support for families with children") is None
    assert repair.repaired("how does grannsamverkn work") == "how does grannsamverkan work"


def test_english_is_told_by_its_function_words() -> None:
    assert looks_english("gambling among teenage boys")
    assert looks_english("How does the municipality support families?")
    assert not looks_english("hur många barn lever i familjer med låg inkomst")
    assert not looks_english("Bostad först")
    assert not looks_english("housing first")  # no function word: left to the Swedish floor
    # a tie of function words ("of" against "in") goes by the other words: Swedish or not
    assert looks_english("survey of invasive plant species in nature reserves")
    assert not looks_english("stöd for familjer med barn")  # "for" typed for "för"
    assert not looks_english("in the")  # no other word: the tie stays undecided, not English


def test_swedish_i_counts_as_a_swedish_function_word() -> None:
    # typed without å/ä/ö, "for" (för) is the only other function word: "i" breaks the tie
    for query in ("stod for barn i skolan", "plats for lek i parker",
                  "insatser for unga i arbete"):
        assert not looks_english(query), query
    assert looks_english("where can I apply for housing")  # the English pronoun is "I"
    assert looks_english("support for children in school")
    assert looks_english("i.e. the support for the families")  # "i.e." is no Swedish "i"


def test_english_queries_meet_a_lower_floor() -> None:
    between = (MIN_DOMAIN_SCORE + MIN_DOMAIN_SCORE_ENGLISH) / 2
    gate = DomainGate(np.zeros(4, dtype=np.float32), between)  # every vector scores `between`
    assert gate.accepts(np.zeros(4), 0.0, False, "what is done about overcrowded flats")
    assert not gate.accepts(np.zeros(4), 0.0, False, "trångboddhet i flerbostadshus")


def test_merge_max_keeps_each_row_at_its_better_score() -> None:
    merged = merge_max([(1, 0.9), (2, 0.5), (3, 0.4)], [(2, 0.8), (4, 0.7)], k=3)
    assert merged == [(1, 0.9), (2, 0.8), (4, 0.7)]
    assert merge_max([], [(5, 0.1)], k=2) == [(5, 0.1)]


class RecordingEmbedder(FakeEmbedder):
    """FakeEmbedder that remembers each batch of queries it embedded."""

    def __init__(self) -> None:
        super().__init__()
        self.batches: list[list[str]] = []

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        self.batches.append(list(texts))
        return super().embed_queries(texts)


def test_the_dense_side_embeds_the_repaired_query_only_when_there_is_one() -> None:
    rows = [{"id": f"p/{i}", "text": t, "year": 2025, "municipality": "X", "goal_area": 1,
             "goal": "A", "kind": "narrative", "heading": None} for i, t in enumerate(TEXTS)]
    embedder = RecordingEmbedder()
    searcher = HybridSearcher(SearchIndex.build(rows, embedder), embedder, hit_floor=0.0)
    embedder.batches.clear()
    hits = searcher.search("hjalpfond", 2, "dense")
    assert embedder.batches == [["hjalpfond", "hjälpfond"]]
    assert hits[0].passage["id"] == "p/0"
    embedder.batches.clear()
    searcher.search("social hjälpfond", 2, "hybrid")
    searcher.search("hjalpfond", 2, "bm25")
    assert embedder.batches == [["social hjälpfond"]]  # no repair: one text; bm25: none
    baseline = HybridSearcher(searcher.index, embedder, rrf=True)
    embedder.batches.clear()
    baseline.search("hjalpfond", 2, "hybrid")
    assert embedder.batches == [["hjalpfond"]]  # the round-1 baseline stays as it was
