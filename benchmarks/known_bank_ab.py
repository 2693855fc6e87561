"""Two data directories' verdicts side by side: which judged questions each answers and which
off-topic strings get hits (round 29, KB29: the known off-topic strings with a written bank).

The known strings' vectors live in the index (search.known_offtopic.FILE), so one checkout's
searcher reads either arm from its data directory. Per part: judged questions answered by A and
by B (hybrid and dense), the questions whose verdict differs, off-topic strings with hits in
each and the strings that differ. Asserts nothing. Run from the repository root:
    python benchmarks/known_bank_ab.py --a DATA_A --b DATA_B [--parts heldout,30-76]
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from search.evaluate import load_dev_set
from search.gate_training import offtopic_bank
from search.hybrid import HybridSearcher
from web.cli.search import searcher

DATA = Path("tests/data")
MODES = ("hybrid", "dense")


def part_numbers(spec: str) -> list[str]:
    """'30-76' or 'heldout,30-76' -> the part suffixes ('' is the first held-out part)."""
    out: list[str] = []
    for piece in spec.split(","):
        if piece == "heldout":
            out.append("")
        elif "-" in piece:
            low, high = map(int, piece.split("-"))
            out += [str(n) for n in range(low, high + 1)]
        else:
            out.append(piece)
    return out


def answered(engine: HybridSearcher, text: str, mode: str) -> bool:
    """The search gives the text at least one hit."""
    return engine.search_page(text, 10, mode).total > 0


def compare_part(a: HybridSearcher, b: HybridSearcher, suffix: str) -> dict[str, list]:
    """One part's verdict differences and counts."""
    queries = load_dev_set(DATA / f"search_heldout{suffix}.jsonl")
    out: dict[str, list] = {"lost": [], "gained": [], "counts": []}
    for mode in MODES:
        got = [(q.id, answered(a, q.query, mode), answered(b, q.query, mode)) for q in queries]
        out["counts"].append((mode, sum(x for _, x, _ in got), sum(y for _, _, y in got)))
        out["lost"] += [(mode, i) for i, x, y in got if x and not y]
        out["gained"] += [(mode, i) for i, x, y in got if y and not x]
    path = DATA / f"search_offtopic_heldout{suffix}.txt"
    strings = offtopic_bank(path) if path.exists() else []
    hits = [(t, answered(a, t, "hybrid"), answered(b, t, "hybrid")) for t in strings]
    out["offtopic"] = [len(strings), sum(x for _, x, _ in hits), sum(y for _, _, y in hits)]
    out["refused"] = [t for t, x, y in hits if x and not y]
    out["newly_hit"] = [t for t, x, y in hits if y and not x]
    return out


def main() -> None:
    """Print the comparison per part and in total."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--a", type=Path, required=True)
    parser.add_argument("--b", type=Path, required=True)
    parser.add_argument("--parts", default="heldout,30-76")
    args = parser.parse_args()
    a, b = searcher(args.a)[0], searcher(args.b)[0]
    totals: Counter[str] = Counter()
    for suffix in part_numbers(args.parts):
        r = compare_part(a, b, suffix)
        n, ha, hb = r["offtopic"]
        print(f"part {suffix or 'heldout'}: answered {r['counts']}; lost {r['lost']}; "
              f"gained {r['gained']}; off-topic with hits {ha} -> {hb} of {n}")
        for t in r["refused"]:
            print(f"    refused now: {t}")
        for t in r["newly_hit"]:
            print(f"    HITS NOW: {t}")
        totals.update({"strings": n, "a": ha, "b": hb, "lost": len(r["lost"]),
                       "gained": len(r["gained"]), "newly_hit": len(r["newly_hit"])})
    print(f"TOTAL: judged questions lost {totals['lost']}, gained {totals['gained']}; off-topic "
          f"strings with hits {totals['a']} -> {totals['b']} of {totals['strings']}, "
          f"newly hit {totals['newly_hit']}")


if __name__ == "__main__":
    main()
