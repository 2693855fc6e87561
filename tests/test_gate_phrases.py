"""The domain gate's rare phrase: a run of the report's words inside a longer query."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from search.domain_gate import DomainGate
from search.embedder import FakeEmbedder
from search.hybrid import HybridSearcher
from search.query_signals import Phrases, phrase_pieces, phrase_words
from tests.refusing_index import refusing_index

PASSAGES = [
    {"text": "Initiativet Krogar mot knark utbildar personal på restauranger."},
    {"text": "Fritidsgårdar och föreningar får stöd. Barn och unga möts i föreningar och idrott."},
    {"text": "Barn och unga i föreningar: idrott, kultur och idrottsgalan."},
]
NAMED = "Krogar mot knark – vad har kartlagts om droger på restauranger"
# the name diluted by the question's own words: BM25's top passage holds 36% of it (< 2/3)
DILUTED = "Krogar mot knark – vad har kartlagts om droger på nattklubbar och barer i city"
EVERYDAY = "recept på kanelbullar"


def test_phrase_words_fold_case_and_drop_punctuation() -> None:
    assert phrase_words("Krogar mot KNARK – vad?") == ["krogar", "mot", "knark", "vad"]


def test_phrase_pieces_split_at_sentence_punctuation_and_line_breaks() -> None:
    assert phrase_pieces("Krogar mot knark – vad? Jo: stöd;\nmer. ..! ") == [
        ["krogar", "mot", "knark", "vad"], ["jo"], ["stöd"], ["mer"]]
    assert phrase_pieces("barn, unga och äldre") == [["barn", "unga", "och", "äldre"]]


def test_a_phrase_does_not_cross_the_end_of_a_sentence() -> None:
    phrases = Phrases.of(PASSAGES)
    # the passage side: "... får stöd. Barn och unga ..." and "föreningar: idrott"
    assert phrases.rare_phrase("stöd barn och unga") is None
    assert phrases.rare_phrase("föreningar idrott") is None
    assert phrases.rare_phrase("föreningar och idrott") == "föreningar och idrott"
    # the query side: "knark utbildar" is one passage's, but not across the query's full stop
    assert phrases.rare_phrase("knark utbildar") == "knark utbildar"
    assert phrases.rare_phrase("Om knark. Utbildar ni?") is None
    assert phrases.rare_phrase("Om knark. Krogar mot knark?") == "krogar mot knark"


def test_a_name_inside_a_longer_question_is_a_rare_phrase() -> None:
    phrases = Phrases.of(PASSAGES)
    assert phrases.rare_phrase(NAMED) == "krogar mot knark"
    assert phrases.rare_phrase("KROGAR MOT KNARK!") == "krogar mot knark"


def test_a_phrase_needs_two_content_words_held_side_by_side() -> None:
    phrases = Phrases.of(PASSAGES)
    assert phrases.rare_phrase("knark") is None  # one word: the lexical match's business
    assert phrases.rare_phrase("mot knark") is None  # one content word, one stop word
    assert phrases.rare_phrase("krogar knark") is None  # not side by side in any passage
    assert phrases.rare_phrase("rogar mot kna") is None  # whole words only


def test_a_phrase_many_passages_hold_is_not_rare() -> None:
    phrases = Phrases.of(PASSAGES)
    assert phrases.rare_phrase("barn och unga") is None  # two of three passages
    longer = "stöd till barn och unga i föreningar"  # grows until one passage holds it
    assert phrases.rare_phrase(longer) == "barn och unga i föreningar"


# ---------------------------------------------------------------- at the gate, in the searcher


@pytest.fixture(scope="module")
def searcher() -> HybridSearcher:
    """A searcher over PASSAGES whose classifier refuses every query (bias -100)."""
    embedder = FakeEmbedder()
    return HybridSearcher(refusing_index(PASSAGES, embedder), embedder)


def verdict(searcher: HybridSearcher, text: str) -> bool:
    """in_domain for `text` as search_page asks it (its vector, BM25's top passage's match)."""
    vector = searcher.embedder.embed_queries([text])[0]
    return searcher.in_domain(text, [vector, None], searcher.lexical_match(text, {}))


class Counting(Phrases):
    """A phrase table that counts the queries it is asked about."""

    asked: list[str]

    def rare_phrase(self, text: str) -> str | None:
        self.asked.append(text)
        return super().rare_phrase(text)


def counting(searcher: HybridSearcher, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Make the searcher's index answer with a Counting table; the list of texts it is asked."""
    table = Counting(*dataclasses.astuple(Phrases.of(searcher.index.passages)))
    object.__setattr__(table, "asked", [])
    monkeypatch.setattr(searcher.index, "phrases", lambda: table)
    return table.asked


