"""Side-by-side evaluation tables: modes x query types, per query-set part, with the oracle.

Columns: BM25 alone, dense alone, equal-weight reciprocal-rank fusion (the baseline), the
hybrid search as it runs, and the oracle.
The oracle is, per query, the better of BM25 and dense alone (by nDCG, recall and MRR
separately): what a fusion that always picked the right side for each query would reach, so
the table shows how much of that headroom the hybrid ranking takes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from search.evaluate import DevQuery, evaluate

MODES = ("bm25", "dense", "rrf", "hybrid")  # rrf: the equal-weight baseline fusion
COLUMNS = (*MODES, "oracle")
METRICS = ("ndcg", "recall", "mrr")

Ranker = Callable[[str, int, str], Sequence[str]]  # (query, k, mode) -> passage ids


def oracle(first: Mapping[str, Any], second: Mapping[str, Any]) -> dict[str, Any]:
    """Per-query maximum of two evaluate() results over the same queries, summarised alike."""
    rows = []
    for a, b in zip(first["rows"], second["rows"], strict=True):
        rows.append({"id": a["id"], "type": a["type"],
                     **{m: max(a[m], b[m]) for m in METRICS}})
    return summarise(rows, first["k"])


def summarise(rows: Sequence[Mapping[str, Any]], k: int) -> dict[str, Any]:
    """Means overall and per query type, in evaluate()'s shape."""
    def means(part: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
        n = len(part)
        return {"queries": n, **{m: sum(r[m] for r in part) / n if n else 0.0 for m in METRICS}}

    types = sorted({r["type"] for r in rows})
    return {"k": k, **means(rows), "rows": list(rows),
            "by_type": {t: means([r for r in rows if r["type"] == t]) for t in types}}


def run_part(rank: Ranker, queries: Sequence[DevQuery], k: int = 10) -> dict[str, dict]:
    """Every mode over one part, plus the oracle of bm25 and dense."""
    out = {mode: evaluate(lambda q, n, m=mode: rank(q, n, m), queries, k) for mode in MODES}
    out["oracle"] = oracle(out["bm25"], out["dense"])
    return out


def pooled(parts: Mapping[str, Mapping[str, dict]], names: Sequence[str]) -> dict[str, dict]:
    """The named parts as one: every column's per-query rows together, summarised alike (a
    mean over all their queries, not a mean of the parts' means)."""
    chosen = [parts[name] for name in names]
    k = chosen[0]["hybrid"]["k"]
    return {column: summarise([row for part in chosen for row in part[column]["rows"]], k)
            for column in COLUMNS}


def _cells(result: Mapping[str, dict], key: str | None, metric: str) -> tuple[int, list[str]]:
    """(n, formatted values per column) for the whole part (key None) or one type."""
    values, n = [], 0
    for column in COLUMNS:
        stats = result[column] if key is None else result[column]["by_type"].get(key)
        n = stats["queries"] if stats else 0
        values.append(f"{stats[metric]:>6.3f}" if stats else f"{'-':>6}")
    return n, values


def format_parts(parts: Mapping[str, Mapping[str, dict]], metric: str = "ndcg") -> str:
    """One table: rows 'all' and each type; for each part its n and the four columns."""
    k = next(iter(parts.values()))["hybrid"]["k"]
    label = {"ndcg": f"nDCG@{k}", "recall": f"R@{k}", "mrr": f"MRR@{k}"}[metric]
    width = 5 + 7 * len(COLUMNS)
    head = f"{label:<13}" + "".join(f"| {name:<{width - 2}}" for name in parts)
    sub = f"{'':<13}" + "".join("|" + f"{'n':>4}" + "".join(f"{c:>7}" for c in COLUMNS) + " "
                                for _ in parts)
    lines = [head, sub]
    types = sorted({t for result in parts.values() for t in result["hybrid"]["by_type"]})
    for key in (None, *types):
        line = f"{key or 'all':<13}"
        for result in parts.values():
            n, values = _cells(result, key, metric)
            line += "|" + f"{n:>4}" + "".join(f" {v}" for v in values) + " "
        lines.append(line.rstrip())
    return "\n".join(lines)


def format_report(parts: Mapping[str, Mapping[str, dict]]) -> str:
    """nDCG per type, then recall and MRR overall: the text `bokslut eval` prints."""
    return "\n\n".join(format_parts(parts, metric) for metric in METRICS)
