"""Round 12 (H-mend): every dev query and off-topic string searched once, hybrid, k 10.

    python benchmarks/phrase_eval.py run DATA OUT.jsonl [--variant NAME]
    python benchmarks/phrase_eval.py compare BASE.jsonl OTHER.jsonl

`run` writes one line per string (its set, id, type, verdict, top-10 ids, nDCG@10 for a dev
query); `compare` lists changed verdicts, lost relevant hits, and the pool, held-out and per
type figures of both runs. A variant (eval_round12_phrase.txt, part B) is applied to the
searcher here, for measuring only: B1 BM25 at W_MAX, B2 / B3 a bonus of 0.1 / 0.2 to the fused
score of the passages holding the query's rare phrase (search.query_signals.Phrases), B4 B1 + B2.
The dev parts: the pool (web.cli.search.default_dev_sets() minus REPORTED_PARTS) and
held-out; never the reported parts (web.cli.search.REPORTED_PARTS).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

import search.hybrid as hybrid
from search.domain_gate import BANK, SERVICE_BANK, offtopic_bank
from search.evaluate import DevQuery, load_dev_set, ndcg_at_k
from search.fusion import Fused
from web.cli.search import REPORTED_PARTS, default_dev_sets

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
POOL = tuple(part for part in default_dev_sets() if part not in REPORTED_PARTS)
REPORTED = ("held-out",)  # of REPORTED_PARTS, the one that is not blind
DEV = {part: default_dev_sets()[part] for part in (*POOL, *REPORTED)}
OFFTOPIC = ["search_offtopic_heldout.txt", *(f"search_offtopic_heldout{n}.txt"
                                             for n in range(3, 11))]
BONUS = {"B2": 0.1, "B3": 0.2, "B4": 0.1}
AT_W_MAX = ("B1", "B4")


def offtopic_sets() -> dict[str, list[str]]:
    """Every off-topic list of the brief (not set 11), by name."""
    from tests.test_search_quality import NONSENSE, OUT_OF_DOMAIN

    sets = {name: offtopic_bank(DATA / name) for name in OFFTOPIC}
    return {**sets, "NONSENSE": NONSENSE, "OUT_OF_DOMAIN": OUT_OF_DOMAIN,
            "offtopic_bank": offtopic_bank(BANK), "service_bank": offtopic_bank(SERVICE_BANK)}


def phrase_rows(engine: hybrid.HybridSearcher, text: str) -> set[int]:
    """The rows holding the query's rare phrase verbatim (empty: no rare phrase)."""
    table = engine.index.phrases()
    run = table.rare_phrase(text)
    return set() if run is None else {row for row, held in enumerate(table.texts)
                                      if f" {run} " in held}


def apply_variant(engine: hybrid.HybridSearcher, variant: str) -> None:
    """Patch the searcher (and hybrid's convex_fuse) for one variant of part B."""
    if variant == "D":
        return
    current: dict[str, set[int]] = {"rows": set()}
    coverage = engine.coverage

    def phrase_coverage(text: str, match) -> float:  # hybrid mode only calls it
        current["rows"] = phrase_rows(engine, text)
        return 1.0 if variant in AT_W_MAX and current["rows"] else coverage(text, match)

    engine.coverage = phrase_coverage  # type: ignore[method-assign]
    if variant in BONUS:
        hybrid.convex_fuse = bonus_fuse(hybrid.convex_fuse, current, BONUS[variant])


def bonus_fuse(fuse: Callable[..., Fused], current: dict[str, set[int]],
               bonus: float) -> Callable[..., Fused]:
    """convex_fuse with `bonus` added to the rows of current["rows"], re-sorted alike."""
    def fused(*args, **kwargs) -> Fused:
        rows = fuse(*args, **kwargs)
        lift = current["rows"]
        scored = [(row, score + (bonus if row in lift else 0.0), src) for row, score, src in rows]
        return sorted(scored, key=lambda r: (-r[1], min(r[2].values()), r[0]))
    return fused


