"""The ranking memory: the judged questions hybrid's fusion hears (round 33, ST33v).

The judged-query memory (search.query_memory) holds the pool's judged questions, and the
verdicts read it: the domain gate's vouch, the nearer-question and known off-topic checks, the
errand check's ranking. The tuning style parts (questions as typed into a search box or asked
by an outsider, tests/data/search_tune_styleN.jsonl) were written to tune on and are judged
like the pool; the ranking memory holds both (search/ranking_queries.jsonl beside the adapter's
file, made by benchmarks/make_adapter_queries.py) and is read by the fusion's votes alone, so
no verdict moves. It is never silent: with the style parts' lay indicator questions among the
neighbours, the silence (round 15) muted the very votes that find the asked indicator row.

Measured in benchmarks/results/round33_gates.txt: on tuning parts left out of it, and kept by
rule ST33v on blind sets. With the verdicts reading it too (ST33s) more off-topic strings got
hits: the verdicts stay on the pool's memory.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import ClassVar

from search.known_offtopic import fingerprint
from search.query_adapter import EmbedQueries, JudgedQuery, load_judged
from search.query_memory import QueryMemory

FILE = "ranking_memory.npz"
RANKING_QUERIES = Path(__file__).with_name("ranking_queries.jsonl")


def ranking_judged() -> list[JudgedQuery]:
    """The pool's judged queries (the adapter's file), then the style parts'."""
    return load_judged() + load_judged(RANKING_QUERIES)


def judged_source(judged: list[JudgedQuery]) -> str:
    """A hash of the judged queries in order: a memory of other ones is out of date."""
    return fingerprint([f"{q.text}\x1f{json.dumps(sorted(q.relevant.items()))}"
                        for q in judged])


class RankingMemory(QueryMemory):
    """The pool's and the style parts' judged questions, never silent, read by ranking only."""

    FILE: ClassVar[str] = FILE
    SILENT: ClassVar[bool] = False

    @classmethod
    def of(cls, passages: list[dict], embed_queries: EmbedQueries) -> RankingMemory | None:
        """The ranking memory of these passages; None without style questions (the fusion
        then hears the judged-query memory) or when no judged query keeps a passage."""
        if not load_judged(RANKING_QUERIES):
            return None
        judged = ranking_judged()
        memory = cls.build(passages, embed_queries, judged)
        return None if memory is None else replace(memory, source=judged_source(judged))

    def outdated(self) -> bool:
        """Built from other judged queries than those now bundled."""
        return self.source != judged_source(ranking_judged())
