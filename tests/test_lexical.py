"""Swedish analysis and BM25 retrieval: small fixtures, then the real Södertälje report."""

from __future__ import annotations

from pathlib import Path

import pytest

from search.analysis import AnalyzerConfig, SwedishAnalyzer
from search.compounds import CompoundSplitter
from search.fuzzy import DeletionIndex, osa_distance
from search.lexical import MAX_QUERY_CHARS, BM25Index
from search.textnorm import clean, fold, variants, words

REPORT = (
    Path(__file__).resolve().parents[1]
    / "corpus/reports/sodertalje-bokslut-social-hallbarhet-2025.txt"
)

FIXTURE = [
    "Under året färdigställdes flera gång- och cykelvägar i kommunen.",
    "Cykel och buss: nya vägar till skolan gör barnens skolvägar tryggare.",
    "All förskolepersonal har fått kompetenshöjande insatser i matematik.",
    "Kommunen har en social hjälpfond för barn i familjer med låga inkomster.",
    "Metoden Grannsamverkan fortsätter i samverkan med polisen.",
    "Två nya familjecentraler har etablerats i Geneta och Hovsjö.",
    "Arbetssättet Bostad först ger personer ett eget boende.",
    "Utbildning i svenska och matematik erbjuds för vuxna.",
    "Familjer får stöd från en central mottagning.",
    "Vägar och cykelbanor sköts av kommunen året om.",
]
SMALL = AnalyzerConfig(min_part_df=1)

BAD_QUERIES = ["", "   ", "?!.,;:--", "\x00\x01\x07", "a\x00b", "\ud800", "🙂🙂", "- och"]


@pytest.fixture(scope="module")
def small() -> BM25Index:
    """A BM25 index over the hand-written fixture sentences."""
    return BM25Index.build(FIXTURE, SwedishAnalyzer.from_texts(FIXTURE, SMALL))


def test_clean_normalises_and_strips_controls() -> None:
    assert clean("Ha\u0308lsa\u00ad\x00X") == "hälsa x"
    assert fold("Hovsjö") == "Hovsjo" and fold("hjälpfond") == "hjalpfond"


def test_words_mark_suspended_compound_prefix() -> None:
    found = words("gång- och cykelvägar, t.ex. 2025")
    assert [w.text for w in found] == ["gång", "och", "cykelvägar", "ex", "2025"]
    assert [w.suspended for w in found][:3] == [True, False, False]


def test_variants_keep_stem_and_add_lemma_stem() -> None:
    assert set(variants("skolan")) & set(variants("skolor"))
    assert "stöd" in variants("stöd")  # the table's wrong lemma "stödja" never replaces it


def test_osa_distance_counts_swaps_once_and_caps() -> None:
    assert osa_distance("grannsamverkn", "grannsamverkan", 2) == 1
    assert osa_distance("faimlj", "familj", 1) == 1
    assert osa_distance("abc", "xyz", 1) == 2


def test_deletion_index_is_deterministic() -> None:
    index = DeletionIndex(["abcde", "abcdf", "zzzzz"])
    assert index.nearest("abcdx", {"abcdf": 3}) == "abcdf"
    assert index.nearest("abcdx", {}) == "abcde"
    assert index.nearest("qqqqq", {}) is None


def test_compound_splitter_uses_known_parts_and_linking_letters() -> None:
    forms = {w: w for w in ["cykel", "väg", "cykelväg", "gång", "matematik", "utbildning"]}
    splitter = CompoundSplitter(forms, dict.fromkeys(forms, 3), max_df=3)
    assert splitter.parts("matematikutbildning") == ("matematik", "utbildning")
    assert splitter.parts("cykelvägsgång") == ("cykelväg", "cykel", "väg", "gång")
    assert splitter.parts("cykelvägsutbyggn") == ()
    assert splitter.parts("cykelvägsutbyggn", allow_unknown=True) == ("cykelväg", "cykel", "väg")
    assert splitter.head("cykelväg") == "väg"


def test_document_terms_join_suspended_compounds() -> None:
    analyzer = SwedishAnalyzer.from_texts(FIXTURE, SMALL)
    terms = analyzer.analyze_document(FIXTURE[0])
    assert {"gång", "cykelväg", "cykel", "väg", "gångväg"} <= set(terms)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("hjalpfond", "hjälpfond"),
        ("Hovsjo", "hovsjö"),
        ("Grannsamverkn", "grannsamverkan"),
        ("familjecentrel", "familjecentral"),
        ("matematikutbildning", "matematik"),
        ("cykelvägsutbyggnad", "cykel"),
    ],
)
def test_query_repairs(query: str, expected: str) -> None:
    analyzer = SwedishAnalyzer.from_texts(FIXTURE, SMALL)
    assert expected in analyzer.analyze_query(query)


def test_stopword_only_query_is_empty(small: BM25Index) -> None:
    assert small.analyzer.analyze_query("och det är en av de") == []
    assert small.search("och det är en av de") == []


def test_analyzer_state_round_trips() -> None:
    analyzer = SwedishAnalyzer.from_texts(FIXTURE, SMALL)
    again = SwedishAnalyzer.from_dict(analyzer.to_dict())
    for query in ["cykelvägsutbyggnad", "familjecentral i Hovsjo", "Grannsamverkn"]:
        assert again.analyze_query(query) == analyzer.analyze_query(query)
    with pytest.raises(ValueError):
        SwedishAnalyzer.from_dict({"format": "something else"})