def run(data: Path, out: Path, variant: str) -> None:
    """Search every string once and write one JSON line each."""
    from web.cli.search import searcher

    engine, _ = searcher(data)
    engine.prepare()
    apply_variant(engine, variant)
    with out.open("w", encoding="utf-8") as sink:
        for part, path in DEV.items():
            for q in load_dev_set(path):
                sink.write(json.dumps(row(engine, part, q.query, q), ensure_ascii=False) + "\n")
        for part, texts in offtopic_sets().items():
            for i, text in enumerate(texts):
                sink.write(json.dumps(row(engine, part, text, None, str(i)),
                                      ensure_ascii=False) + "\n")


def row(engine: hybrid.HybridSearcher, part: str, text: str, q: DevQuery | None,
        key: str = "") -> dict:
    """One string's verdict and top 10 (and nDCG@10, relevant ids for a dev query)."""
    found = engine.search_page(text, 10, "hybrid")
    ids = [h.passage["id"] for h in found.hits]
    out = {"part": part, "id": q.id if q else key, "query": text, "off_topic": found.off_topic,
           "total": found.total, "ids": ids}
    if q is not None:
        out |= {"type": q.type, "ndcg": ndcg_at_k(ids, q.relevant, 10),
                "relevant": sorted(p for p, g in q.relevant.items() if g > 0)}
    return out


def load(path: Path) -> dict[tuple[str, str], dict]:
    """A run's lines by (part, id)."""
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines()]
    return {(r["part"], r["id"]): r for r in rows}


def means(rows: list[dict], parts: tuple[str, ...]) -> tuple[float, dict[str, float]]:
    """Mean nDCG@10 over the parts' queries, overall and per type."""
    chosen = [r for r in rows if r["part"] in parts]
    types = sorted({r["type"] for r in chosen})
    by = {t: [r["ndcg"] for r in chosen if r["type"] == t] for t in types}
    return (sum(r["ndcg"] for r in chosen) / len(chosen),
            {t: sum(v) / len(v) for t, v in by.items()})


def compare(base_path: Path, other_path: Path) -> None:
    """Changed verdicts, lost relevant hits, and the figures of both runs."""
    base, other = load(base_path), load(other_path)
    assert base.keys() == other.keys()
    for key, a in base.items():
        b = other[key]
        if a["off_topic"] != b["off_topic"] or bool(a["total"]) != bool(b["total"]):
            print(f"VERDICT {key}: {a['query']!r} off_topic {a['off_topic']} -> {b['off_topic']}"
                  f", hits {a['total']} -> {b['total']}" + (
                      f", nDCG {a['ndcg']:.3f} -> {b['ndcg']:.3f}" if "ndcg" in a else ""))
        if "relevant" in a:
            lost = set(a["ids"]) & set(a["relevant"]) - set(b["ids"])
            if lost:
                print(f"LOST {key}: {a['query']!r} {sorted(lost)}")
            if abs(a["ndcg"] - b["ndcg"]) > 1e-9:
                print(f"  moved {key} [{a['type']}] {a['ndcg']:.3f} -> {b['ndcg']:.3f} "
                      f"{a['query']!r}")
    dev = [r for r in base.values() if "ndcg" in r]
    dev_other = [r for r in other.values() if "ndcg" in r]
    for label, parts in (("pool", POOL), ("held-out", REPORTED)):
        (m0, t0), (m1, t1) = means(dev, parts), means(dev_other, parts)
        print(f"{label}: {m0:.4f} -> {m1:.4f} ({m1 - m0:+.4f})")
        for t in t0:
            print(f"  {t:<12} {t0[t]:.4f} -> {t1[t]:.4f} ({t1[t] - t0[t]:+.4f})")
    for part in sorted({k[0] for k in base if "ndcg" not in base[k]}):
        hits = [sum(1 for k, r in runs.items() if k[0] == part and r["total"])
                for runs in (base, other)]
        print(f"off-topic {part}: with hits {hits[0]} -> {hits[1]}")


def main() -> None:
    """Command line: run or compare."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run")
    r.add_argument("data", type=Path)
    r.add_argument("out", type=Path)
    r.add_argument("--variant", default="D", choices=("D", "B1", "B2", "B3", "B4"))
    c = sub.add_parser("compare")
    c.add_argument("base", type=Path)
    c.add_argument("other", type=Path)
    args = parser.parse_args()
    if args.cmd == "run":
        run(args.data, args.out, args.variant)
    else:
        compare(args.base, args.other)


if __name__ == "__main__":
    sys.exit(main())
