"""BM25's weight for a query read as English, chosen leave-one-part-out (round 26, EW26).

Reads the per-query curves of benchmarks/learned_weight_curves.py (hybrid nDCG@10 at constant
BM25 weights, through the production searcher under LOPO): a query search.textnorm.looks_english
reads as English takes its curve's value at w_en, every other query its shipped value. Per pool
part, w_en is the grid's best on the other parts; the part is scored with it. Prints the fold
choices, the pooled and per-type figures against the shipped rule, and the choice on all parts.
The protocol and the figures: benchmarks/results/eval_round26_english_weight.txt. Run:
    python benchmarks/english_weight_lopo.py CURVES.json [CURVES.json ...]
"""

from __future__ import annotations

import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

from search.textnorm import looks_english

GRID = ["0.2", "0.3", "0.4", "0.5"]


def value(query: dict, w_en: str | None) -> float:
    """The query's nDCG@10 with English queries at w_en (None: the shipped rule)."""
    return query[w_en] if w_en and looks_english(query["query"]) else query["shipped"]


def pooled(queries: list[dict], w_en: str | None) -> float:
    """Mean nDCG@10 over `queries`."""
    return sum(value(q, w_en) for q in queries) / len(queries)


def best(queries: list[dict]) -> str:
    """The grid's w_en with the highest pooled figure on `queries`."""
    return max(GRID, key=lambda w: pooled(queries, w))


def lopo(parts: dict[str, list[dict]]) -> tuple[list[tuple[dict, float]], Counter]:
    """Per part: w_en chosen on the other parts; (query, its value) for every query."""
    scored, choices = [], Counter()
    for name, queries in parts.items():
        rest = [q for other, qs in parts.items() if other != name for q in qs]
        chosen = best(rest)
        choices[chosen] += 1
        scored += [(q, value(q, chosen)) for q in queries]
    return scored, choices


def report(scored: list[tuple[dict, float]]) -> None:
    """Pooled and per-type figures, shipped -> EW."""
    groups: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for query, got in scored:
        for key in ("all", query["type"]):
            groups[key].append((query["shipped"], got))
    for key, pairs in sorted(groups.items(), key=lambda kv: kv[0] != "all"):
        before = sum(a for a, _ in pairs) / len(pairs)
        after = sum(b for _, b in pairs) / len(pairs)
        print(f"  {key:12s} {len(pairs):5d} {before:.4f} -> {after:.4f} ({after - before:+.4f})")


def main() -> None:
    """LOPO over the curve files' parts, then the choice on all of them."""
    parts: dict[str, list[dict]] = {}
    for path in sys.argv[1:]:
        parts.update(json.loads(Path(path).read_text(encoding="utf-8")))
    every = [q for qs in parts.values() for q in qs]
    english = sum(looks_english(q["query"]) for q in every)
    print(f"{len(parts)} parts, {len(every)} queries, {english} read as English")
    scored, choices = lopo(parts)
    print("fold choices:", dict(sorted(choices.items())))
    report(scored)
    print("on all parts:", {w: round(pooled(every, w), 4) for w in GRID}, "->", best(every))


if __name__ == "__main__":
    main()
