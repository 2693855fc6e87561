"""The thesaurus (search/thesaurus.py): loading, errors, and expansion on a small fixture."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from search import lexical, thesaurus
from search.analysis import AnalyzerConfig, SwedishAnalyzer
from search.lexical import BM25Index
from search.query_signals import top_match
from search.textnorm import ENGLISH_FUNCTION_WORDS, is_stopword
from search.thesaurus import Expander, ThesaurusError, load, parse, unknown_targets

REPORT = (Path(__file__).resolve().parents[1]
          / "corpus/reports/sodertalje-bokslut-social-hallbarhet-2025.txt")
TEXTS = [
    "Alla barn i förskolan får stöd i språkutvecklingen.",
    "Förskolorna arbetar med matematik och lek.",
    "Insatser mot narkotika och droger bland unga i skolan.",
    "Kommunen stödjer arbete och sysselsättning för unga vuxna.",
    "Äldreomsorgen har fått nya riktlinjer för maten.",
    "Biblioteket har öppet på lördagar.",
    "Arbetslösheten bland unga vuxna har minskat.",
    "Polisen och kommunen samverkar mot brott.",
    "Snus och tobak bland unga.",
]
FIXTURE = """# a fixture: user term<TAB>report term[; report term ...]
dagis\tförskola
knark\tnarkotika; droger   # two report terms: the key counts once, by the better
jobb\tarbete; sysselsättning
elderly care\täldreomsorg
care\tstöd
utan jobb\tarbetslöshet
jobba\tarbete; matematik
snut\tpolis
"""


@pytest.fixture(scope="module")
def index() -> BM25Index:
    """BM25 over the fixture texts with the fixture thesaurus."""
    built = BM25Index.build(TEXTS, SwedishAnalyzer.from_texts(TEXTS, AnalyzerConfig(min_part_df=1)))
    built.analyzer._expander = Expander(built.analyzer, parse(FIXTURE))
    return built


@pytest.fixture
def weight(monkeypatch: pytest.MonkeyPatch) -> float:
    """Expansion switched on at half the weight of the query's own words."""
    monkeypatch.setattr(lexical, "EXPANSION_WEIGHT", 0.5)
    return 0.5


def test_parse_reads_entries_comments_and_several_report_terms() -> None:
    entries = parse(FIXTURE, "fix.tsv")
    assert [e.key for e in entries] == ["dagis", "knark", "jobb", "elderly care", "care",
                                        "utan jobb", "jobba", "snut"]
    assert entries[1].targets == ("narkotika", "droger") and entries[1].line == 3


@pytest.mark.parametrize(("text", "message"), [
    ("dagis förskola\n", "fix.tsv:1: expected 'user term<TAB>report term"),
    ("dagis\tförskola\tskola\n", "fix.tsv:1: expected"),
    ("# ok\n\tförskola\n", "fix.tsv:2: user term is empty"),
    ("dagis\t ; \n", "fix.tsv:1: report term is empty"),
    ("och\tförskola\n", "fix.tsv:1: the user term 'och' has no content word"),
    ("dagis\tförskola\nDagis\tskola\n", "fix.tsv:2: the user term 'dagis' is already on line 1"),
])
def test_a_malformed_line_is_named_by_file_and_line(text: str, message: str) -> None:
    with pytest.raises(ThesaurusError, match=message):
        parse(text, "fix.tsv")


def test_load_reads_once_and_a_missing_file_is_no_thesaurus(tmp_path: Path) -> None:
    path = tmp_path / "t.tsv"
    path.write_text("dagis\tförskola\n", "utf-8")
    first = load(path)
    path.write_text("", "utf-8")
    assert load(path) is first  # read once per process
    assert load(tmp_path / "none.tsv") == ()


