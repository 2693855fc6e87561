"""Round 27: the pool's judged search questions as evidence for the rights ranking (issue 10).

Run: PYTHONPATH=. .venv/bin/python benchmarks/rights_round27.py --data DIR [--baseline-only]
Protocol and results: benchmarks/results/rights_eval_round27_questions.txt (rule fixed before the
run). Judges, nested LOAO, clauses (a)-(e) and the per-fold re-choice of the class thresholds are
round 22's (rights_round22.run_variant).
  QV (question vouchers): the pool's judged search questions (search/adapter_queries.jsonl, never
    a reported part) that production's rights recognition (RightsSignal.named) reads as naming an
    article vouch for the actions whose sentences' passages they grade: q(article, action) = the
    highest confidence x grade / 3 over those questions; relevance' = relevance + beta x q
    (the shared-scale general value unchanged); beta in GRID, chosen per fold.
  QV2 (designed after QV's figures): as QV, but only a question's grade 2 and 3 passages vouch.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TextIO

# run as a script, so benchmarks/ is on the path
import rights_eval as R
import rights_round21 as X
import rights_round22 as Y
import rights_variants as V

from search.rights_signal import RightsSignal
from web.pipeline.layout import index_dir
from web.pipeline.rights_score import Features, PairScore, pair_scores

GRID = (0.5, 1.0)
MIN_GRADE = {"QV": 1, "QV2": 2}  # the lowest question grade that vouches, per variant
QUESTIONS = Path("search/adapter_queries.jsonl")
REPORT_PART = "rapport/"  # judged ids are the passage IRI from here on


def pool_questions() -> list[dict]:
    """The pool's judged questions (the adapter's file: pool parts only)."""
    return [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]


def short(passage_iri: str) -> str:
    """A passage IRI as the judged files name it ("rapport/sodertalje-2025/passage/L249")."""
    return REPORT_PART + passage_iri.split("/" + REPORT_PART, 1)[-1]


def vouchers(signal: RightsSignal, feats: Features, questions: list[dict],
             base: str, min_grade: int = 1) -> dict[tuple[str, str], float]:
    """(article, action) -> q, the best confidence x grade / 3 of a question naming the article
    that grades a passage one of the action's sentences comes from (search names articles
    relative to the base IRI)."""
    actions_of: dict[str, set[str]] = {}
    for s in feats.sentences:
        actions_of.setdefault(short(s.passage), set()).add(s.action)
    out: dict[tuple[str, str], float] = {}
    for q in questions:
        for article, confidence in signal.named(q["query"]).items():
            for pid, grade in q["relevant"].items():
                if grade < min_grade:
                    continue
                for action in actions_of.get(pid, ()):
                    key = (base + article, action)
                    out[key] = max(out.get(key, 0.0), confidence * grade / 3)
    return out


def vouched(pairs: list[PairScore], q: dict[tuple[str, str], float],
            beta: float) -> list[PairScore]:
    """The pairs with beta x q added to their relevance (general and evidence unchanged)."""
    return [PairScore(p.article, p.action, p.relevance + beta * q.get((p.article, p.action), 0.0),
                      p.sentence, p.general) for p in pairs]


def coverage(out: TextIO, q: dict[tuple[str, str], float], cases: list[R.Case],
             inputs: R.Inputs) -> None:
    """How many pairs and articles the vouchers reach, and how many of judge 1's articles."""
    judged = {c.notation: inputs.by_notation.get(c.notation) for c in cases}
    covered = sorted(n for n, iri in judged.items() if any(k[0] == iri for k in q))
    out.write(f"vouchers: {len(q)} pairs over {len({k[0] for k in q})} articles; "
              f"{len(covered)} of judge 1's {len(cases)} articles have one\n")


def main() -> None:
    """Parse the arguments; print the baseline, the vouchers' coverage, QV's grid and verdict."""
    parser = X.staged_parser(__doc__)
    parser.add_argument("--variant", choices=tuple(MIN_GRADE), default="QV")
    started = Y.staged_start(parser)
    if started is None:
        return
    args, inputs, second, cases, base = started
    name, out = args.variant, sys.stdout
    signal = RightsSignal.load(index_dir(R.data_dir(args.data)))
    q = vouchers(signal, inputs.features, pool_questions(), inputs.base, MIN_GRADE[name])
    coverage(out, q, cases, inputs)
    deployed = pair_scores(inputs.features, *V.MIX)
    grid = [(f"{name} beta={b}", vouched(deployed, q, b)) for b in GRID]
    passes, gain = Y.run_variant(out, name, grid, inputs, cases, base, second)
    out.write(f"\nOUTCOME ({name}): {name} {'goes to the gate' if passes else 'fails'} "
              f"((a)+(b) gain {gain:+.4f})\n")


if __name__ == "__main__":
    main()
