"""The domain gate's rare phrase: a run of the report's words inside a longer query."""

from __future__ import annotations

import numpy as np

from search.domain_gate import DomainGate
from search.query_signals import Phrases, phrase_words, phrases_of

PASSAGES = [
    {"text": "Initiativet Krogar mot knark utbildar personal på restauranger."},
    {"text": "Fritidsgårdar och föreningar får stöd. Barn och unga möts i föreningar och idrott."},
    {"text": "Barn och unga i föreningar: idrott, kultur och idrottsgalan."},
]


def test_phrase_words_fold_case_and_drop_punctuation() -> None:
    assert phrase_words("Krogar mot KNARK – vad?") == ["krogar", "mot", "knark", "vad"]


def test_a_name_inside_a_longer_question_is_a_rare_phrase() -> None:
    phrases = Phrases.of(PASSAGES)
    question = "Krogar mot knark – vad har kartlagts om droger på restauranger"
    assert phrases.rare_phrase(question) == "krogar mot knark"
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


def test_the_gate_lets_a_rare_phrase_through_where_the_classifier_refuses() -> None:
    never = DomainGate(np.zeros(4, dtype=np.float32), -100.0)
    assert never.accepts(np.zeros(4), match=0.5, rare=True, phrase=True)
    assert not never.accepts(np.zeros(4), match=0.5, rare=True, phrase=False)


def test_the_phrase_table_is_built_once_per_passage_list() -> None:
    passages = list(PASSAGES)
    assert phrases_of(passages) is phrases_of(passages)
    assert phrases_of(list(PASSAGES)) is not phrases_of(passages)