def test_keys_match_inflections_and_the_longest_phrase(index: BM25Index) -> None:
    keys = index.expander.keys
    assert [e.key for e in keys("dagiset i Geneta")] == ["dagis"]
    assert [e.key for e in keys("quality of elderly care")] == ["elderly care"]  # not "care"
    assert [e.key for e in keys("care for the elderly")] == ["care"]
    assert keys("förskola") == ()


def test_a_key_keeps_its_stopwords(index: BM25Index) -> None:
    """Review finding 1: "utan jobb" lost "utan" and fired on every "jobb"."""
    keys = index.expander.keys
    assert [e.key for e in keys("unga utan jobb")] == ["utan jobb"]
    assert "utan jobb" not in [e.key for e in keys("jobb för unga")]
    assert 6 not in dict(index.search("jobb", 10))  # the arbetslöshet passage
    assert 6 in dict(index.search("utan jobb", 10))


def test_every_bundled_key_matches_only_with_all_its_words() -> None:
    entries = load()
    targets = [t for entry in entries for t in entry.targets]
    expander = Expander(SwedishAnalyzer.from_texts(targets), entries)

    def matched(text: str) -> set[str]:
        return {key for e in expander.keys(text) for key in e.key.split(" / ")}

    for entry in entries:
        assert entry.key in matched(entry.key), entry
        content = " ".join(thesaurus._content(entry.key))
        if content != " ".join(w.text for w in thesaurus.words(entry.key)):
            assert entry.key not in matched(content), entry  # a stopword is part of the key


def test_keys_that_analyse_alike_make_one_group(index: BM25Index) -> None:
    """Review finding 2: "jobb" and "jobba" both fired and their additions summed."""
    analyzer = index.analyzer
    groups = index.expander.expansion("jobb", analyzer.query_groups("jobb"))
    assert len(groups) == 1  # one place in the query, one take-the-best group
    alternatives = groups[0]
    assert len(alternatives) == len(set(alternatives)) == 3  # arbete, sysselsättning, matematik


def test_expansion_skips_report_terms_the_query_already_has(index: BM25Index) -> None:
    analyzer = index.analyzer
    query = "knark och narkotika"
    assert index.expander.expansion(query, analyzer.query_groups(query)) == []
    assert index.expander.expansion("knark", analyzer.query_groups("knark")) == [
        ((("narkotik", "narkotikum"),), (("drog",),))]


def test_without_weight_nothing_is_expanded(index: BM25Index,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lexical, "EXPANSION_WEIGHT", 0.0)
    assert index.search("dagis", 5) == []


def test_an_expanded_key_scores_its_report_term_at_the_weight(index: BM25Index,
                                                             weight: float) -> None:
    hits = dict(index.search("dagis", 5))
    assert set(hits) == {0, 1}  # the two förskola passages
    plain = dict(index.search("förskola", 5))
    assert hits == pytest.approx({row: weight * score for row, score in plain.items()})


def test_a_key_counts_once_by_its_best_report_term(index: BM25Index, weight: float) -> None:
    both = dict(index.search("knark", 5))
    narkotika, droger = dict(index.search("narkotika", 5)), dict(index.search("droger", 5))
    assert both[2] == pytest.approx(weight * max(narkotika[2], droger[2]))


def test_the_signals_count_a_word_held_through_the_thesaurus_as_a_repair(
        index: BM25Index, weight: float) -> None:
    top = index.search("dagis", 1)[0][0]
    match = top_match(index, "dagis", top)
    assert (match.exact, match.repaired, match.rarest_df) == (0.0, 1.0, 0)
    assert match.coverage(0.5) == 0.5  # the gate's credit for a repair


def test_a_key_the_corpus_lacks_is_not_also_typo_corrected(
        index: BM25Index, weight: float, monkeypatch: pytest.MonkeyPatch) -> None:
    """Review finding 3: "snut" (the corpus lacks it) also matched "snus" at full weight."""
    assert index.analyzer.repair("snut") == ("snus", "typo")  # the guess without the thesaurus
    assert [row for row, _ in index.search("snut", 5)] == [7]  # the police, never the snus
    monkeypatch.setattr(lexical, "EXPANSION_WEIGHT", 0.0)
    assert [row for row, _ in index.search("snut", 5)] == [8]  # no thesaurus: the guess


