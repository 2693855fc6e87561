"""Round 8: a learned combination of text signals for the rights ranking, by LOAO on 42 articles.

Run: .venv/bin/python benchmarks/rights_learned.py --data DIR \
         > benchmarks/results/rights_eval_round8_choices.txt

Protocol, decided before any run: the development pool is the 42 judged articles of
rights_judged.jsonl, _2 … _6 (all looked at by earlier rounds). For each held-out article the
weights are fitted on the other 41, every judged article is scored with them, the three class
thresholds are chosen on the 41 as rights_eval.choose does (bidrar and direkt by class
agreement, härledd by nDCG@10), and the held-out article is measured. Features are per
(article, action), each standardised per article over the actions; the learned score is
standardised per article again, so it is on the scale the thresholds and the stated bonus
(0.5) use; the härledd floor stays on the deployed shared-scale value. Adoption rule: kept only
if LOAO nDCG@10 rises >= 0.01 without P@5 falling (or P@5 by >= 0.03 without nDCG falling)
against the deployed design in the same run; a simpler design that scores the same wins.
The blind set 7 takes no part here.

Outcome: PGS (pairwise, deployed + mål + scope terms) met the rule and shipped in 43610ef
(weights fitted by benchmarks/rights_fit.py, web/pipeline/rights_learned.py at that commit), then
lost on blind set 7 (0.774 against round 6/7's 0.826) and was withdrawn; this script stays as
the record of the comparison and carries the pairwise fitter itself.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

# run as a script, so benchmarks/ is on the path
import rights_eval as R
from sklearn.linear_model import Ridge

from corpus import read_report
from web.pipeline.ingest import bundled_reports
from web.pipeline.layout import index_dir
from web.pipeline.rights_rank import CHOSEN
from web.pipeline.rights_score import (
    PairScore,
    centred,
    lexical_matrix,
    per_article,
    standardised,
)
from web.pipeline.rights_text import ArticleText, Sentence


@dataclass
class Table:
    """Raw features, each (articles, actions), and what the cases need beside them."""

    names: list[str]
    raw: dict[str, np.ndarray]
    general: np.ndarray  # the deployed shared-scale value (the härledd floor)
    evidence: np.ndarray  # column of the deployed evidence sentence
    actions: list[str]


def columns(sentences: list[Sentence]) -> tuple[list[str], list[list[int]]]:
    """Action IRIs in order and each one's sentence columns."""
    actions = list(dict.fromkeys(s.action for s in sentences))
    return actions, [[j for j, s in enumerate(sentences) if s.action == a] for a in actions]


def pool(m: np.ndarray, cols: list[list[int]], top: int) -> np.ndarray:
    """Mean of each action's `top` best columns, per article row."""
    return np.stack([np.sort(m[:, c], 1)[:, ::-1][:, :top].mean(1) for c in cols], 1)


def action_texts(inputs: R.Inputs) -> dict[str, dict[str, str]]:
    """Action IRI -> its heading and its mål title with the målområde title."""
    report = read_report(bundled_reports()[0])
    goals = {g.letter: (g.title, area.title) for area in report.goal_areas for g in area.goals}
    out = {}
    for p in inputs.passages:
        if p["kind"] == "narrative" and p.get("source") and "/atgard/" in p["source"]:
            title, area = goals[p["goal"]]
            out[inputs.base + p["source"]] = {"heading": p["heading"],
                                              "goal": f"{title}. {area}."}
    return out


