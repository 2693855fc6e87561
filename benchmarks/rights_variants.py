"""Round 20: Rocchio feedback (V1) and a whole-action signal (V2) for the rights ranking.

Run: PYTHONPATH=. .venv/bin/python benchmarks/rights_variants.py --data DIR [--baseline-only]
Protocol and results: benchmarks/results/rights_eval_round20_variants.txt. Judge 1 is rights_eval's
development pool (63 articles), judge 2 rights_second_judge's files 1-6 (the 29 stated articles);
no blind set is read. Per grid point the three class thresholds are chosen per fold by
rights_eval.choose on the other 62 (judge 1); nested: each article gets the grid point with the
best mean LOAO nDCG@10 over the other 62 (ties: the smaller change), its own fold's ranking.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from typing import TextIO

import numpy as np

# run as a script, so benchmarks/ is on the path
import rights_eval as R
import rights_second_judge as S

from search.onnx_encoder import OnnxEmbedder
from web.pipeline.rights_score import (
    Features,
    PairScore,
    article_queries,
    centred,
    pair_scores,
    per_article,
    standardised,
)

MIX = R.FIXED_MIX[0]
V1_GRID = ((0.3, 5), (0.3, 10), (0.6, 5), (0.6, 10))  # (beta, m), least change first
V2_GRID = (0.2, 0.4)  # g, least change first
RULE_J1, RULE_J2, DROP = 0.736, 0.724, 0.03


@dataclass(frozen=True)
class Vectors:
    """The vectors both variants start from."""

    queries: np.ndarray  # (2, articles, dimension): first and scope query
    unique: np.ndarray  # each distinct sentence text's passage vector
    column: np.ndarray  # sentence -> its row in `unique`
    actions: list[str]  # action IRIs, pair_scores' column order
    whole: np.ndarray  # (actions, dimension): each action's whole text as one passage
    truncated: int  # whole texts longer than the encoder's window
    longest: int  # tokens of the longest whole text (prompt included)


@dataclass(frozen=True)
class Fold:
    """One held-out article under one setting."""

    ndcg: float
    p5: float
    ranked: list[str]


def action_texts(passages: list[dict], base: str) -> dict[str, str]:
    """Action IRI -> its narrative passages joined in reading order (as the judges read them)."""
    out: dict[str, list[str]] = {}
    for p in sorted(passages, key=lambda p: (p["report"], p["order"])):
        if p["kind"] == "narrative" and p.get("source"):
            out.setdefault(base + p["source"], []).append(p["text"])
    return {a: "\n".join(t) for a, t in out.items()}


def tokens(embedder: OnnxEmbedder, texts: list[str]) -> tuple[list[int], int]:
    """Tokens of each text with the passage prompt, untruncated, and the encoder's window."""
    from tokenizers import Tokenizer

    window = embedder.tokenizer.truncation["max_length"]
    whole = Tokenizer.from_str(embedder.tokenizer.to_str())
    whole.no_truncation()
    return [len(whole.encode(embedder.passage_prompt + t).ids) for t in texts], window


def vectors(inputs: R.Inputs) -> Vectors:
    """Query, sentence and whole-action vectors, with the same encoder as the deployed run."""
    feats, embedder = inputs.features, inputs.embedder
    queries = article_queries(feats.articles, embedder)
    texts = list(dict.fromkeys(s.text for s in feats.sentences))
    row = {t: i for i, t in enumerate(texts)}
    column = np.array([row[s.text] for s in feats.sentences])
    unique = embedder.embed_passages(texts)
    actions = list(dict.fromkeys(s.action for s in feats.sentences))
    whole_text = action_texts(inputs.passages, inputs.base)
    wholes = [whole_text[a] for a in actions]
    counts, window = tokens(embedder, wholes)
    return Vectors(queries, unique, column, actions, embedder.embed_passages(wholes),
                   sum(c > window for c in counts), max(counts))


def dense(queries: np.ndarray, vec: Vectors) -> np.ndarray:
    """Mean cosine of each article's two queries to each sentence (features' dense signal)."""
    return (queries @ vec.unique.T).mean(axis=0)[:, vec.column]


def rocchio(queries: np.ndarray, unique: np.ndarray, beta: float, m: int) -> np.ndarray:
    """normalise(q + beta * mean of the m sentence vectors closest to q), per query vector."""
    sims = queries @ unique.T
    top = np.argpartition(-sims, m - 1, axis=-1)[..., :m]
    moved = queries + beta * unique[top].mean(axis=-2)
    return moved / np.linalg.norm(moved, axis=-1, keepdims=True)


def v1_pairs(inputs: R.Inputs, vec: Vectors, beta: float, m: int) -> list[PairScore]:
    """Deployed pair scores with Rocchio-moved queries on the dense side (lexical unchanged)."""
    feats = inputs.features
    moved = Features(feats.articles, feats.sentences, dense(rocchio(vec.queries, vec.unique,
                                                                    beta, m), vec),
                     feats.lexical)
    return pair_scores(moved, *MIX)


