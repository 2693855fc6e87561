"""A check shared by the bundled (passage id, text) files: the indicator names, the phrasings."""

from __future__ import annotations

import re


def assert_three_per_passage(pairs: list[tuple[str, str]], ids: set[str]) -> None:
    """Each of `ids` has exactly three texts and no other id has any; no text holds a digit
    (no values, years or numbers); a passage's texts stand together (lifted reads one maximum
    per run)."""
    counts: dict[str, int] = {}
    for pid, text in pairs:
        counts[pid] = counts.get(pid, 0) + 1
        assert not re.search(r"\d", text), text
    assert set(counts) == ids and set(counts.values()) == {3}
    runs = [pid for i, (pid, _) in enumerate(pairs) if i == 0 or pairs[i - 1][0] != pid]
    assert len(runs) == len(ids)
