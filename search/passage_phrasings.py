"""Everyday phrasings of the report's narrative passages, read by hybrid's ranking (round 32, PA32).

A passage is written in the report's words ("ofrivillig ensamhet hos äldre"); a resident types
"ensamma pensionärer". The bundled file (search/passage_phrasings.tsv, three phrasings for each
narrative and development-area passage: Swedish keywords, a Swedish everyday question, English,
written from the report alone) is embedded as passages at ingest. Hybrid's ranking then scores
such a passage at the best of its own cosine and its best phrasing's cosine less DISCOUNT, as
search.indicator_aliases does for the indicator rows (document expansion).

They are a ranking matter only: the gate's checks that read the dense side (a corroborated near
miss, the errand check) read it without them, so no verdict moves (a phrasing that lifts another
passage to the top made a near miss lose its corroboration: round32_gates.txt, PA32's g4). The
bare dense mode does not read them either. DISCOUNT was chosen on tuning data only (grid 0-0.05)
and the phrasings kept by rule PA32v on blind sets 107-108: benchmarks/results/round32_gates.txt.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from search.indicator_aliases import IndicatorAliases, bundled_aliases

PHRASINGS = Path(__file__).with_name("passage_phrasings.tsv")


class PassagePhrasings(IndicatorAliases):
    """The phrasings' passage vectors, the rows they phrase, their source and pairs: the
    indicator names' reading, with its own bundled file and index file."""

    FILE: ClassVar[str] = "passage_phrasings.npz"

    @classmethod
    def bundled(cls) -> list[tuple[str, str]]:
        """The bundled (passage id, phrasing) pairs, read at the call (a test may patch it)."""
        return bundled_aliases(PHRASINGS)