def action_signal(vec: Vectors) -> np.ndarray:
    """(articles, actions): whole-text cosine, mean of two queries, centred and standardised."""
    return standardised(centred((vec.queries @ vec.whole.T).mean(axis=0)))


def v2_pairs(base: list[PairScore], articles: list[str], vec: Vectors,
             g: float) -> list[PairScore]:
    """The deployed pairs with general' = (1 - g) general + g z(action cosine), re-standardised."""
    i_of = {a: i for i, a in enumerate(articles)}
    k_of = {a: k for k, a in enumerate(vec.actions)}
    general = np.zeros((len(articles), len(vec.actions)))
    for p in base:
        general[i_of[p.article], k_of[p.action]] = p.general
    mixed = (1 - g) * general + g * action_signal(vec)
    relevance = per_article(mixed)
    return [PairScore(p.article, p.action, float(relevance[i_of[p.article], k_of[p.action]]),
                      p.sentence, float(mixed[i_of[p.article], k_of[p.action]])) for p in base]


def loao(inputs: R.Inputs, pairs: list[PairScore]) -> tuple[list[R.Case], list[Fold]]:
    """The development cases under these pairs and each one's held-out figures and ranking."""
    cases = R.judged_cases(inputs, {MIX: pairs})
    folds = []
    for i, case in enumerate(cases):
        ranked = [a for a, _ in R.ranking(case, R.choose(cases[:i] + cases[i + 1:]))]
        folds.append(Fold(R.ndcg(ranked, case.grades), R.precision(ranked, case.grades), ranked))
    return cases, folds


def nested(grid: list[list[Fold]]) -> tuple[list[int], list[Fold]]:
    """Per article the grid point best on the other articles' LOAO nDCG@10 (first on ties)."""
    n = len(grid[0])
    totals = [sum(f.ndcg for f in folds) for folds in grid]
    chosen = [max(range(len(grid)), key=lambda g: (round((totals[g] - grid[g][a].ndcg)
                                                         / (n - 1), 12), -g))
              for a in range(n)]
    return chosen, [grid[g][a] for a, g in enumerate(chosen)]


def judge2(folds: list[Fold], cases: list[R.Case],
           second: dict[str, dict[str, int]]) -> tuple[float, float]:
    """Mean nDCG@10 and P@5 of these rankings against judge 2 on its stated articles."""
    scored = [(R.ndcg(f.ranked, second[c.notation]), R.precision(f.ranked, second[c.notation]))
              for f, c in zip(folds, cases, strict=True) if c.notation in second]
    return float(np.mean([s[0] for s in scored])), float(np.mean([s[1] for s in scored]))


def per_set(folds: list[Fold], cases: list[R.Case]) -> dict[str, tuple[float, float]]:
    """Mean nDCG@10 and P@5 per development set."""
    out = {}
    for group in dict.fromkeys(c.group for c in cases):
        own = [f for f, c in zip(folds, cases, strict=True) if c.group == group]
        out[group] = (float(np.mean([f.ndcg for f in own])), float(np.mean([f.p5 for f in own])))
    return out


def figures(out: TextIO, label: str, folds: list[Fold], cases: list[R.Case],
            second: dict[str, dict[str, int]]) -> None:
    """One setting's means over the 63, against judge 2 on the 29, and per set."""
    j2 = judge2(folds, cases, second)
    out.write(f"{label}: J1 (63) nDCG@10 {np.mean([f.ndcg for f in folds]):.4f} P@5 "
              f"{np.mean([f.p5 for f in folds]):.4f} | J2 (29 stated) nDCG@10 {j2[0]:.4f} "
              f"P@5 {j2[1]:.4f}\n")
    for group, (n, p) in per_set(folds, cases).items():
        size = sum(c.group == group for c in cases)
        out.write(f"    {group:7} ({size:2}) nDCG@10 {n:.3f}  P@5 {p:.3f}\n")


