"""Word lists and small rules behind initiative detection (Swedish function words, cues)."""

from __future__ import annotations

import re

# Words that introduce a named programme, method or effort.
CUES: tuple[str, ...] = (
    "modellen", "metoden", "metodstödet", "insatsen", "programmet", "arbetssättet",
    "projektet", "pilotprojektet", "satsningen", "satsningar som", "verksamheten",
    "aktivitetshuset", "mötesplats", "utställning,", "utställningen", "kampanjen",
    "funktionen", "nätverket", "konceptet", "inom ramen för", "enligt", "arbetet med",
    "exempelvis", "såsom", "genom", "deltagit i",
)
# Cues that are nouns also work as the head of a compound ("matematikutställning, X").
COMPOUND_CUES: tuple[str, ...] = ("utställning,", "projektet", "modellen", "satsningen")
# Words that end a name: verbs and function words that start the rest of the clause.
STOP: frozenset[str] = frozenset((
    "har", "hade", "är", "var", "ges", "gavs", "ger", "som", "där", "vilket", "vilka", "samt",
    "och", "med", "till", "för", "på", "under", "inom", "genom", "bidrar", "bidrog", "syftar",
    "arbetat", "arbetar", "erbjuder", "erbjuds", "kan", "ska", "fortsätter", "fortsatt",
    "visar", "används", "blir", "sker", "stärker", "att", "the", "bjuds", "tagits", "tas",
))
# A capitalised word after these is a place, not an initiative.
LOCATIVE: frozenset[str] = frozenset(
    ("i", "på", "vid", "från", "över", "mot", "gamla", "stadsdelen"))
# Heads that make a name an organisation, authority or place rather than an initiative.
NON_NAME_HEADS = re.compile(
    r"(förbundet|institutet|centrum|myndigheten|styrelsen|verket|kassan|polisen|kommun|"
    r"kommunen|regionen|torget|torg|länet|riket)s?\b|^lag\b", re.I)
ABBREVIATION = r"[A-ZÅÄÖ][A-ZÅÄÖa-zåäö]{0,2}[A-ZÅÄÖ]{1,4}"
# A name of up to seven words right before '(ABBR)'. Found from the parenthesis backwards:
# the same leftmost match as one forward pattern, without trying seven words at every offset.
ABBR_IN_PARENS = re.compile(rf"\s+\(({ABBREVIATION})\)")
NAME_BEFORE = re.compile(r"(?:[\wåäöÅÄÖ-]+\s+){0,6}?[\wåäöÅÄÖ-]+\Z")
NAME_WINDOW = 600  # characters before the parenthesis that can hold seven words
ABBR_THEN_NAME = re.compile(rf"(?<![\w-])({ABBREVIATION})\s+\(([^()]{{3,80}})\)")
FUNCTION_WORDS = frozenset(["för", "och", "i", "av", "om", "of", "the", "till", "med"])


def initials_match(words: list[str], abbreviation: str) -> bool:
    """Do the words' initials, with or without function words, spell the abbreviation?"""
    if not words or words[0].lower() in FUNCTION_WORDS:
        return False
    content = [w for w in words if w.lower() not in FUNCTION_WORDS]
    target = abbreviation.lower()
    return target in {"".join(w[0] for w in content).lower(), "".join(w[0] for w in words).lower()}


def names_then_abbreviations(text: str) -> list[tuple[str, str]]:
    """(words before, abbreviation) for each 'Some Name (ABBR)', scanning left to right."""
    found, taken = [], 0  # a match never reaches back into the previous one
    for m in ABBR_IN_PARENS.finditer(text):
        start = max(taken, m.start() - NAME_WINDOW)
        name = NAME_BEFORE.search(text, start, m.start())
        if name is not None:
            found.append((name.group(0), m.group(1)))
            taken = m.end()
    return found


def abbreviation_pairs(text: str) -> list[tuple[str, str]]:
    """(name, abbreviation) pairs: 'Signs of Safety (SoS)', 'TSI (Tidiga samordnade insatser)'."""
    pairs: list[tuple[str, str]] = []
    for m in ABBR_THEN_NAME.finditer(text):
        pairs.append((m.group(2).strip(), m.group(1)))
    for name, abbr in names_then_abbreviations(text):
        words = name.split()
        for start in range(len(words)):
            if initials_match(words[start:], abbr):
                pairs.append((" ".join(words[start:]), abbr))
                break
        else:
            last = words[-1]
            # a compound such as 'barnkonsekvensanalyser (BKA)' has no word per letter
            if len(last) >= 10 and last[0].lower() == abbr[0].lower():
                pairs.append((last, abbr))
    return pairs
