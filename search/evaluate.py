"""Retrieval evaluation against graded query sets (tests/data/search_{tune,heldout}.jsonl).

The development queries are split once, for good, into a tuning part (everything may be
fitted on it) and a held-out part (only reported, never tuned on); each file's header says
how. A query set is JSON Lines, one query per line, lines starting with ``#`` are comments::

    {"id": "q01", "query": "...", "type": "paraphrase",
     "relevant": {"rapport/sodertalje-2025/passage/L249": 3, ...}, "note": "optional"}

Grades: 3 = the passage that answers the query, 2 = clearly relevant, 1 = partly relevant.
Passages not listed are taken as grade 0.

Metrics, all computed on the top ``k`` of a ranking (repeated ids count once, at their
first position):

* nDCG@k: gain ``2**grade - 1``, discount ``log2(rank + 1)``; the ideal DCG is computed
  from the judgments (all judged passages sorted by grade), so it does not depend on
  what the system returned.
* recall@k: share of the *relevant* passages (grade >= 2) found in the top k. The
  denominator is ``min(number relevant, k)`` so that a perfect ranking scores 1.0 even
  when a broad query has more than k relevant passages. Grade-1 passages are left out
  on purpose: they are "partly relevant", and missing one is not a retrieval failure.
* MRR@k: reciprocal rank of the first passage with grade >= 2 (0 if none in the top k),
  averaged over queries by :func:`evaluate`.

The search itself lives elsewhere; :func:`evaluate` takes any ``search_fn(query, k)``
that returns passage ids, best first.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

RELEVANT_GRADE = 2  # recall and MRR count passages at or above this grade
MAX_GRADE = 3
QUERY_TYPES = frozenset({
    "paraphrase",   # same meaning, few shared words
    "initiative",   # the name of a programme, method or place
    "rights",       # a human-rights question
    "english",      # an English query over the Swedish report
    "typo",         # misspelt or written without å/ä/ö
    "compound",     # a Swedish compound the text spells differently
    "indicator",    # a question answered by an indicator value
    "development",  # what the report says must be developed further
})
REQUIRED_FIELDS = ("id", "query", "type", "relevant")
OPTIONAL_FIELDS = ("note",)

SearchFn = Callable[[str, int], Sequence[str]]


class DevSetError(ValueError):
    """A malformed dev-set file; the message names the file and line."""


@dataclass(frozen=True)
class DevQuery:
    """One judged query."""

    id: str
    query: str
    type: str
    relevant: Mapping[str, int]
    note: str | None = None


# ---------------------------------------------------------------- metrics


def _top(ranked_ids: Iterable[str], k: int) -> list[str]:
    """The first k distinct ids, in order."""
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    seen: set[str] = set()
    top: list[str] = []
    for pid in ranked_ids:
        if pid not in seen:
            seen.add(pid)
            top.append(pid)
            if len(top) == k:
                break
    return top


def _gain(grade: int) -> float:
    return float(2**grade - 1)


def dcg(grades: Sequence[int]) -> float:
    """Discounted cumulative gain of grades listed in rank order (rank 1 first)."""
    return sum(_gain(g) / math.log2(rank + 1) for rank, g in enumerate(grades, start=1))


def ndcg_at_k(ranked_ids: Sequence[str], judgments: Mapping[str, int], k: int = 10) -> float:
    """nDCG@k with graded gains; 0.0 when nothing is judged relevant."""
    top = _top(ranked_ids, k)
    ideal = dcg(sorted((g for g in judgments.values() if g > 0), reverse=True)[:k])
    if ideal == 0:
        return 0.0
    return dcg([judgments.get(pid, 0) for pid in top]) / ideal


def _relevant(judgments: Mapping[str, int], min_grade: int) -> set[str]:
    return {pid for pid, g in judgments.items() if g >= min_grade}


def recall_at_k(ranked_ids: Sequence[str], judgments: Mapping[str, int], k: int = 10,
                min_grade: int = RELEVANT_GRADE) -> float:
    """Share of passages with grade >= min_grade in the top k, out of min(#relevant, k)."""
    relevant = _relevant(judgments, min_grade)
    if not relevant:
        return 0.0
    hits = sum(1 for pid in _top(ranked_ids, k) if pid in relevant)
    return hits / min(len(relevant), k)


def mrr(ranked_ids: Sequence[str], judgments: Mapping[str, int], k: int = 10,
        min_grade: int = RELEVANT_GRADE) -> float:
    """Reciprocal rank of the first passage with grade >= min_grade in the top k, else 0.0.

    This is one query's term; :func:`evaluate` averages it into the mean reciprocal rank.
    """
    relevant = _relevant(judgments, min_grade)
    for rank, pid in enumerate(_top(ranked_ids, k), start=1):
        if pid in relevant:
            return 1.0 / rank
    return 0.0


# ---------------------------------------------------------------- dev set


def _fail(where: str, message: str) -> DevSetError:
    return DevSetError(f"{where}: {message}")


def _parse_relevant(value: Any, where: str) -> dict[str, int]:
    if not isinstance(value, dict) or not value:
        raise _fail(where, "'relevant' must be a non-empty object of passage id -> grade")
    relevant: dict[str, int] = {}
    for pid, grade in value.items():
        if not pid.strip():
            raise _fail(where, "'relevant' has an empty passage id")
        if isinstance(grade, bool) or not isinstance(grade, int) or not 1 <= grade <= MAX_GRADE:
            raise _fail(where, f"grade of {pid!r} must be an integer 1-{MAX_GRADE}, got {grade!r}")
        relevant[pid] = grade
    if MAX_GRADE not in relevant.values():
        raise _fail(where, f"no passage has grade {MAX_GRADE} (the passage that answers it)")
    return relevant


def _text_field(row: Mapping[str, Any], name: str, where: str) -> str:
    value = row[name]
    if not isinstance(value, str) or not value.strip():
        raise _fail(where, f"'{name}' must be a non-empty string")
    return value


def parse_query(row: Any, where: str = "<row>") -> DevQuery:
    """Validate one decoded JSON object; errors name ``where`` (e.g. 'file:12')."""
    if not isinstance(row, dict):
        raise _fail(where, f"expected a JSON object, got {type(row).__name__}")
    unknown = sorted(set(row) - set(REQUIRED_FIELDS) - set(OPTIONAL_FIELDS))
    if unknown:
        raise _fail(where, f"unknown field(s) {', '.join(map(repr, unknown))}")
    missing = [name for name in REQUIRED_FIELDS if name not in row]
    if missing:
        raise _fail(where, f"missing field(s) {', '.join(map(repr, missing))}")
    kind = _text_field(row, "type", where)
    if kind not in QUERY_TYPES:
        raise _fail(where, f"unknown type {kind!r}; expected one of {sorted(QUERY_TYPES)}")
    note = row.get("note")
    if note is not None and not isinstance(note, str):
        raise _fail(where, "'note' must be a string")
    return DevQuery(_text_field(row, "id", where), _text_field(row, "query", where), kind,
                    _parse_relevant(row["relevant"], where), note)


def load_dev_set(path: str | Path) -> list[DevQuery]:
    """Read and validate a JSONL dev set; blank and '#' lines are skipped, ids must be unique."""
    path = Path(path)
    queries: list[DevQuery] = []
    seen: dict[str, int] = {}
    with path.open(encoding="utf-8") as lines:
        for lineno, line in enumerate(lines, start=1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            where = f"{path}:{lineno}"
            try:
                row = json.loads(line)
            except json.JSONDecodeError as err:
                raise _fail(where, f"invalid JSON ({err.msg} at column {err.colno})") from err
            query = parse_query(row, where)
            if query.id in seen:
                raise _fail(where, f"duplicate query id {query.id!r} (first on line "
                                   f"{seen[query.id]})")
            seen[query.id] = lineno
            queries.append(query)
    if not queries:
        raise DevSetError(f"{path}: no queries")
    return queries


def validate_ids(dev_set: Iterable[DevQuery], known_ids: Iterable[str]) -> dict[str, list[str]]:
    """Judged passage ids that are not in ``known_ids``, by query id (empty when all exist)."""
    known = set(known_ids)
    unknown: dict[str, list[str]] = {}
    for query in dev_set:
        missing = [pid for pid in query.relevant if pid not in known]
        if missing:
            unknown[query.id] = missing
    return unknown


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.casefold()))


