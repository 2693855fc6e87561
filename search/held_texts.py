"""Where the index holds a judged text: the one rule for the query adapter's pairs and the
judged-query memory (search.query_adapter, search.query_memory).

A judged query names its passages by id and by the hash of the text judged. Ids are source
lines, so a corrected report may hold other text under an id, and a later report repeats much
of the earlier one's wording under other ids: a judgement follows the text, not the id.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # query_adapter imports this module
    from search.query_adapter import JudgedQuery

Judgement = tuple["JudgedQuery", str, int, int]  # (query, passage id, grade, index row)
Twins = dict[str, tuple[str, ...]]  # passage id -> the other ids of its text


class HeldTexts:
    """The index's passages by text hash: where a judged text is held, and its copies."""

    def __init__(self, passages: list[dict]) -> None:
        """Index the passages' ids and rows by their text's hash (index_store.text_key)."""
        from search.index_store import text_key  # index_store imports this module

        self.ids_by_text: dict[str, list[str]] = {}
        self.text_of: dict[str, str] = {}
        self.row_of: dict[str, int] = {}
        for row, p in enumerate(passages):
            if "id" in p:
                self.text_of[p["id"]] = key = text_key(p)
                self.ids_by_text.setdefault(key, []).append(p["id"])
                self.row_of[p["id"]] = row

    def holder(self, pid: str, judged_text: str | None) -> str | None:
        """The passage answering for a judged (id, text hash): the id while it holds that text,
        else the first passage holding it (lines moved), else None (the text is gone)."""
        ids = self.ids_by_text.get(judged_text or "", [])
        return pid if pid in ids else ids[0] if ids else None

    def twins(self, pids: set[str]) -> Twins:
        """Each passage's other passages of the same text (only those that have any)."""
        out: Twins = {}
        for pid in pids:
            others = tuple(i for i in self.ids_by_text[self.text_of[pid]] if i != pid)
            if others:
                out[pid] = others
        return out


def held_judgements(passages: list[dict] | HeldTexts,
                    judged: list[JudgedQuery]) -> tuple[list[Judgement], int]:
    """Each judged passage (grade > 0) whose judged text (its hash) the index holds: under its
    id while that passage holds it, else under the first passage holding it (a corrected
    report whose lines moved); and how many were skipped because the passage of that id now
    holds another text that is nowhere else (or no hash was recorded). The one rule for the
    adapter's pairs and the judged-query memory (search.query_memory)."""
    held = passages if isinstance(passages, HeldTexts) else HeldTexts(passages)
    out: list[Judgement] = []
    stale = 0
    for q in judged:
        for pid, grade in sorted(q.relevant.items()):
            if grade <= 0:
                continue
            holder = held.holder(pid, q.hashes.get(pid))
            if holder is None:
                stale += pid in held.row_of  # an absent id (another report) is not stale
                continue
            out.append((q, holder, grade, held.row_of[holder]))
    return out, stale
