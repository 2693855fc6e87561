"""Typo repair against the passages' words as typed: a slip the stemmer hides ("penagr")."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from search.analysis import AnalyzerConfig, SwedishAnalyzer
from search.textnorm import is_swedish_word, variants

REPORT = (
    Path(__file__).resolve().parents[1]
    / "corpus/reports/sodertalje-bokslut-social-hallbarhet-2025.txt"
)
FIXTURE = [
    "Föreningarna fick mer pengar till lovaktiviteter under året.",
    "Kommunen har en social hjälpfond för barn i familjer med låga inkomster.",
    "Metoden Grannsamverkan fortsätter i samverkan med polisen.",
    "Elever i skolan fick stöd i matematik.",
]
SMALL = AnalyzerConfig(min_part_df=1)
PENG = variants("pengar")[0]


def small() -> SwedishAnalyzer:
    """A fresh analyzer over the fixture sentences (its caches empty)."""
    return SwedishAnalyzer.from_texts(FIXTURE, SMALL)


@lru_cache(maxsize=1)
def report() -> SwedishAnalyzer:
    """An analyzer over the bundled report's paragraphs."""
    blocks = REPORT.read_text("utf-8").split("\n\n")
    return SwedishAnalyzer.from_texts([b for b in blocks if b.strip()])


def test_a_swap_the_stemmer_hides_is_repaired_as_typed() -> None:
    analyzer = small()
    assert analyzer._typo(variants("penagr")[0], 2) == ()  # the stems are too far apart
    assert analyzer.repair("penagr") == (PENG, "typo")
    assert analyzer.query_groups("penagr till föreningar")[0] == (PENG,)


def test_a_known_word_is_not_repaired() -> None:
    analyzer = small()
    assert analyzer.repair("pengar") is None
    assert analyzer.query_groups("pengar") == [(PENG,)]


def test_a_correct_unknown_word_far_from_every_form_stays_unknown() -> None:
    analyzer = small()
    assert analyzer.repair("kryptovaluta") is None
    assert analyzer.query_groups("kryptovaluta") == []


def test_a_two_edit_surface_neighbour_is_not_taken() -> None:
    analyzer = small()
    typed = "föreninagrn"  # "föreningarna": a swap and a dropped "a", long enough for two
    assert not is_swedish_word(typed) and analyzer._typo(variants(typed)[0], 2) == ()
    assert analyzer._surface_typo(typed) == ()
    assert analyzer.repair(typed) is None


def test_two_words_with_one_stem_resolve_apart_in_either_order() -> None:
    assert variants("penagr") == variants("penagrs")  # one stem, two edits apart as typed
    for order in (["penagr", "penagrs"], ["penagrs", "penagr"]):
        analyzer = small()
        found = {word: analyzer.repair(word) for word in order}
        assert found == {"penagr": (PENG, "typo"), "penagrs": None}


def test_the_report_repairs_penagr_to_peng() -> None:
    analyzer = report()
    assert "pengar" in analyzer.forms and PENG == "peng"
    assert analyzer.repair("penagr") == ("peng", "typo")


def test_a_correct_swedish_word_the_report_lacks_is_not_repaired_as_typed() -> None:
    analyzer = report()
    for word, form in [("uppsatta", "utsatta"), ("orter", "arter")]:
        assert is_swedish_word(word) and word not in analyzer.forms and form in analyzer.forms
        assert analyzer._surface_typo(word) == ()
        assert analyzer.repair(word) != (analyzer.forms[form], "typo")
