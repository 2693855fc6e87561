"""Round 11: a learned pointwise ranker (L2 logistic regression) against the deployed design.

Run: .venv/bin/python benchmarks/rights_ranker.py --data DIR
Every setting (feature set x L2 strength, fixed beforehand in
benchmarks/results/rights_eval_round11_choices.txt) is measured by nested leave-one-article-out on
the development pool of rights_eval.py: per fold the model is fitted on the other articles (target
grade >= 2), the three class thresholds re-chosen on them with the model's relevance, and the
held-out article ranked. The baseline is the deployed design measured the same way.
`--write FILE` refits SETTING (e.g. C:0.01) on the whole pool and writes its weights as JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from benchmarks.rights_eval import (
    CLASSES,
    DEVELOPMENT,
    FIXED_MIX,
    Case,
    add_data_argument,
    baseline,
    choose,
    data_dir,
    encoder_note,
    load_cases,
    measure,
    ranking,
)
from web.pipeline.rights_model import Table, feature_table, fit, learned_relevance

MIX = FIXED_MIX[0]
TARGET = 2  # a pair is positive when its grade is >= TARGET (fixed before the first run)
FEATURE_SETS = {"A": ("rel", "stated"),
                "B": ("rel", "dense", "lex", "stated"),
                "C": ("rel", "dense", "lex", "top1", "stated"),
                "D": ("rel", "dense", "lex", "top1", "general", "stated")}
STRENGTHS = (0.001, 0.01, 0.1)


def case_rows(case: Case, table: Table) -> tuple[int, list[int]]:
    """The table row of the case's article and the columns of its pairs, in pair order."""
    pairs = case.pairs[MIX]
    col = {a: k for k, a in enumerate(table.actions)}
    return table.articles.index(pairs[0].article), [col[p.action] for p in pairs]


def training_data(cases: list[Case], table: Table, names: tuple[str, ...]
                  ) -> tuple[np.ndarray, np.ndarray]:
    """(features, grade >= TARGET) of every pair of these cases."""
    xs, ys = [], []
    matrix = table.matrix(names)
    for case in cases:
        row, cols = case_rows(case, table)
        xs.append(matrix[row, cols])
        ys += [case.grades[p.action.removeprefix(case.prefix)] >= TARGET
               for p in case.pairs[MIX]]
    return np.vstack(xs), np.array(ys, dtype=float)


def rescored(case: Case, table: Table, relevance: np.ndarray) -> Case:
    """The case with its pairs' relevance replaced by the model's."""
    row, cols = case_rows(case, table)
    pairs = [replace(p, relevance=float(relevance[row, c]))
             for p, c in zip(case.pairs[MIX], cols, strict=True)]
    return replace(case, pairs={MIX: pairs})


def learned_fold(cases: list[Case], i: int, table: Table, names: tuple[str, ...],
                 lam: float) -> tuple[Case, object]:
    """The held-out case rescored by a model fitted without it, and the thresholds chosen
    without it on the rescored others (stated bonus 0: the flag is a feature)."""
    train = cases[:i] + cases[i + 1:]
    weights, _ = fit(*training_data(train, table, names), lam)
    relevance = learned_relevance(table, names, weights)
    t = choose([rescored(c, table, relevance) for c in train], bonus=0.0)
    return rescored(cases[i], table, relevance), t


def figures(results: list[tuple[Case, object]]) -> dict:
    """Mean nDCG@10 / P@5, per set, links per class and recall over (held-out case, t)."""
    rows = [(c.group, *measure(c, t)) for c, t in results]
    answers = [(c, ranking(c, t)) for c, t in results]
    links = {cls: [c.grades[a] for c, r in answers for a, k in r if k == cls] for cls in CLASSES}
    relevant = [(c.notation, a) for c, _ in answers for a, g in c.grades.items() if g >= 2]
    linked = {(c.notation, a) for c, r in answers for a, _ in r}
    return {"ndcg": float(np.mean([r[1] for r in rows])),
            "p5": float(np.mean([r[2] for r in rows])),
            "sets": {g: float(np.mean([r[1] for r in rows if r[0] == g]))
                     for g in dict.fromkeys(r[0] for r in rows)},
            "links": {cls: (len(g), float(np.mean([x >= 1 for x in g])) if g else 0.0)
                      for cls, g in links.items()},
            "recall": (sum(p in linked for p in relevant), len(relevant))}


def line(label: str, f: dict) -> str:
    """One setting's figures on one line."""
    sets = " ".join(f"{v:.3f}" for v in f["sets"].values())
    links = ", ".join(f"{cls.split()[0]} {n}/{p:.3f}" for cls, (n, p) in f["links"].items())
    found, total = f["recall"]
    return (f"  {label:22} {f['ndcg']:.3f} {f['p5']:.3f}  [{sets}]  {links}, "
            f"recall {found}/{total} = {found / total:.3f}\n")


def write_weights(path: Path, cases: list[Case], table: Table, setting: str,
                  note: str) -> None:
    """Refit one setting on every case and write its weights (raw feature scale)."""
    name, lam = setting.split(":")
    names = FEATURE_SETS[name]
    weights, intercept = fit(*training_data(cases, table, names), float(lam))
    path.write_text(json.dumps({
        "features": list(names), "weights": [round(float(w), 6) for w in weights],
        "intercept": round(intercept, 6), "target": f"grade >= {TARGET}", "l2": float(lam),
        "mix": {"lexical_weight": MIX[0], "top": MIX[1], "centre": MIX[2]},
        "fitted_on": f"{len(cases)} judged articles x 45 actions (rights_judged.jsonl, _2 … _9)",
        "note": note}, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def main() -> None:
    """Every pre-registered setting by nested LOAO, one line each, beside the baseline."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_data_argument(parser)
    parser.add_argument("--write", type=Path, default=None, metavar="FILE")
    parser.add_argument("--setting", default=None, help="with --write: e.g. C:0.01")
    parser.add_argument("--note", default="", help="with --write: the command, date, figures")
    args = parser.parse_args()
    cases, inputs = load_cases(mixes=FIXED_MIX, data=data_dir(args.data))
    cases = [c for c in cases if c.group in DEVELOPMENT]
    table = feature_table(inputs.features, inputs.stated, *MIX)
    if args.write is not None:
        return write_weights(args.write, cases, table, args.setting, args.note)
    out = sys.stdout
    out.write(f"# Model: {encoder_note(inputs.embedder)}; nested LOAO on the {len(cases)} "
              f"[sets: {' | '.join(dict.fromkeys(c.group for c in cases))}]\n"
              f"#  setting  nDCG@10 P@5  [per set]  links per class n/precision(grade >= 1), "
              f"recall of grade >= 2 pairs\n")
    report = ("  report's list" + " " * 8 +
              f" {np.mean([baseline(c)[0] for c in cases]):.3f} "
              f"{np.mean([baseline(c)[1] for c in cases]):.3f}\n")
    out.write(report)
    base = [(c, choose(cases[:i] + cases[i + 1:])) for i, c in enumerate(cases)]
    out.write(line("deployed (baseline)", figures(base)))
    out.flush()
    for name, names in FEATURE_SETS.items():
        for lam in STRENGTHS:
            start = time.perf_counter()
            results = [learned_fold(cases, i, table, names, lam) for i in range(len(cases))]
            out.write(line(f"{name} lam={lam}", figures(results)).rstrip("\n")
                      + f"  ({time.perf_counter() - start:.0f} s)\n")
            out.flush()


if __name__ == "__main__":
    main()
