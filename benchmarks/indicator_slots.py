"""Step 1 of round 22's protocol: the LOPO baseline (benchmarks/indicator_lopo.py's harness) and
where hybrid loses to dense on the pool's indicator queries (round 22, IS22, issue 9).

For each pool indicator query whose LOPO hybrid nDCG@10 is under dense's, the loss is read from
the two top 10s and the judgments: (i) the order among the indicator rows hybrid returns, (ii)
narrative passages above a graded indicator row, (iii) a graded row of dense's top 10 missing
from hybrid's. The protocol and the figures: benchmarks/results/eval_round22_indicator_slots.txt.
Read-only on the data directory. Run:
    python benchmarks/indicator_slots.py {baseline,diagnose} [--data DIR]
"""

from __future__ import annotations

import argparse
import json
from functools import partial
from pathlib import Path

from indicator_lopo import SHIPPED, VouchedLopo, run_modes, table
from memory_lopo import pool

from search.evaluate import DevQuery, ndcg_at_k
from search.query_memory import SILENT_KIND

OUT = Path("/tmp/is22work")
BASELINE = OUT / "baseline.json"


def kinds_of(data: Path) -> dict[str, str]:
    """Passage id -> its kind, as the index gives it ("" when it has none)."""
    lopo = VouchedLopo(data)
    return {p["id"]: p.get("kind", "") for p in lopo.index.passages}


def sorted_places(ids: list[str], grades: dict[str, int], kinds: dict[str, str]) -> list[str]:
    """The top 10 with its indicator rows re-ordered by grade among their own places."""
    places = [i for i, pid in enumerate(ids) if kinds.get(pid) == SILENT_KIND]
    rows = sorted((ids[i] for i in places), key=lambda pid: -grades.get(pid, 0))
    out = list(ids)
    for i, pid in zip(places, rows, strict=True):
        out[i] = pid
    return out


def causes(hybrid: list[str], dense: list[str], grades: dict[str, int],
           kinds: dict[str, str]) -> dict[str, object]:
    """Which of (i), (ii), (iii) a query's loss shows, and (i)'s ceiling."""
    def indicator(pid: str) -> bool:
        return kinds.get(pid) == SILENT_KIND

    rank = {pid: i for i, pid in enumerate(hybrid)}
    graded_rows = [pid for pid in hybrid if indicator(pid) and grades.get(pid, 0) > 0]
    order = any(indicator(a) and indicator(b) and grades.get(a, 0) < grades.get(b, 0)
                for a in hybrid for b in hybrid if rank[a] < rank[b])
    above = [pid for pid in hybrid
             if not indicator(pid) and any(rank[pid] < rank[g] and grades.get(pid, 0)
                                           < grades[g] for g in graded_rows)]
    missing = [pid for pid in dense if grades.get(pid, 0) > 0 and pid not in rank]
    # none of the three: a graded narrative passage hybrid places lower than dense does
    lower = [pid for i, pid in enumerate(dense) if not indicator(pid) and grades.get(pid, 0) > 0
             and rank.get(pid, 10) > i]
    return {"i": order, "ii": above, "iii": missing, "iv": lower,
            "i ceiling": ndcg_at_k(sorted_places(hybrid, grades, kinds), grades, 10)}


def marked(pids: list[str], grades: dict[str, int], kinds: dict[str, str]) -> list[str]:
    """Passage ids shortened, each with its kind and grade."""
    return [f"{p.rsplit('/', 1)[-1]}({kinds.get(p) or 'narrative'},g{grades.get(p, 0)})"
            for p in pids]


def diagnose(data: Path) -> None:
    """Per pool indicator query with hybrid < dense: its causes, then the counts."""
    done = json.loads(BASELINE.read_text())
    judged: dict[str, DevQuery] = {q.id: q for qs in pool().values() for q in qs}
    kinds = kinds_of(data)
    counts = {"i": 0, "ii": 0, "iii": 0, "iv": 0, "n": 0}
    loss = {"i": 0.0, "all": 0.0}
    for part, rows in done.items():
        for qid, qtype, ndcg, _refused, ids in rows:
            if qtype != "indicator" or ndcg["hybrid"] >= ndcg["dense"]:
                continue
            q = judged[qid]
            found = causes(ids["hybrid"], ids["dense"], dict(q.relevant), kinds)
            counts["n"] += 1
            counts["i"] += bool(found["i"])
            counts["ii"] += bool(found["ii"])
            counts["iii"] += bool(found["iii"])
            counts["iv"] += bool(found["iv"])
            loss["all"] += ndcg["dense"] - ndcg["hybrid"]
            loss["i"] += float(found["i ceiling"]) - ndcg["hybrid"]  # type: ignore[arg-type]
            marks = partial(marked, grades=dict(q.relevant), kinds=kinds)
            print(f"{part} {qid} {q.query!r}: hybrid {ndcg['hybrid']:.4f} dense "
                  f"{ndcg['dense']:.4f}; (i) {found['i']} (ceiling {found['i ceiling']:.4f}); "
                  f"(ii) {marks(found['ii'])}; (iii) {marks(found['iii'])}; "
                  f"graded narrative lower {marks(found['iv'])}")
            print("    hybrid", marks(ids["hybrid"]))
            print("    dense ", marks(ids["dense"]))
    print("counts", counts, f"loss to dense in sum {loss['all']:.4f}; regained by the ideal "
          f"order of hybrid's own indicator rows {loss['i']:.4f}")


def main() -> None:
    """Run one step."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("step", choices=("baseline", "diagnose"))
    ap.add_argument("--data", type=Path, default=Path("/work/main/data"))
    args = ap.parse_args()
    OUT.mkdir(exist_ok=True)
    if args.step == "baseline":
        print(table(run_modes(VouchedLopo(args.data), SHIPPED, BASELINE)))
    else:
        diagnose(args.data)


if __name__ == "__main__":
    main()
