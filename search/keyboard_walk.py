"""Keyboard walks: letters typed by sliding along one row of the Swedish layout ("asdf", "ölkjhgf").

Round 19: a walk can score above search.nonword's trigram floor ("dsa" -3.46, "qwerty" -3.73,
"hjkl" -4.13, "asdfgh" -4.20), so "ölkjhgf dsa" reached the classifier and got 33 hits.
search.nonword.is_mash calls a walk mash whatever its score, but only for a word of neither
lemma table: "tre" and "ert" are Swedish words, never mash.
"""

from __future__ import annotations

from itertools import pairwise

# The three letter rows of the Swedish keyboard, left to right.
ROWS = ("qwertyuiopå", "asdfghjklöä", "zxcvbnm")
MIN_WALK = 4  # the shortest walk inside a longer word that makes it one
SHORT_WORD = 3  # a word this long is a walk when all its letters are one


def _positions() -> dict[str, tuple[int, int]]:
    """Each letter's row and column."""
    return {ch: (row, col) for row, keys in enumerate(ROWS) for col, ch in enumerate(keys)}


POSITIONS = _positions()


def step(a: str, b: str) -> int:
    """+1 when b is a's right-hand neighbour on the same row, -1 its left-hand one, else 0."""
    pa, pb = POSITIONS.get(a), POSITIONS.get(b)
    if pa is None or pb is None or pa[0] != pb[0] or abs(pa[1] - pb[1]) != 1:
        return 0
    return pb[1] - pa[1]


def walk_length(word: str) -> int:
    """The longest run of consecutive letters, each next to the previous on its row, in one
    direction ("asdf" and "fdsa" 4, "asas" 2); 1 for a word of one letter, 0 for none."""
    text = word.casefold()
    best = run = min(len(text), 1)
    direction = 0
    for a, b in pairwise(text):
        move = step(a, b)
        if move and move == direction:
            run += 1
        else:
            run = 2 if move else 1
        direction = move
        best = max(best, run)
    return best


def is_walk(word: str) -> bool:
    """A walk of four letters or more inside the word, or a word of three letters that is one
    walk ("dsa", "jkl", "xcv")."""
    length = walk_length(word)
    return length >= MIN_WALK or len(word.casefold()) == SHORT_WORD == length