def table(inputs: R.Inputs, data) -> Table:
    """Every candidate feature for every (article, action) of the report."""
    feats, emb = inputs.features, inputs.embedder
    arts, sentences = feats.articles, feats.sentences
    actions, cols = columns(sentences)
    texts = list(dict.fromkeys(s.text for s in sentences))
    row = {t: i for i, t in enumerate(texts)}
    vectors = emb.embed_passages(texts)[[row[s.text] for s in sentences]]
    q1 = emb.embed_queries([a.query() for a in arts])
    q2 = emb.embed_queries([a.scope_query() for a in arts])
    first, scope = centred(q1 @ vectors.T), centred(q2 @ vectors.T)
    dense, lexical = centred(feats.dense), centred(feats.lexical)
    mixed = (1 - CHOSEN.lexical_weight) * standardised(dense) \
        + CHOSEN.lexical_weight * standardised(lexical)
    general = pool(mixed, cols, CHOSEN.top)
    evidence = np.stack([np.array(c)[np.argmax(mixed[:, c], 1)] for c in cols], 1)
    pv = R.passage_vectors(inputs.passages, inputs.base, emb, index_dir(data))
    passages = sorted({s.passage for s in sentences})
    pm = np.stack([pv[p] for p in passages])
    of_passage = centred((q1 @ pm.T + q2 @ pm.T) / 2)
    pcol = {p: i for i, p in enumerate(passages)}
    best_passage = np.stack([of_passage[:, sorted({pcol[sentences[j].passage] for j in c})]
                             .max(1) for c in cols], 1)
    info = action_texts(inputs)
    heading = emb.embed_passages([info[a]["heading"] for a in actions])
    goal = emb.embed_passages([info[a]["goal"] for a in actions])
    whole = [Sentence(a, a, None, " ".join(sentences[j].text for j in c))
             for a, c in zip(actions, cols, strict=True)]

    stated = {(a, art) for a, art in inputs.stated}
    raw = {
        "deployed": general,
        "best_first": pool(first, cols, 1),
        "best_scope": pool(scope, cols, 1),
        "top3_dense": pool(dense, cols, 3),
        "best_lexical": pool(lexical, cols, 1),
        "top3_lexical": pool(lexical, cols, 3),
        "best_passage": best_passage,
        "goal": centred((q1 @ goal.T + q2 @ goal.T) / 2),
        "heading": centred((q1 @ heading.T + q2 @ heading.T) / 2),
        "length": np.tile(np.log([len(c) for c in cols]), (len(arts), 1)),
        "scope_terms": centred(lexical_matrix(arts, whole, ArticleText.scope_query)),
        "stated": np.array([[float((a, art.iri) in stated) for a in actions] for art in arts]),
    }
    return Table(list(raw), raw, general, evidence, actions)


@dataclass
class Judged:
    """The judged articles: row index, notation, set, grade vector, stated keys."""

    rows: list[int]
    notations: list[str]
    groups: list[str]
    grades: np.ndarray  # (judged articles, actions)
    stated: list[set[str]]


def judged(inputs: R.Inputs, tab: Table) -> Judged:
    """Grades of the development articles, aligned with the table's actions."""
    arts = inputs.features.articles
    rows = [r for r in inputs.rows if r["group"] in R.DEVELOPMENT]
    notations = list(dict.fromkeys(r["article"] for r in rows))
    index = [next(i for i, a in enumerate(arts) if a.iri == inputs.by_notation[n])
             for n in notations]
    grade = {(r["article"], r["action"]): r["grade"] for r in rows}
    keys = [a.removeprefix(inputs.prefix) for a in tab.actions]
    grades = np.array([[grade.get((n, k), 0) for k in keys] for n in notations], dtype=float)
    stated = [{a.removeprefix(inputs.prefix) for a, art in inputs.stated
               if art == arts[i].iri} for i in index]
    groups = [next(r["group"] for r in rows if r["article"] == n) for n in notations]
    return Judged(index, notations, groups, grades, stated)


def design_matrix(tab: Table, names: list[str], rows: list[int]) -> np.ndarray:
    """(len(rows), actions, features): each feature standardised per article."""
    return np.stack([per_article(tab.raw[n][rows]) for n in names], -1)


Fitter = Callable[[np.ndarray, np.ndarray], np.ndarray]


def ridge(target: Callable[[np.ndarray], np.ndarray] = lambda g: g) -> Fitter:
    """Ridge regression (alpha 1) of a function of the grade on the features."""
    def fit(x: np.ndarray, g: np.ndarray) -> np.ndarray:
        model = Ridge(alpha=1.0).fit(x.reshape(-1, x.shape[-1]), target(g).ravel())
        return model.coef_
    return fit