def verdict(out: TextIO, name: str, folds: list[Fold], base: list[Fold], cases: list[R.Case],
            second: dict[str, dict[str, int]]) -> tuple[bool, float]:
    """The rule's four clauses for one variant's nested folds; (passes, (a)+(b) gain)."""
    n1, p1 = np.mean([f.ndcg for f in folds]), np.mean([f.p5 for f in folds])
    b1, bp1 = np.mean([f.ndcg for f in base]), np.mean([f.p5 for f in base])
    (n2, p2), (b2, bp2) = judge2(folds, cases, second), judge2(base, cases, second)
    drops = {g: v[0] - per_set(base, cases)[g][0] for g, v in per_set(folds, cases).items()}
    worst = min(drops, key=drops.get)
    clauses = {"a": (n1 >= RULE_J1, f"J1 nDCG@10 {n1:.4f} vs >= {RULE_J1} (base {b1:.4f}, "
                                     f"{n1 - b1:+.4f})"),
               "b": (n2 >= RULE_J2, f"J2 nDCG@10 {n2:.4f} vs >= {RULE_J2} (base {b2:.4f}, "
                                     f"{n2 - b2:+.4f})"),
               "c": (p1 >= bp1 and p2 >= bp2, f"P@5 J1 {p1:.4f} vs {bp1:.4f} ({p1 - bp1:+.4f}), "
                                              f"J2 {p2:.4f} vs {bp2:.4f} ({p2 - bp2:+.4f})"),
               "d": (drops[worst] >= -DROP, "per set " + ", ".join(
                   f"{g} {d:+.3f}" for g, d in drops.items()) + f"; worst {worst}")}
    out.write(f"VERDICT {name}:\n")
    for key, (ok, text) in clauses.items():
        out.write(f"  ({key}) {'pass' if ok else 'FAIL'}: {text}\n")
    passes = all(ok for ok, _ in clauses.values())
    out.write(f"  => {'PASSES: to the gate' if passes else 'fails'}\n\n")
    return passes, float((n1 - b1) + (n2 - b2))


def run(out: TextIO, inputs: R.Inputs, second: dict[str, dict[str, int]],
        baseline_only: bool) -> None:
    """Baselines, then every grid point's LOAO, the nested results and the verdicts."""
    start = time.perf_counter()
    base_pairs = pair_scores(inputs.features, *MIX)
    cases, base = loao(inputs, base_pairs)
    out.write(f"Model: {R.encoder_note(inputs.embedder)}; {len(cases)} development articles "
              f"(judge 1), {sum(c.notation in second for c in cases)} stated articles of judge 2\n")
    figures(out, "BASELINE (deployed, LOAO)", base, cases, second)
    if baseline_only:
        return
    vec = vectors(inputs)
    gap = float(np.abs(dense(vec.queries, vec) - inputs.features.dense).max())
    out.write(f"\ncheck: dense signal from the harness's vectors vs features(): max |diff| "
              f"{gap:.2e}\nV2: {len(vec.actions)} whole action texts, {vec.truncated} longer than "
              f"the encoder's window (truncated); longest {vec.longest} tokens with the prompt\n")
    variants = {"V1": [(f"V1 beta={b} m={m}", v1_pairs(inputs, vec, b, m)) for b, m in V1_GRID],
                "V2": [(f"V2 g={g}", v2_pairs(base_pairs, [a.iri for a in
                                                           inputs.features.articles], vec, g))
                       for g in V2_GRID]}
    results = {}
    for name, grid in variants.items():
        out.write(f"\n== {name}: every grid point, LOAO ==\n")
        folds = []
        for label, pairs in grid:
            same, point = loao(inputs, pairs)
            assert [c.notation for c in same] == [c.notation for c in cases]
            folds.append(point)
            figures(out, label, point, cases, second)
        chosen, best = nested(folds)
        out.write(f"\n== {name}: nested LOAO ==\nchosen per article: " + ", ".join(
            f"{grid[g][0]} x{chosen.count(g)}" for g in range(len(grid)) if g in chosen) + "\n")
        figures(out, f"{name} nested", best, cases, second)
        out.write(f"{'article':8} {'set':7} {'base':>6} {name:>6} {'d':>7}  point\n")
        for c, b, f, g in zip(cases, base, best, chosen, strict=True):
            out.write(f"{c.notation:8} {c.group:7} {b.ndcg:6.3f} {f.ndcg:6.3f} "
                      f"{f.ndcg - b.ndcg:+7.3f}  {grid[g][0]}\n")
        out.write("\n")
        results[name] = verdict(out, name, best, base, cases, second)
    passing = {k: v for k, v in results.items() if v[0]}
    goes = max(passing, key=lambda k: passing[k][1]) if passing else None
    out.write(f"OUTCOME: {goes + ' goes to the gate' if goes else 'neither variant passes'}"
              f" ((a)+(b) gains: " + ", ".join(f"{k} {v[1]:+.4f}" for k, v in results.items())
              + f"); run took {time.perf_counter() - start:.0f} s\n")


def main() -> None:
    """Parse --data and --baseline-only, load judge 1 and judge 2, print the round's figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    R.add_data_argument(parser)
    parser.add_argument("--baseline-only", action="store_true",
                        help="only reproduce the deployed figures")
    args = parser.parse_args()
    try:
        files = S.second_grades(R.ROOT / "tests" / "data", S.first_grades())
    except (FileNotFoundError, ValueError) as error:
        sys.exit(f"fel: {error}")
    inputs = R.load_inputs(data=R.data_dir(args.data))
    dev = R.judged_cases(inputs, {MIX: pair_scores(inputs.features, *MIX)})
    stated = {c.notation for c in S.section_cases(files, S.SECOND, True, dev)}
    second = {a: g for grades in files.values() for a, g in grades.items() if a in stated}
    run(sys.stdout, inputs, second, args.baseline_only)


if __name__ == "__main__":
    main()