def _overlap(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


def remap_ids(dev_set: Iterable[DevQuery], old_texts: Mapping[str, str],
              new_texts: Mapping[str, str]) -> tuple[list[DevQuery], dict[str, tuple[str, float]]]:
    """Carry judgments over to new passage ids, matching passages by their text.

    Passage ids are derived from the source (the line a passage starts on), so an edit to
    the report, to chunking or to the id scheme can move ids, and an old id may still exist
    but name other text. ``old_texts``/``new_texts`` map passage id -> text for the passages
    the dev set was judged on and the new ones (build the old passages from the earlier
    commit, e.g. from ``git archive``). Each judged id goes to the new passage with
    identical text, else to the one with the largest word overlap; if two old passages
    land on one new passage the higher grade is kept. Returns the remapped queries and
    ``{old id: (new id, overlap)}`` so inexact matches (overlap < 1) can be reviewed.
    """
    by_text = {text: pid for pid, text in new_texts.items()}
    new_words = {pid: _words(text) for pid, text in new_texts.items()}
    mapping: dict[str, tuple[str, float]] = {}

    def target(old: str) -> str:
        if old not in mapping:
            text = old_texts[old]
            if text in by_text:
                mapping[old] = (by_text[text], 1.0)
            else:
                words = _words(text)
                best = max(new_words, key=lambda pid: _overlap(words, new_words[pid]))
                mapping[old] = (best, _overlap(words, new_words[best]))
        return mapping[old][0]

    remapped = []
    for query in dev_set:
        relevant: dict[str, int] = {}
        for old, grade in query.relevant.items():
            new = target(old)
            relevant[new] = max(grade, relevant.get(new, 0))
        remapped.append(DevQuery(query.id, query.query, query.type, relevant, query.note))
    return remapped, mapping


def dump_dev_set(dev_set: Iterable[DevQuery], path: str | Path) -> None:
    """Write queries as JSON Lines in the format :func:`load_dev_set` reads."""
    with Path(path).open("w", encoding="utf-8") as out:
        for query in dev_set:
            row: dict[str, Any] = {"id": query.id, "query": query.query, "type": query.type,
                                   "relevant": dict(query.relevant)}
            if query.note is not None:
                row["note"] = query.note
            out.write(json.dumps(row, ensure_ascii=False) + "\n")


# ---------------------------------------------------------------- evaluation


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def _summary(rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    return {
        "queries": len(rows),
        "ndcg": _mean([row["ndcg"] for row in rows]),
        "recall": _mean([row["recall"] for row in rows]),
        "mrr": _mean([row["mrr"] for row in rows]),
    }


def evaluate(search_fn: SearchFn, dev_set: Sequence[DevQuery], k: int = 10) -> dict[str, Any]:
    """Run every query through ``search_fn(query, k)`` and score the rankings.

    Returns ``{"k", "queries", "ndcg", "recall", "mrr", "by_type", "rows"}``: means over all
    queries, the same means per query type, and one row per query with its scores, the
    top-k ids returned and the relevant (grade >= 2) passages it missed.
    """
    rows: list[dict[str, Any]] = []
    for query in dev_set:
        top = _top(search_fn(query.query, k), k)
        relevant = _relevant(query.relevant, RELEVANT_GRADE)
        rows.append({
            "id": query.id,
            "type": query.type,
            "query": query.query,
            "ndcg": ndcg_at_k(top, query.relevant, k),
            "recall": recall_at_k(top, query.relevant, k),
            "mrr": mrr(top, query.relevant, k),
            "retrieved": top,
            "missed": sorted(relevant - set(top), key=lambda pid: -query.relevant[pid]),
        })
    by_type = {kind: _summary([row for row in rows if row["type"] == kind])
               for kind in sorted({row["type"] for row in rows})}
    return {"k": k, **_summary(rows), "by_type": by_type, "rows": rows}


def format_summary(result: Mapping[str, Any]) -> str:
    """A small plain-text table of the means, overall and per query type."""
    k = result["k"]
    lines = [f"{'':<12}{'n':>4}  {f'nDCG@{k}':>8}  {f'R@{k}':>6}  {f'MRR@{k}':>7}"]

    def line(name: str, s: Mapping[str, Any]) -> str:
        scores = f"{s['ndcg']:>8.3f}  {s['recall']:>6.3f}  {s['mrr']:>7.3f}"
        return f"{name:<12}{s['queries']:>4}  {scores}"

    lines.append(line("all", result))
    lines.extend(line(kind, s) for kind, s in result["by_type"].items())
    return "\n".join(lines)
