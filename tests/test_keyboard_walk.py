"""Keyboard walks along a row of the Swedish layout are mash (search.keyboard_walk, round 19)."""

from __future__ import annotations

import pytest

from search import nonword
from search.gate_text import looks_like_nonsense
from search.keyboard_walk import is_walk, walk_length


@pytest.mark.parametrize(("word", "length"), [
    ("asdf", 4), ("fdsa", 4), ("lkjh", 4), ("ölkjhgf", 7), ("poiu", 4), ("mnbv", 4),
    ("qwerty", 6), ("ytrewq", 6), ("åpoiuy", 6), ("zxcvbnm", 7), ("hjkl", 4), ("asdfgh", 6),
    ("ASDF", 4),
])
def test_walks_of_each_row_and_both_directions(word: str, length: int) -> None:
    assert walk_length(word) == length
    assert is_walk(word)


@pytest.mark.parametrize(("word", "length"), [
    ("asas", 2),  # back and forth is no one direction
    ("qaz", 1),  # down a column, not along a row
    ("xasdfx", 4),  # a walk inside a longer word
    ("pa", 1),  # no wrapping from one row's end to the next
    ("a", 1), ("", 0),
])
def test_walk_length(word: str, length: int) -> None:
    assert walk_length(word) == length


@pytest.mark.parametrize("word", ["dsa", "jkl", "xcv", "ewq", "löä", "äöl", "opå"])
def test_three_letters_all_one_walk(word: str) -> None:
    assert is_walk(word)


@pytest.mark.parametrize("word", ["asx", "sdk", "abc", "jkll", "sdfx"])
def test_short_words_not_all_one_walk(word: str) -> None:
    # three letters of which only two walk; four letters with a walk of three
    assert not is_walk(word)


@pytest.mark.parametrize("word", ["skola", "barn", "fritidsgård", "hemlöshet", "ungdom"])
def test_words_are_no_walks(word: str) -> None:
    assert not is_walk(word)
    assert not nonword.is_mash(word)


@pytest.mark.parametrize("word", ["tre", "ert"])
def test_a_lemma_table_word_is_never_mash(word: str) -> None:
    assert is_walk(word)
    assert not nonword.is_mash(word)


@pytest.mark.parametrize("word", ["dsa", "qwerty", "hjkl", "asdfgh"])
def test_walks_over_the_floor_are_mash(word: str) -> None:
    assert nonword.score(word) >= nonword.FLOOR
    assert nonword.is_mash(word)


def test_the_dev_string_is_nonsense() -> None:
    assert looks_like_nonsense("ölkjhgf dsa")
    assert not looks_like_nonsense("barn i skolan")