def test_small_index_ranks_expected_sentence_first(small: BM25Index) -> None:
    assert small.search("familjecentral i Hovsjo", 1)[0][0] == 5
    assert small.search("Bostad först", 1)[0][0] == 6
    hits = small.search("matematik", 10)
    assert {i for i, _ in hits} == {2, 7}
    assert [score for _, score in hits] == sorted((score for _, score in hits), reverse=True)


@pytest.mark.parametrize("query", BAD_QUERIES)
def test_bad_queries_return_nothing(small: BM25Index, query: str) -> None:
    assert small.search(query) == []


def test_bad_arguments_raise_clear_errors(small: BM25Index) -> None:
    with pytest.raises(ValueError, match="limit"):
        small.search("barn " * (MAX_QUERY_CHARS // 4))
    for k in (0, -1, 1.5, True):
        with pytest.raises(ValueError, match="k must"):
            small.search("barn", k)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        small.search(None)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        BM25Index.build(["text", 3])  # type: ignore[list-item]


def test_analyzer_from_other_texts_is_rejected() -> None:
    with pytest.raises(ValueError, match="other texts"):
        BM25Index.build(FIXTURE, SwedishAnalyzer.from_texts(FIXTURE[:2]))


def test_empty_and_degenerate_corpora() -> None:
    assert BM25Index.build([]).search("barn") == []
    index = BM25Index.build(["...", "", "2025"])
    assert index.search("barn") == [] and index.search("2025")[0][0] == 2


def test_save_load_and_add(tmp_path: Path, small: BM25Index) -> None:
    small.save(tmp_path / "bm25")
    loaded = BM25Index.load(tmp_path / "bm25")
    assert loaded.texts == small.texts
    for query in ["cykelvägsutbyggnad", "hjalpfond", "Grannsamverkn", "Bostad först"]:
        assert loaded.search(query) == small.search(query)
    added = loaded.add(["Nya simhallen i Järna öppnade under hösten."])
    assert list(added) == [len(FIXTURE)]
    assert loaded.search("simhall", 1)[0][0] == len(FIXTURE)
    with pytest.raises(ValueError, match="manifest"):
        BM25Index.load(tmp_path / "nothing-here")


def report_paragraphs() -> list[str]:
    """Blank-line separated paragraphs of the report, lines with tabs (tables) left out."""
    blocks = REPORT.read_text("utf-8").split("\n\n")
    paragraphs = (" ".join(line for line in b.splitlines() if "\t" not in line) for b in blocks)
    return [p.strip() for p in paragraphs if p.strip()]


@pytest.fixture(scope="module")
def report() -> tuple[BM25Index, list[str]]:
    """A BM25 index over the real report's paragraphs."""
    paragraphs = report_paragraphs()
    return BM25Index.build(paragraphs), paragraphs


@pytest.mark.parametrize(
    ("query", "k", "needles"),
    [
        ("cykelvägsutbyggnad", 5, ["gång- och cykelvägar"]),
        ("matematikutbildning", 3, ["kompetenshöjande insatser i matematik", "Mattemagiskt"]),
        ("hjalpfond", 3, ["social hjälpfond"]),
        ("Grannsamverkn", 3, ["Grannsamverkan"]),
        ("familjecentral i Hovsjo", 3, ["familjecentraler etablerats i Geneta och Hovsjö"]),
        ("Bostad först", 1, ['"Bostad först"']),
    ],
)
def test_report_queries(
    report: tuple[BM25Index, list[str]], query: str, k: int, needles: list[str]
) -> None:
    index, paragraphs = report
    top = [paragraphs[i] for i, _ in index.search(query, k)]
    assert any(needle in text for text in top for needle in needles), top


def test_report_stopwords_and_bad_input(report: tuple[BM25Index, list[str]]) -> None:
    index, _ = report
    assert index.search("och det är en av de som") == []
    for query in BAD_QUERIES:
        assert index.search(query) == []
    with pytest.raises(ValueError):
        index.search("x" * 10_000)


def test_report_index_survives_save_and_load(
    report: tuple[BM25Index, list[str]], tmp_path: Path
) -> None:
    index, _ = report
    index.save(tmp_path)
    loaded = BM25Index.load(tmp_path)
    for query in ["cykelvägsutbyggnad", "familjecentral i Hovsjo", "suicidprevention"]:
        assert loaded.search(query, 5) == index.search(query, 5)


def test_a_repair_survives_the_cache_being_dropped_meanwhile(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The word cache is dropped whole at its bound, perhaps by another thread between a
    word's lookup and the reading of its repair: one lookup gives both, so none is lost."""
    analyzer = SwedishAnalyzer.from_texts(FIXTURE, SMALL)
    looked_up = analyzer._resolve_cached

    def then_dropped(terms):
        found = looked_up(terms)
        analyzer.forget_queries()  # what a concurrent query at the bound does
        return found

    monkeypatch.setattr(analyzer, "_resolve_cached", then_dropped)
    assert analyzer.repair("Grannsamverkn") == ("grannsamverkan", "typo")
    assert analyzer.repair("hjalpfond") == ("hjälpfond", "accent")
    assert analyzer.repair("familjecentral") is None
