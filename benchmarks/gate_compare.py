"""The round-22 rule's clauses (a)-(c), a variant's harness run against the baseline's.

Reads the JSON files benchmarks/gate_questions_lopo.py writes (pool: part -> [id, type,
nDCG@10, refused]; strings: source -> [text, hits on page 1, total]).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

NDCG_SLACK, SHARE = 0.0005, 0.8  # clauses (b) and (a)


def with_hits(result: dict) -> dict[tuple[str, str], int]:
    """(source, text) -> hits, over the dev off-topic files."""
    return {(s, t): h for s, rows in result["strings"].items() if not s.startswith("bank:")
            for t, h, _ in rows}


def describe(result: dict) -> None:
    """One run: refused per part, and the dev off-topic strings with hits per file."""
    for part, rows in result["pool"].items():
        refused = [r[0] for r in rows if r[3]]
        if refused:
            print(f"  refused {part}: {', '.join(refused)}")
    for source, rows in result["strings"].items():
        hit = [t for t, h, _ in rows if h]
        print(f"  {source:32} {len(rows):3} strings, with hits {len(hit):2}")


def compare(baseline_file: Path, variant_file: Path) -> bool:
    """Print clauses (a), (b) and (c); True when (a) and (b) hold."""
    base, var = (json.loads(p.read_text()) for p in (baseline_file, variant_file))
    hb, hv = with_hits(base), with_hits(var)
    assert hb.keys() == hv.keys()
    nb, nv = sum(map(bool, hb.values())), sum(map(bool, hv.values()))
    gained = [k for k in hb if not hb[k] and hv[k]]
    lost = [k for k in hb if hb[k] and not hv[k]]
    ok_a = nv <= SHARE * nb and not gained
    print(f"(a) dev off-topic 3-29 ({len(hb)} strings) with hits: baseline {nb}, variant {nv} "
          f"(needs <= {SHARE * nb:.1f}); newly with hits {len(gained)}, lost hits {len(lost)}"
          f" -> {'holds' if ok_a else 'FAILS'}")
    for label, group in (("gained hits", gained), ("lost hits", lost)):
        for source, text in group:
            print(f"    {label}: [{source}] {text!r}")
    rows_b = [r for p in base["pool"].values() for r in p]
    rows_v = [r for p in var["pool"].values() for r in p]
    assert [r[0] for r in rows_b] == [r[0] for r in rows_v]
    newly = [(a, b) for a, b in zip(rows_b, rows_v, strict=True) if not a[3] and b[3]]
    freed = [(a, b) for a, b in zip(rows_b, rows_v, strict=True) if a[3] and not b[3]]
    mb, mv = (float(np.mean([r[2] for r in rows])) for rows in (rows_b, rows_v))
    ok_b = not newly and mv >= mb - NDCG_SLACK
    print(f"(b) pool {len(rows_b)}: refused baseline {sum(r[3] for r in rows_b)}, variant "
          f"{sum(r[3] for r in rows_v)}; answered -> refused {len(newly)}, refused -> answered "
          f"{len(freed)}; hybrid nDCG@10 {mb:.6f} -> {mv:.6f} ({mv - mb:+.6f}; may fall by "
          f"{NDCG_SLACK} at most) -> {'holds' if ok_b else 'FAILS'}")
    for a, b in newly + freed:
        print(f"    {a[0]} ({a[1]}) refused {a[3]} -> {b[3]}, nDCG {a[2]:.4f} -> {b[2]:.4f}")
    for source in (s for s in base["strings"] if s.startswith("bank:")):
        counts = [sum(bool(h) for _, h, _ in r["strings"][source]) for r in (base, var)]
        print(f"(c) {source}: {len(base['strings'][source])} lines, with hits baseline "
              f"{counts[0]}, variant {counts[1]} (in sample, report only)")
    return ok_a and ok_b