PENALTY_C = 1.0  # fixed before any run (sklearn's default), not chosen on the judged sets


def pair_differences(x: np.ndarray, grades: np.ndarray) -> np.ndarray:
    """Feature differences better − worse of every differently graded pair within an article;
    x is (articles, actions, features), grades (articles, actions)."""
    out = []
    for xa, ga in zip(x, grades, strict=True):
        better, worse = np.nonzero(ga[:, None] > ga[None, :])
        out.append(xa[better] - xa[worse])
    return np.concatenate(out)


def pairwise(x: np.ndarray, grades: np.ndarray, c: float = PENALTY_C) -> np.ndarray:
    """Pairwise logistic without intercept (within each article, which of two differently
    graded actions is better): weights minimising ½‖w‖² + c·Σ log(1 + e^(−w·d)) over both
    orders of every pair (so 2c per pair), by Newton's method (smooth, strictly convex)."""
    d = pair_differences(x, grades)
    w = np.zeros(d.shape[1])
    for _ in range(100):
        p = 1 / (1 + np.exp(-(d @ w)))  # chance the better action scores above the worse
        gradient = w - 2 * c * d.T @ (1 - p)
        hessian = np.eye(len(w)) + 2 * c * (d.T * (p * (1 - p))) @ d
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-12:
            break
    return w


def cases(tab: Table, jd: Judged, inputs: R.Inputs, score: np.ndarray) -> list[R.Case]:
    """The judged articles as rights_eval cases, relevance = score standardised per article."""
    rel = per_article(score)
    feats, out = inputs.features, []
    for n, i in enumerate(jd.rows):
        iri = feats.articles[i].iri
        pairs = [PairScore(iri, a, float(rel[n, k]), feats.sentences[tab.evidence[i, k]],
                           float(tab.general[i, k])) for k, a in enumerate(tab.actions)]
        grades = {a.removeprefix(inputs.prefix): int(jd.grades[n, k])
                  for k, a in enumerate(tab.actions)}
        out.append(R.Case(jd.notations[n], jd.groups[n], grades, jd.stated[n],
                          {R.FIXED_MIX[0]: pairs}, inputs.prefix))
    return out


def loao(label: str, tab: Table, jd: Judged, inputs: R.Inputs, names: list[str],
         fitter: Fitter | None, bonus: float = CHOSEN.stated_bonus) -> list[float]:
    """One line: LOAO nDCG@10 / P@5, per former set, härledd links, mean weights."""
    x = design_matrix(tab, names, jd.rows)
    res, hits, weights = [], [], []
    for i in range(len(jd.rows)):
        train = [j for j in range(len(jd.rows)) if j != i]
        w = np.ones(len(names)) if fitter is None else fitter(x[train], jd.grades[train])
        weights.append(w / np.abs(w).sum())
        cs = cases(tab, jd, inputs, x @ w)
        t = R.choose(cs[:i] + cs[i + 1:])
        t = replace(t, stated_bonus=bonus)
        res.append((cs[i].group, *R.measure(cs[i], t)))
        hits += [cs[i].grades[a] for a, c in R.ranking(cs[i], t) if c == "härledd"]
    per = " | ".join(f"{np.mean([r[1] for r in res if r[0] == g]):.3f}"
                     for g in dict.fromkeys(r[0] for r in res))
    mean_w = " ".join(f"{n}={v:+.2f}" for n, v in zip(names, np.mean(weights, 0), strict=True))
    print(f"  {label:52} {np.mean([r[1] for r in res]):.3f} / "
          f"{np.mean([r[2] for r in res]):.3f}  [{per}]  härledd {len(hits)}, "
          f"grade>=2 {np.mean([h >= 2 for h in hits]):.2f}\n      weights (mean of folds, "
          f"L1-normed): {mean_w}", flush=True)
    return [r[1] for r in res]


