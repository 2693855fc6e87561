"""What BM25 reads of a passage: its text, an indicator row's without the comparison's words.

Every indicator row ends in the same comparison clause ("(jämförelse: Länet 5,7 %, Riket
6,0 %, Huddinge …)") and some in the report's note on comparable municipalities. BM25 matched
those words in all 73 rows alike: they lifted the indicator table as one block over narrative
passages without telling its rows apart. The clause loses its capitalised words (the areas:
Länet, Riket, the comparable municipalities, "Polisregion Stockholm Syd"; also a breakdown the
report writes with a capital, "Flickor:", which the row's own values still name once) and keeps
its figures and lower-case group labels (with the figures gone a number looked rare and
digit-and-sign strings passed the domain gate); the "Enhet"/"Källa" sentences stay (a survey
named as a row's source is what people ask for).
Measured on the pool, then gated on blind sets 45-46:
benchmarks/results/eval_round23_indicator_bm25.txt and round23_gates.txt. The dense side, the
shown text and the graph read the passage text unchanged.
"""

from __future__ import annotations

import re

from corpus.passages import INDICATOR
from corpus.render import COMPARISON_OPENING as COMPARISON

# the note render_indicator copies from the report for rows compared with Huddinge etc.
COMPARABLE_NOTE = re.compile(r"redovisas som kommuner med .* jämförbara med")
# Länet, Riket, Huddinge ...: an area is capitalised, a sex (kvinnor, män) is not
PLACE = re.compile(r"\b[A-ZÅÄÖ][\w-]*\s*")
SENTENCE_END = re.compile(r"(?<=\.)\s+")


def bm25_document(passage: dict) -> str:
    """The text BM25 indexes for one passage (the passage's own text but for indicator rows)."""
    text = passage["text"]
    if passage.get("kind") != INDICATOR:
        return text
    sentences = SENTENCE_END.split(comparison_figures(text))
    return " ".join(s for s in sentences if not COMPARABLE_NOTE.search(s))


def comparison_figures(text: str) -> str:
    """The text with its " (jämförelse: …)" clause reduced to its figures and group labels."""
    start = text.find(COMPARISON)
    if start < 0:
        return text
    end = clause_end(text, start + 1)
    if end is None:
        return text
    clause = text[start + len(COMPARISON):end]
    return f"{text[:start]} ({PLACE.sub('', clause)}){text[end + 1:]}"


def clause_end(text: str, opening: int) -> int | None:
    """Index of the parenthesis closing the one at `opening` (nested ones balanced), or None."""
    depth = 0
    for i in range(opening, len(text)):
        depth += {"(": 1, ")": -1}.get(text[i], 0)
        if depth == 0:
            return i
    return None