def test_snippets_mark_the_report_terms_a_search_added(index: BM25Index,
                                                       weight: float) -> None:
    """Review finding 8: a hit found through the thesaurus showed no <mark>."""
    assert "förskol" in index.highlight_terms("dagis")
    assert "polis" in index.highlight_terms("snut") and "snus" not in index.highlight_terms("snut")
    assert index.highlight_terms("förskola") == frozenset(index.analyzer.analyze_query("förskola"))


def test_expanded_is_read_from_the_query_not_from_an_earlier_search(
        index: BM25Index, monkeypatch: pytest.MonkeyPatch) -> None:
    """Review finding 4: expanded() read state the last search() of the same text left."""
    monkeypatch.setattr(lexical, "EXPANSION_WEIGHT", 0.5)
    assert index.expanded("dagis i Geneta") and not index.expanded("förskola")
    monkeypatch.setattr(lexical, "EXPANSION_WEIGHT", 0.0)
    assert not index.expanded("dagis i Geneta")


def test_the_expander_is_built_once_and_without_the_typo_table() -> None:
    """Review finding 5: its start-up built the typo table (about a second), with no lock."""
    analyzer = SwedishAnalyzer.from_texts(TEXTS, AnalyzerConfig(min_part_df=1))
    with ThreadPoolExecutor(2) as pool:
        built = list(pool.map(lambda _: analyzer.expander, range(4)))
    assert all(e is built[0] for e in built)
    assert analyzer._typos is None


# Words that stand in most questions: a key among them fires on nearly every query.
FUNCTION_LIKE = frozenset({
    *("work", "help", "goal", "goals", "home", "staff", "case", "cases", "people", "thing"),
    *("way", "make", "get", "need", "use", "good", "new", "year", "time", "many", "much"),
    *("göra", "få", "ha", "bra", "ny", "nya", "år", "tid", "många", "mycket", "sätt", "sak"),
})


def test_no_bundled_key_is_a_function_like_word() -> None:
    """Review finding 6: "work", "help", "home" ... expanded most English questions."""
    keys = {entry.key for entry in load()}
    assert not keys & (FUNCTION_LIKE | ENGLISH_FUNCTION_WORDS)
    assert not {key for key in keys if is_stopword(key)}


@pytest.mark.slow  # fits an analyzer on the whole report (about 10 s)
def test_every_report_term_of_the_bundled_thesaurus_occurs_in_the_report() -> None:
    entries = load()
    assert entries, f"{thesaurus.THESAURUS} is missing or empty"
    analyzer = SwedishAnalyzer.from_texts(REPORT.read_text("utf-8").split("\n\n"))
    assert unknown_targets(analyzer, entries) == []


def test_the_score_matrix_read_matches_bm25s_public_call(index: BM25Index,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Review finding 9: _term_scores reads bm25s's private layout; it gives what the public
    get_scores_from_ids gives, which is its fallback should a bm25s version change the layout."""
    retriever = index._retriever
    assert retriever is not None
    ids = [retriever.vocab_dict[t] for t in index.analyzer.vocabulary if t in retriever.vocab_dict]
    public = {i: retriever.get_scores_from_ids([i]) for i in ids}
    for i in ids:
        assert index._term_scores(i) == pytest.approx(public[i])
    monkeypatch.setattr(retriever, "scores", {"layout": "changed"})
    monkeypatch.setattr(retriever, "get_scores_from_ids", lambda found: public[found[0]])
    for i in ids:
        assert index._term_scores(i) == pytest.approx(public[i])
    assert index.has_term(2, "narkotik") and not index.has_term(0, "narkotik")