TEXT5 = ["best_first", "best_scope", "top3_dense", "best_lexical", "best_passage"]
TEXT8 = [*TEXT5, "goal", "heading", "length"]


def main() -> None:
    """Every compared design, one line each, the deployed one first."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    R.add_data_argument(parser)
    data = R.data_dir(parser.parse_args().data)
    inputs = R.load_inputs(data=data)
    tab = table(inputs, data)
    jd = judged(inputs, tab)
    print(f"# Model: {R.encoder_note(inputs.embedder)}. nDCG@10 / P@5 by LOAO on the "
          f"{len(jd.rows)} [former sets: {' | '.join(R.DEVELOPMENT)}]")
    print("# deployed (round 6's design, its value standardised per article):")
    loao("deployed: w 0.2, 3 best sentences, centred, bonus 0.5", tab, jd, inputs,
         ["deployed"], None)
    text_only(tab, jd, inputs)
    added(tab, jd, inputs)


def added(tab: Table, jd: Judged, inputs: R.Inputs) -> None:
    """Second batch (written after the first's results): the deployed value plus the two
    signals the first batch weighted most beside it (mål, scope terms in the whole action)."""
    print("# the deployed value plus mål and scope terms (written after the batches above):")
    for label, names in (("RG ridge, deployed + mål", ["deployed", "goal"]),
                         ("RS ridge, deployed + scope terms", ["deployed", "scope_terms"]),
                         ("RGS ridge, deployed + mål + scope terms",
                          ["deployed", "goal", "scope_terms"]),
                         ("RDS ridge, RD + scope terms",
                          ["deployed", "best_passage", "goal", "heading", "scope_terms"])):
        loao(label, tab, jd, inputs, names, ridge())
    loao("PGS pairwise, deployed + mål + scope terms", tab, jd, inputs,
         ["deployed", "goal", "scope_terms"], pairwise)
    print("# the pairwise ablations of PGS (written after the batch above):")
    for label, names in (("PG pairwise, deployed + mål", ["deployed", "goal"]),
                         ("PS pairwise, deployed + scope terms", ["deployed", "scope_terms"]),
                         ("PGSP pairwise, PGS + best passage",
                          ["deployed", "goal", "scope_terms", "best_passage"])):
        loao(label, tab, jd, inputs, names, pairwise)


def text_only(tab: Table, jd: Judged, inputs: R.Inputs) -> None:
    """First batch: learned mixes of the text signals, ridge and pairwise."""
    print("# learned, text signals only (ridge on the grade):")
    loao("R5 ridge, 5 sentence/passage signals", tab, jd, inputs, TEXT5, ridge())
    loao("R8 ridge, + mål, heading, length", tab, jd, inputs, TEXT8, ridge())
    loao("R8g ridge on the gain 2^g-1", tab, jd, inputs, TEXT8,
         ridge(lambda g: 2 ** g - 1))
    loao("R9 ridge, R8 + scope terms in the whole action", tab, jd, inputs,
         [*TEXT8, "scope_terms"], ridge())
    loao("RD ridge, deployed + passage, mål, heading", tab, jd, inputs,
         ["deployed", "best_passage", "goal", "heading"], ridge())
    print("# learned, pairwise logistic:")
    loao("P5 pairwise, 5 sentence/passage signals", tab, jd, inputs, TEXT5, pairwise)
    loao("P8 pairwise, + mål, heading, length", tab, jd, inputs, TEXT8, pairwise)
    loao("PD pairwise, deployed + passage, mål, heading", tab, jd, inputs,
         ["deployed", "best_passage", "goal", "heading"], pairwise)
    print("# the report's statement as a learned feature (no fixed bonus):")
    loao("R8s ridge, R8 + stated, bonus 0", tab, jd, inputs, [*TEXT8, "stated"], ridge(),
         bonus=0.0)
    loao("P8s pairwise, P8 + stated, bonus 0", tab, jd, inputs, [*TEXT8, "stated"], pairwise,
         bonus=0.0)


if __name__ == "__main__":
    sys.exit(main())
