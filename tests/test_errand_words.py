"""Errand words: the list, its matching by stems, and the domain gate's unsure errand."""

from __future__ import annotations

import numpy as np

import search.domain_gate as dg
from search.domain_gate import DomainGate, unsure_errand
from search.embedder import FakeEmbedder
from search.errand_words import ERRAND_WORDS, errand_terms, holds_errand_word, parse
from search.textnorm import is_stopword, words

VECTOR = np.ones(FakeEmbedder().dimension, dtype=np.float32)  # any vector: the gates are constant
UNSURE = dg.SERVICE_ASKED_BELOW - 1.0  # a logit in the band where the service direction is asked


def constant(logit: float, service: float = 10.0) -> DomainGate:
    """A gate whose first logit is `logit` for every vector, its service logit `service`."""
    zero = np.zeros(FakeEmbedder().dimension, dtype=np.float32)
    return DomainGate(zero, logit, DomainGate(zero, service))


def test_the_list_loads_and_every_line_is_one_word() -> None:
    listed = parse(ERRAND_WORDS.read_text("utf-8"))
    assert 60 <= len(listed) <= 120
    assert len(set(listed)) == len(listed)
    for word in listed:
        assert [w.text for w in words(word)] == [word], word
        assert not is_stopword(word), word
    assert errand_terms()


def test_parse_drops_comments_and_blank_lines() -> None:
    assert parse("# a header\n\nBoka  # booking\nparkering\n") == ("boka", "parkering")


def test_an_errand_word_matches_in_any_inflection() -> None:
    assert holds_errand_word("boka tvättstuga i kommunens hyreshus")
    assert holds_errand_word("Hur bokar jag en tid?")
    assert holds_errand_word("avgifterna för sophämtningen")
    assert holds_errand_word("var ställer jag soptunnan")
    assert holds_errand_word("betala parkeringsavgift i appen")
    assert holds_errand_word("Parkeringen vid badet")


def test_the_reports_own_subjects_hold_no_errand_word() -> None:
    assert not holds_errand_word("stöd till barn i familjer med ekonomiskt bistånd")
    assert not holds_errand_word("hur många unga upplever otrygghet i sitt bostadsområde")
    assert not holds_errand_word("skillnader mellan kön i skolresultat")
    assert not holds_errand_word("")


def test_an_unsure_errand_is_refused_by_meaning() -> None:
    gate = constant(UNSURE)
    assert unsure_errand(UNSURE, "boka tvättstuga", 0.0)
    assert not gate.accepts(VECTOR, 0.0, False, "boka tvättstuga")
    assert not gate.accepts(VECTOR, 0.49, False, "boka tvättstuga")
    assert not gate.near_miss(VECTOR, "boka tvättstuga", 0.0)  # the near miss alike
    # no errand word, or half the query's IDF mass in one passage: as before
    assert gate.accepts(VECTOR, 0.0, False, "stöd till äldre")
    assert gate.accepts(VECTOR, 0.5, False, "boka tvättstuga")
    assert gate.near_miss(VECTOR, "boka tvättstuga", 0.5)


def test_a_confident_query_with_an_errand_word_passes() -> None:
    confident = constant(dg.SERVICE_ASKED_BELOW + 0.1)
    assert not unsure_errand(dg.SERVICE_ASKED_BELOW, "avgift för fritidsaktiviteter", 0.0)
    assert confident.accepts(VECTOR, 0.0, False, "avgift för fritidsaktiviteter")


def test_a_specific_lexical_match_still_passes_an_errand() -> None:
    gate = constant(UNSURE)
    assert gate.accepts(VECTOR, dg.MIN_MATCH, True, "boka tvättstuga")
    assert gate.accepts(None, 1.0, True, "boka tvättstuga")
