"""What a query's text alone tells the domain gate: nonsense, digits and signs, no term."""

from __future__ import annotations

from search import nonword
from search.closed_class import says_little
from search.textnorm import ENGLISH_FUNCTION_WORDS, is_function_word, words

VOWELS = frozenset("aeiouyåäöéü")


def looks_like_nonsense(text: str) -> bool:
    """No word of two letters or more ("0000 #### !!!"), or every word lacks a vowel or a
    consonant, is one letter repeated ("ooo", "qwtz") or is keyboard mash ("zxcvbn").

    Asked only when nothing of the query matched the corpus lexically. Round 12: a text of
    digits and signs was left to the classifier, whose embedding of "0000 #### !!!" sits
    near the indicator passages' numbers (it passed with 38 hits; blind set 12's off-topic
    file, so that set is not blind for this)."""
    found = nonword.letter_words(text)
    if not found:
        return bool(text.strip())  # digits and signs only ("" = no text given: not judged)
    # Round 14: or keyboard mash ("lkjhgf"), which a letter-trigram model of Swedish and
    # English finds no speaker of either would write (search.nonword)
    return all(_not_a_word(w) or nonword.is_mash(w) for w in found)


def no_letter_word(text: str) -> bool:
    """No word of two letters or more: digits and signs ("!!! 42", "?? 12", "2025").

    Round 14: such a text passes only by a specific lexical match (a number few passages
    hold, "99"), never by the classifier, whose embedding of digits and signs is noise: "42"
    was refused and "!!! 42" answered with 21 hits, 18 of them dense noise."""
    return bool(text.strip()) and not nonword.letter_words(text)  # "": no text, not judged


def beyond_the_classifier(text: str, match: float) -> bool:
    """A text whose embedding is noise, so the classifier is not asked (accepts, near_miss):
    digits and signs whatever matched (round 14: "!!! 42" passed where "42" did not), and
    non-words or mash when nothing of it matched the corpus lexically ("jjjjjjjj")."""
    return no_letter_word(text) or (match == 0 and looks_like_nonsense(text))


def has_no_term(text: str) -> bool:
    """Only function words ("och i att", "det som är"; two or more English ones or words of
    the closed-class table: "the of and", "ju nog väl", "emellertid således"), or no word at
    all ("!!!")."""
    # Round 13: such a query passed the gate with about 30 hits (the dense side answers
    # anything). English words, numbers and misspellings are terms; so are the stop list's
    # topical words ("rätt", "beslut": textnorm.TOPICAL_STOPWORDS). Round 14: English function
    # words together had about 40 hits too; one alone stays a term, since "it" may be IT.
    # Round 16: so did particles or closed-class words the stop list lacks together ("ju nog
    # väl", 41 hits; "hos åt ur"); one alone stays a term too. Round 17: the closed classes
    # come from one table by grammar category (closed_class.SAYS_LITTLE_TABLE), not from what
    # leaked; its words typed without å/ä/ö too ("nagot dar"), as the query's words are compared
    # unfolded
    found = [word.text for word in words(text)]
    if all(is_function_word(word) for word in found):
        return True
    return len(found) >= 2 and all(_says_nothing(word) for word in found)


def _says_nothing(word: str) -> bool:
    """A function word, an English one, or a word of a Swedish closed class
    (closed_class.says_little: conjunctions, prepositions, pronouns, particles ...)."""
    return is_function_word(word) or word in ENGLISH_FUNCTION_WORDS or says_little(word)


def _not_a_word(word: str) -> bool:
    """No vowel, no consonant, or a single distinct letter."""
    vowels = sum(ch in VOWELS for ch in word)
    return vowels == 0 or vowels == len(word) or len(set(word)) == 1
