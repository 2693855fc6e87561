"""Keyboard mash read by the letter-trigram model (search.nonword), against hand-written lists."""

from __future__ import annotations

import gzip
import importlib.util
import json
from pathlib import Path

import pytest

from search import nonword
from search.gate_text import _not_a_word, looks_like_nonsense

DATA = Path(__file__).resolve().parent / "data"
MAKER = Path(__file__).resolve().parents[1] / "benchmarks" / "make_nonword_table.py"


def strings(name: str) -> list[str]:
    """The strings of one of the two lists (comment lines skipped)."""
    lines = (DATA / name).read_text("utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def found(text: str) -> list[str]:
    """The words looks_like_nonsense judges: letter runs of two letters or more, casefolded."""
    return nonword.letter_words(text)


def test_lists_are_as_written() -> None:
    assert len(strings("nonword_mash.txt")) == 30
    assert len(strings("nonword_real.txt")) == 40


@pytest.mark.parametrize("text", strings("nonword_real.txt"))
def test_no_real_word_scores_under_the_floor(text: str) -> None:
    # stronger than "not mash": not even a lemma table's exemption is needed. Acronyms without
    # a vowel ("RSMH", "NPF", "HBTQ") score under it, but the old test calls them non-words
    # already (a query of them passes only when the corpus holds them), so the model adds nothing
    for word in found(text):
        if not _not_a_word(word):
            assert nonword.score(word) >= nonword.FLOOR, word
            assert not nonword.is_mash(word), word


@pytest.mark.parametrize("text", strings("nonword_real.txt"))
def test_the_model_changes_no_real_strings_verdict(text: str) -> None:
    old = all(_not_a_word(word) for word in found(text))
    assert looks_like_nonsense(text) == old
    assert old == (text in {"RSMH", "NPF", "HBTQ"})


@pytest.mark.parametrize("text", ["åpoiuy", "öäåpoi", "äölkjh gfdsa", "aösldkfj", "yxcvb 3"])
def test_mash_the_old_test_let_through_is_nonsense(text: str) -> None:
    # every one has a word with a vowel and a consonant: only the model tells it from a word
    assert not all(_not_a_word(word) for word in found(text))
    assert looks_like_nonsense(text)


def test_the_model_adds_to_the_old_test() -> None:
    mash = strings("nonword_mash.txt")
    old = sum(all(_not_a_word(w) for w in found(text)) for text in mash)
    new = sum(looks_like_nonsense(text) for text in mash)
    assert new >= old + 6


@pytest.mark.parametrize("text", ["barn i skolan", "hemlöshet bland unga", "jiujitsu", "ufo",
                                  "youth unemployment", "fritidsgård 2024", "1234", ""])
def test_words_are_no_nonsense(text: str) -> None:
    assert looks_like_nonsense(text) == (text == "1234")


def test_lemma_tables_exempt_a_low_score() -> None:
    # "jiujitsu" (Swedish table) and "iq" (English table) score under the floor
    for word in ("jiujitsu", "iq"):
        assert nonword.score(word) < nonword.FLOOR
        assert not nonword.is_mash(word)
    assert nonword.is_mash("lkjhgf")


def test_trigrams_carry_the_boundary_marks() -> None:
    assert nonword.trigrams("ab") == ["^^a", "^ab", "ab$"]
    model = nonword.TrigramModel.train({"ab", "ac"})
    assert model.tri["^ab"] == 1 and model.ctx2["^a"] == 2
    assert model.logprob("^ab") > model.logprob("^ax")


def test_shipped_table_holds_both_languages() -> None:
    data = json.loads(gzip.decompress(nonword.TABLE.read_bytes()))
    assert set(data) == {*nonword.LANGS, "source"}
    assert all(len(data[lang]) > 5000 for lang in nonword.LANGS)
    assert len(nonword.models()) == 2


def test_the_table_was_made_from_the_installed_word_lists() -> None:
    """An upgrade of spacy-lookups-data changes the exemptions (the lemma tables are read
    live) while the counts and FLOOR stay: regenerate the table and check the floor then."""
    data = json.loads(gzip.decompress(nonword.TABLE.read_bytes()))
    assert data["source"] == f"spacy-lookups-data {nonword.source_version()}"


def test_the_shipped_counts_are_what_the_script_makes() -> None:
    spec = importlib.util.spec_from_file_location("make_nonword_table", MAKER)
    maker = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(maker)
    data = json.loads(gzip.decompress(nonword.TABLE.read_bytes()))
    words = maker.table_words(nonword.EN_SOURCE)
    assert nonword.TrigramModel.train(words).tri == data["en"]


@pytest.mark.parametrize("word", ["łódź", "привет", "αβγδ", "東京", "ｑｗｅｒｔｚ"])
def test_a_script_the_models_never_saw_is_never_mash(word: str) -> None:
    assert not nonword.is_mash(word)


def test_prepare_reads_everything_the_check_needs() -> None:
    nonword.prepare()
    assert nonword.known_letters() >= set("abcåäö")