def test_the_gate_lets_a_rare_phrase_through_where_the_classifier_refuses(
        searcher: HybridSearcher, monkeypatch: pytest.MonkeyPatch) -> None:
    assert searcher.search_page(DILUTED, 10).hits
    assert verdict(searcher, DILUTED)
    assert not verdict(searcher, EVERYDAY)
    assert searcher.search_page(EVERYDAY, 10).off_topic
    monkeypatch.setattr(Phrases, "rare_phrase", lambda self, text: None)
    assert not verdict(searcher, DILUTED)  # without the phrase: refused


def test_the_phrase_is_asked_only_when_the_gate_refuses(searcher: HybridSearcher,
        monkeypatch: pytest.MonkeyPatch) -> None:
    asked = counting(searcher, monkeypatch)
    always = DomainGate(np.zeros(searcher.embedder.dimension, dtype=np.float32), 100.0)
    always_searcher = HybridSearcher(dataclasses.replace(searcher.index, gate=always),
                                     searcher.embedder)
    monkeypatch.setattr(always_searcher.index, "phrases", searcher.index.phrases)
    assert verdict(always_searcher, DILUTED) and verdict(always_searcher, EVERYDAY)
    assert asked == []  # the classifier accepted: no phrase looked for
    assert verdict(searcher, NAMED)  # the lexical match accepts (70% of it, a rare word)
    assert asked == []
    assert verdict(searcher, DILUTED) and not verdict(searcher, EVERYDAY)
    assert asked == [DILUTED, EVERYDAY]  # refused by classifier and match: the phrase decides


def test_the_phrase_table_is_the_index_s_and_prepare_builds_it(searcher: HybridSearcher,
        monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[int] = []
    of = Phrases.of

    def counted(passages):  # type: ignore[no-untyped-def]
        built.append(len(passages))
        return of(passages)

    monkeypatch.setattr(Phrases, "of", staticmethod(counted))
    fresh = HybridSearcher(dataclasses.replace(searcher.index), searcher.embedder)
    assert built == []  # not at construction
    fresh.prepare()
    assert built == [len(PASSAGES)]  # prepare pays for it, not the first query
    table = fresh.index.phrases()
    assert fresh.search_page(DILUTED, 10).hits and fresh.index.phrases() is table
    assert built == [len(PASSAGES)]  # one table per index, however often it is asked
    assert HybridSearcher(dataclasses.replace(searcher.index), searcher.embedder) \
        .index.phrases() is not table  # another index builds its own


# ---------------------------------------------------------------- a split compound, joined


def test_a_split_compound_is_joined_when_a_passage_writes_it_as_one_word() -> None:
    phrases = Phrases.of(PASSAGES)
    assert phrases.joined_compound("idrotts galan") == "idrottsgalan"
    assert phrases.joined_compound("Idrott galan 2025?") == "idrottsgalan 2025?"  # "s" added
    assert phrases.joined_compound("när är idrotts galan") == "när är idrottsgalan"
    assert phrases.joined_compound("idrotten galan") is None  # other forms are not tried
    assert phrases.joined_compound("idrott och galan") is None  # not adjacent
    assert phrases.joined_compound("fritids gårdar") == "fritidsgårdar"  # "s" kept as written
    assert phrases.joined_compound("galan idrott") is None
    # only words side by side: a number or a sentence end between them is not a split compound
    assert phrases.joined_compound("idrott 2025 galan") is None
    assert phrases.joined_compound("idrott. galan") is None
    assert phrases.joined_compound("idrott-galan") is None


@pytest.mark.parametrize("query", ["FN:s kultur", "the city's kultur", "barnens’s idrott"])
def test_a_genitive_s_glued_to_a_word_is_no_piece_of_a_compound(query: str) -> None:
    # round 17: the "s" read as a word lost its linking "s" and "joined" the next word
    # ("FN:s kultur" -> "FN:kultur"), so the query counted as a split compound
    assert Phrases.of(PASSAGES).joined_compound(query) is None


def test_the_gate_reads_a_refused_query_with_its_split_compound_joined(
        searcher: HybridSearcher, monkeypatch: pytest.MonkeyPatch) -> None:
    assert verdict(searcher, "idrotts galan")  # as "idrottsgalan": one passage's rare word
    assert searcher.search_page("idrotts galan", 10).hits
    assert not verdict(searcher, "recept galan")  # nothing joins
    monkeypatch.setattr(Phrases, "joined_compound", lambda self, text: None)
    assert not verdict(searcher, "idrotts galan")  # as written: refused


def test_the_joined_reading_is_asked_only_when_all_else_refuses(searcher: HybridSearcher,
        monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []
    joined = Phrases.joined_compound

    def counted(self: Phrases, text: str) -> str | None:
        asked.append(text)
        return joined(self, text)

    monkeypatch.setattr(Phrases, "joined_compound", counted)
    assert verdict(searcher, NAMED) and verdict(searcher, DILUTED)  # lexical match, phrase
    assert asked == []
    assert verdict(searcher, "idrotts galan") and asked == ["idrotts galan"]
