"""Round 21: a diagnosis of the deployed rights ranking and two order-only variants (issue 10).

Run: PYTHONPATH=. .venv/bin/python benchmarks/rights_round21.py --data DIR [--baseline-only]
Protocol and results: benchmarks/results/rights_eval_round21_variants.txt. Judge 1 is rights_eval's
development pool (63 articles), judge 2 rights_second_judge's files 1-6 (the 29 stated articles);
no blind set is read. Nested LOAO and clauses (a)-(d) are round 20's (benchmarks/rights_variants.py,
imported). Both variants change only the rank order (classes, links and thresholds' candidates as
deployed); per fold the härledd threshold is re-chosen by rights_eval's rule under the variant's
order, as rights_eval.choose would once the order is production's.
  W (via by key): via målområdet no longer after every supported link; its key is relevance + b.
  H (holder): for CRPD and JAM articles the key adds g * the action's affinity to the rights holder.
  W2 (--w2, RW21): W with its grid extended to b in W2_GRID, chosen by the same nested LOAO; the
  baseline and W's b = 0.75 row are reproduced first (--w2-reproduce: only those).
"""

from __future__ import annotations

import argparse
import math
import sys
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TextIO

import numpy as np

# run as a script, so benchmarks/ is on the path
import rights_eval as R
import rights_second_judge as S
import rights_variants as V

from search.analysis import SwedishAnalyzer
from web.pipeline.rights_rank import VIA_GOAL_AREA, Thresholds, classify, rank_supports
from web.pipeline.rights_score import centred, pair_scores, standardised

MIX = V.MIX
TOP_K = 5  # a grade-0 action in these places is a false positive
DEEP = 10  # a grade-3 action below this place (or unlinked) is a miss
OFF_TOPIC_RANK = 10  # an unstated false positive the dense signal alone ranks below this: "word"
W_GRID = (0.0, 0.25, 0.5, 0.75)  # b: via målområdet's key offset, least change first
# W2 (RW21): W's grid extended once, after W chose its edge 0.75 in all 63 folds (least change
# first)
W2_GRID = (0.75, 1.0, 1.5, 2.0)
H_GRID = (0.25, 0.5, 1.0)  # g: weight of the holder affinity, least change first
# the rights holder of the instruments whose rights belong to a group other than by age (CRC's
# children are in nearly every action of the report; UDHR's holder is everyone)
HOLDERS = {"CRPD": "Personer med funktionsnedsättning",
           "JAM": "Jämställdhet mellan kvinnor och män, flickor och pojkar"}
KEY_BANDS = ((-9.0, 0.5), (0.5, 0.75), (0.75, 1.0), (1.0, 1.25), (1.25, 1.5), (1.5, 2.0),
             (2.0, 9.0))
# the deployed order: (via målområdet last, -(relevance + bonus if stated), action)
Order = Callable[[str, str, float, bool, str], tuple]


@dataclass(frozen=True)
class Lexicon:
    """The analyzer fitted on the action sentences, as lexical_matrix fits it."""

    analyzer: SwedishAnalyzer
    docs: list[set[str]]
    idf: dict[str, float]


@dataclass(frozen=True)
class Signals:
    """Per (article IRI, action IRI): the dense and the lexical signal each alone (centred,
    standardised, top-3 pooled as deployed); the lexicon for the shared words."""

    dense: dict[tuple[str, str], float]
    lexical: dict[tuple[str, str], float]
    lexicon: Lexicon


@dataclass(frozen=True)
class Finding:
    """One false positive (grade 0 in the top 5) or miss (grade 3 below the top 10)."""

    article: str
    action: str
    judge: str
    kind: str  # "fp" or "miss"
    cause: str
    rank: int  # 0: not linked
    note: str = ""


def lexicon(inputs: R.Inputs) -> Lexicon:
    """Fit the analyzer and the idf on the run's sentences (lexical_matrix's statistics)."""
    analyzer, docs = SwedishAnalyzer.fit([s.text for s in inputs.features.sentences])
    df = Counter(t for doc in docs for t in set(doc))
    return Lexicon(analyzer, [set(d) for d in docs],
                   {t: math.log(1 + len(docs) / df[t]) for t in df})


def columns(inputs: R.Inputs) -> dict[str, list[int]]:
    """Action IRI -> its sentences' columns, in pair_scores' order."""
    out: dict[str, list[int]] = {}
    for j, s in enumerate(inputs.features.sentences):
        out.setdefault(s.action, []).append(j)
    return out


def alone(inputs: R.Inputs) -> Signals:
    """Each of the two deployed signals on its own, pooled as pair_scores pools the mix."""
    feats, cols = inputs.features, columns(inputs)
    out = []
    for matrix in (feats.dense, feats.lexical):
        z = standardised(centred(matrix))
        out.append({(a.iri, action): float(np.sort(z[i, c])[::-1][:MIX[1]].mean())
                    for i, a in enumerate(feats.articles) for action, c in cols.items()})
    return Signals(out[0], out[1], lexicon(inputs))


def shared_words(inputs: R.Inputs, lex: Lexicon, article_iri: str, action: str) -> list[str]:
    """The article's query terms in the action's sentence with the largest lexical share,
    heaviest first (a compound and its parts, a stem and its lemma stem: each a term)."""
    article = next(a for a in inputs.features.articles if a.iri == article_iri)
    terms = set(lex.analyzer.analyze_document(article.query()))
    best: tuple[float, list[str]] = (-1.0, [])
    for j, s in enumerate(inputs.features.sentences):
        if s.action == action:
            hit = [t for t in terms if t in lex.docs[j]]
            best = max(best, (sum(lex.idf[t] for t in hit),
                              sorted(hit, key=lambda t: (-lex.idf[t], t))))
    return best[1]


def deployed_order(cls: str, action: str, relevance: float, stated: bool, article: str,
                   bonus: float = R.CHOSEN.stated_bonus) -> tuple:
    """rights_rank.rank_supports' sort key."""
    return (cls == VIA_GOAL_AREA, -(relevance + bonus * stated), action)


def ranking(case: R.Case, t: Thresholds, order: Order = deployed_order) -> list[tuple[str, str]]:
    """(action key, class) in answer order: rank_supports' classes, sorted by `order`."""
    items = []
    for p in case.pairs[MIX]:
        key = p.action.removeprefix(case.prefix)
        cls = classify(p.relevance, key in case.stated, t, p.general)
        if cls is not None:
            items.append((order(cls, key, p.relevance, key in case.stated, case.notation),
                          key, cls))
    return [(key, cls) for _, key, cls in sorted(items)]


def choose(cases: list[R.Case], order: Order) -> Thresholds:
    """rights_eval.choose under `order`: bidrar and direkt by class agreement (order-free),
    härledd by the mean nDCG@10 of the ranking in this order (ties to the higher)."""
    direct, contributes, _ = R.class_thresholds(cases, MIX)
    t = Thresholds(MIX[0], direct, contributes, 0.0, R.CHOSEN.stated_bonus, MIX[1], MIX[2])

    def mean(x: float) -> float:
        u = replace(t, inferred=x)
        return float(np.mean([R.ndcg([a for a, _ in ranking(c, u, order)], c.grades)
                              for c in cases]))
    return replace(t, inferred=max(R.STEPS, key=lambda x: (mean(x), x)))


def loao(cases: list[R.Case], order: Order) -> tuple[list[V.Fold], list[Thresholds]]:
    """Each held-out article's figures and ranking, thresholds chosen on the other 62."""
    folds, chosen = [], []
    for i, case in enumerate(cases):
        t = choose(cases[:i] + cases[i + 1:], order)
        ranked = [a for a, _ in ranking(case, t, order)]
        folds.append(V.Fold(R.ndcg(ranked, case.grades), R.precision(ranked, case.grades),
                            ranked))
        chosen.append(t)
    return folds, chosen


def via_order(b: float) -> Order:
    """W: via målområdet among the other links, by relevance + b (the others as deployed)."""
    def order(cls: str, action: str, relevance: float, stated: bool, article: str) -> tuple:
        lift = b if cls == VIA_GOAL_AREA else R.CHOSEN.stated_bonus * stated
        return (False, -(relevance + lift), action)
    return order


def holder_affinity(inputs: R.Inputs) -> dict[str, dict[str, float]]:
    """Instrument -> action key -> z over the 45 actions of the mean cosine of the action's
    three best sentences (passage prompt) to the holder text (query prompt)."""
    feats, embedder = inputs.features, inputs.embedder
    texts = list(dict.fromkeys(s.text for s in feats.sentences))
    row = {t: i for i, t in enumerate(texts)}
    vectors = embedder.embed_passages(texts)[[row[s.text] for s in feats.sentences]]
    holders = embedder.embed_queries(list(HOLDERS.values()))
    out = {}
    for instrument, vector in zip(HOLDERS, holders, strict=True):
        cos = vectors @ vector
        pooled = {a.removeprefix(inputs.prefix): float(np.sort(cos[c])[::-1][:MIX[1]].mean())
                  for a, c in columns(inputs).items()}
        values = np.array(list(pooled.values()))
        out[instrument] = {a: float((v - values.mean()) / values.std())
                           for a, v in pooled.items()}
    return out


def holder_order(affinity: dict[str, dict[str, float]], g: float) -> Order:
    """H: the deployed order, the key adding g * holder affinity for CRPD and JAM articles."""
    def order(cls: str, action: str, relevance: float, stated: bool, article: str) -> tuple:
        extra = affinity.get(article.split()[0], {}).get(action, 0.0)
        return deployed_order(cls, action, relevance + g * extra, stated, article)
    return order


def unbonused_rank(case: R.Case, ranked: list[tuple[str, str]], action: str) -> int:
    """The action's place if the stated bonus were 0 (classes and class order unchanged)."""
    rel = {p.action.removeprefix(case.prefix): p.relevance for p in case.pairs[MIX]}
    order = sorted(ranked, key=lambda x: (x[1] == VIA_GOAL_AREA, -rel[x[0]], x[0]))
    return [a for a, _ in order].index(action) + 1


def findings(inputs: R.Inputs, case: R.Case, ranked: list[tuple[str, str]],
             grades: dict[str, int], judge: str, sig: Signals, t: Thresholds) -> list[Finding]:
    """The article's false positives and misses against one judge's grades, with causes.

    fp: bonus (stated, out of the top 5 without the stated bonus), stated (stated, in the top 5
    on its text alone), word (unstated, the dense signal alone ranks it below 10: shared words
    put it there), topic (unstated, close in meaning: a neighbouring theme).
    miss: via (stated, below bidrar: via målområdet is ranked after every supported link),
    floor (unstated, above härledd but under the shared-scale floor), threshold (unstated,
    below härledd), crowded (linked, below place 10).
    """
    out = []
    iri = inputs.by_notation[case.notation]
    place = {a: r for r, (a, _) in enumerate(ranked, 1)}
    classes = dict(ranked)
    pairs = {p.action.removeprefix(case.prefix): p for p in case.pairs[MIX]}
    dense_rank = {a: r for r, a in enumerate(
        sorted(pairs, key=lambda a: -sig.dense[(iri, pairs[a].action)]), 1)}
    for a, _ in ranked[:TOP_K]:
        if grades.get(a, 0) != 0:
            continue
        note = ""
        if a in case.stated:
            cause = "bonus" if unbonused_rank(case, ranked, a) > TOP_K else "stated"
        elif dense_rank[a] > OFF_TOPIC_RANK:
            cause = "word"
            note = "+".join(shared_words(inputs, sig.lexicon, iri, pairs[a].action)[:4])
        else:
            cause = "topic"
        out.append(Finding(case.notation, a, judge, "fp", cause, place[a], note))
    for a, g in grades.items():
        if g != 3 or 0 < place.get(a, 0) <= DEEP:
            continue
        p = pairs[a]
        if a in classes:
            cause = "via" if classes[a] == VIA_GOAL_AREA else "crowded"
        else:
            cause = "floor" if p.relevance >= t.inferred else "threshold"
        out.append(Finding(case.notation, a, judge, "miss", cause, place.get(a, 0)))
    return out


def judges(case: R.Case, second: dict[str, dict[str, int]]) -> list[tuple[str, dict[str, int]]]:
    """(name, grades) of the judges who graded this article."""
    two = second.get(case.notation)
    return [("J1", case.grades)] + ([("J2", two)] if two is not None else [])


def article_table(out: TextIO, inputs: R.Inputs, cases: list[R.Case], folds: list[V.Fold],
                  chosen: list[Thresholds], second: dict[str, dict[str, int]],
                  sig: Signals) -> list[Finding]:
    """Per article: nDCG@10 against both judges, false positives and misses with causes."""
    rows: list[Finding] = []
    out.write(f"{'article':8} {'set':7} {'st':>2} {'J1':>6} {'J2':>6}  J1 fp@5 / miss (grade 3 "
              f"below {DEEP}: cause@place)  || J2 fp@5 / miss\n")
    for case, fold, t in zip(cases, folds, chosen, strict=True):
        ranked = ranking(case, t)
        found = [f for judge, grades in judges(case, second)
                 for f in findings(inputs, case, ranked, grades, judge, sig, t)]
        rows += found
        cells = []
        for judge, _ in judges(case, second):
            own = [f for f in found if f.judge == judge]
            cells.append(" ".join(f"{f.action}:{f.cause}" for f in own if f.kind == "fp")
                         + " / " + " ".join(f"{f.action}:{f.cause}@{f.rank or '-'}"
                                            for f in own if f.kind == "miss"))
        two = second.get(case.notation)
        j2 = f"{R.ndcg(fold.ranked, two):6.3f}" if two is not None else f"{'-':>6}"
        out.write(f"{case.notation:8} {case.group:7} {len(case.stated):2} {fold.ndcg:6.3f} {j2}  "
                  f"{' || '.join(cells)}\n")
    return rows


def cause_totals(out: TextIO, rows: list[Finding]) -> None:
    """Totals per cause and the shared words of the 'word' false positives."""
    out.write("\nTotals per cause (J1 over the 63, J2 over its 29 stated articles):\n")
    for judge in ("J1", "J2"):
        for kind in ("fp", "miss"):
            counts = Counter(f.cause for f in rows if f.judge == judge and f.kind == kind)
            out.write(f"  {judge} {kind:4} {sum(counts.values()):3}: " + ", ".join(
                f"{c} {n}" for c, n in counts.most_common()) + "\n")
    out.write("Shared words of the J1 'word' false positives (the article's query terms in the "
              "sentence, heaviest first):\n")
    for f in rows:
        if f.judge == "J1" and f.cause == "word":
            out.write(f"  {f.article:8} {f.action:4} @{f.rank}: {f.note}\n")


def lift_table(out: TextIO, inputs: R.Inputs, cases: list[R.Case], folds: list[V.Fold],
               sig: Signals) -> None:
    """Top-5 actions per grade (J1): the share the dense signal alone ranks below 5 (lifted
    into the top 5 by the lexical signal), stated and unstated apart."""
    cells: dict[tuple[bool, int], list[int]] = defaultdict(list)
    for case, fold in zip(cases, folds, strict=True):
        iri = inputs.by_notation[case.notation]
        pairs = {p.action.removeprefix(case.prefix): p.action for p in case.pairs[MIX]}
        rank = {a: r for r, a in enumerate(sorted(pairs, key=lambda a: -sig.dense[
            (iri, pairs[a])]), 1)}
        for a in fold.ranked[:TOP_K]:
            cells[(a in case.stated, case.grades[a])].append(rank[a])
    out.write("\nTop-5 actions by J1 grade: share the dense signal alone ranks below 5 "
              "(the lexical signal lifted them in):\n")
    for stated in (False, True):
        out.write(f"  {'stated' if stated else 'unstated':8} " + "; ".join(
            f"grade {g}: {np.mean(np.array(cells[(stated, g)]) > TOP_K):.2f} of "
            f"{len(cells[(stated, g)])}" for g in range(4)) + "\n")


def band_table(out: TextIO, cases: list[R.Case], chosen: list[Thresholds],
               second: dict[str, dict[str, int]]) -> None:
    """In the stated articles: mean gain (2^grade - 1) of the links per class and band of the
    deployed ranking key (relevance + 0.5 if stated), per judge."""
    cells: dict[tuple[str, str, int], list[float]] = defaultdict(list)
    for case, t in zip(cases, chosen, strict=True):
        if not case.stated:
            continue
        rel = {p.action.removeprefix(case.prefix): p.relevance for p in case.pairs[MIX]}
        for a, cls in ranking(case, t):
            key = rel[a] + R.CHOSEN.stated_bonus * (a in case.stated)
            band = next(i for i, (lo, hi) in enumerate(KEY_BANDS) if lo <= key < hi)
            for judge, grades in judges(case, second):
                cells[(judge, cls, band)].append(2 ** grades[a] - 1)
    out.write("\nStated articles: mean gain (2^grade - 1, n) of the links per class and band "
              "of the ranking key (relevance + 0.5 if stated):\n")
    out.write(f"{'':20}" + "".join(f"{f'[{lo}, {hi})':>15}" for lo, hi in KEY_BANDS) + "\n")
    for judge in ("J1", "J2"):
        for cls in ("bidrar", "härledd", VIA_GOAL_AREA):
            out.write(f"{judge} {cls:17}" + "".join(
                f"{np.mean(v):9.2f} ({len(v):3})" if (v := cells[(judge, cls, b)])
                else f"{'-':>15}" for b in range(len(KEY_BANDS))) + "\n")


def holder_table(out: TextIO, cases: list[R.Case], folds: list[V.Fold],
                 second: dict[str, dict[str, int]], affinity: dict[str, dict[str, float]]
                 ) -> None:
    """Per instrument with a holder text: mean holder affinity (z over actions) of the actions
    in the deployed top 10, per judge and grade (0, 1, >= 2)."""
    out.write("\nHolder affinity (z over the 45 actions) of the deployed top 10, mean (n) per "
              "judge and grade:\n")
    for instrument, aff in affinity.items():
        cells: dict[tuple[str, int], list[float]] = defaultdict(list)
        for case, fold in zip(cases, folds, strict=True):
            if case.notation.split()[0] != instrument:
                continue
            for judge, grades in judges(case, second):
                for a in fold.ranked[:DEEP]:
                    cells[(judge, min(grades[a], 2))].append(aff[a])
        out.write(f"  {instrument:5} " + "; ".join(
            f"{j} g{'≥2' if g == 2 else g} {np.mean(v):+.2f} ({len(v)})"
            for j in ("J1", "J2") for g in range(3) if (v := cells[(j, g)])) + "\n")


def disagreement(out: TextIO, cases: list[R.Case], folds: list[V.Fold],
                 second: dict[str, dict[str, int]]) -> None:
    """How judge 2 differs from judge 1 on each of the 29 stated articles."""
    out.write("\nJudge 2 against judge 1 (pairs graded >= 2 by each, pairs J2 grades lower / "
              "higher; the deployed ranking's nDCG@10 per judge):\n")
    for case, fold in zip(cases, folds, strict=True):
        two = second.get(case.notation)
        if two is None:
            continue
        one = case.grades
        out.write(f"  {case.notation:8} J1>=2 {sum(g >= 2 for g in one.values()):2} J2>=2 "
                  f"{sum(g >= 2 for g in two.values()):2} lower "
                  f"{sum(two[a] < one[a] for a in one):2} higher "
                  f"{sum(two[a] > one[a] for a in one):2}  nDCG J1 {fold.ndcg:.3f} "
                  f"J2 {R.ndcg(fold.ranked, two):.3f}\n")


def judge_two(inputs: R.Inputs) -> dict[str, dict[str, int]]:
    """Judge 2's grades of the 29 articles the report states (round 20's reading)."""
    files = S.second_grades(R.ROOT / "tests" / "data", S.first_grades())
    dev = R.judged_cases(inputs, {MIX: pair_scores(inputs.features, *MIX)})
    stated = {c.notation for c in S.section_cases(files, S.SECOND, True, dev)}
    return {a: g for grades in files.values() for a, g in grades.items() if a in stated}


def staged_parser(doc: str | None) -> argparse.ArgumentParser:
    """A rights harness's command line: --data, --baseline-only and --diagnose-only."""
    parser = argparse.ArgumentParser(description=(doc or "").splitlines()[0])
    R.add_data_argument(parser)
    parser.add_argument("--baseline-only", action="store_true",
                        help="only reproduce the deployed figures")
    parser.add_argument("--diagnose-only", action="store_true",
                        help="the baseline and the diagnosis, no variant")
    return parser


def inputs_and_judge_two(args: argparse.Namespace) -> tuple[R.Inputs, dict[str, dict[str, int]]]:
    """The run's inputs from --data and judge 2's grades (judge_two); exits with the reason when
    judge 2's files are missing or wrong."""
    inputs = R.load_inputs(data=R.data_dir(args.data))
    try:
        return inputs, judge_two(inputs)
    except (FileNotFoundError, ValueError) as error:
        sys.exit(f"fel: {error}")


def procedural_links(inputs: R.Inputs, t: Thresholds) -> int:
    """Clause (e): links of any class to a procedural article that production's rank_supports
    makes over every article of the run with these thresholds (the variants change only the
    order, not which pairs are linked); must be 0."""
    procedural = {a.iri for a in inputs.features.articles} - set(inputs.by_notation.values())
    pairs = pair_scores(inputs.features, *MIX)
    links = rank_supports(pairs, inputs.stated, dict.fromkeys((p.action for p in pairs), "r"),
                          procedural, t)
    return sum(s.article in procedural for s in links)


def best_on_all(points: list[list[V.Fold]]) -> int:
    """The grid point with the highest nDCG@10 summed over every article (the first on a tie)."""
    totals = [sum(f.ndcg for f in folds) for folds in points]
    return max(range(len(points)), key=lambda g: (round(totals[g], 12), -g))


def nested_figures(out: TextIO, name: str, labels: list[str], points: list[list[V.Fold]],
                   cases: list[R.Case], second: dict[str, dict[str, int]]
                   ) -> tuple[list[int], list[V.Fold]]:
    """The nested LOAO over the grid points' folds: the points chosen and its figures, printed;
    returned as (the point chosen per article, the nested folds)."""
    chosen, best = V.nested(points)
    out.write(f"\n== {name}: nested LOAO ==\nchosen per article: " + ", ".join(
        f"{labels[g]} x{chosen.count(g)}" for g in range(len(labels)) if g in chosen) + "\n")
    V.figures(out, f"{name} nested", best, cases, second)
    return chosen, best


def run_variant(out: TextIO, name: str, grid: list[tuple[str, Order]], cases: list[R.Case],
                base: list[V.Fold], second: dict[str, dict[str, int]],
                inputs: R.Inputs) -> tuple[bool, float]:
    """Every grid point's LOAO, the nested result, the per-article table and the verdict."""
    out.write(f"\n== {name}: every grid point, LOAO ==\n")
    points = []
    for label, order in grid:
        folds, _ = loao(cases, order)
        points.append(folds)
        V.figures(out, label, folds, cases, second)
    chosen, best = nested_figures(out, name, [label for label, _ in grid], points, cases,
                                  second)
    out.write(f"{'article':8} {'set':7} {'base':>6} {name:>6} {'d':>7}  point\n")
    for c, b, f, g in zip(cases, base, best, chosen, strict=True):
        if abs(f.ndcg - b.ndcg) > 1e-9:
            out.write(f"{c.notation:8} {c.group:7} {b.ndcg:6.3f} {f.ndcg:6.3f} "
                      f"{f.ndcg - b.ndcg:+7.3f}  {grid[g][0]}\n")
    out.write("(articles not listed: unchanged)\n\n")
    passes, gain = V.verdict(out, name, best, base, cases, second)
    on_all = best_on_all(points)
    links = procedural_links(inputs, choose(cases, grid[on_all][1]))
    out.write(f"  (e) {'pass' if links == 0 else 'FAIL'}: {links} links to a procedural article "
              f"(grid point chosen on all 63: {grid[on_all][0]}; classes as deployed); the "
              f"suite's test is run on the production change\n")
    passes = passes and links == 0
    out.write(f"  => with (e): {'PASSES: to the gate' if passes else 'fails'}\n")
    return passes, gain


def w2(out: TextIO, cases: list[R.Case], base: list[V.Fold], second: dict[str, dict[str, int]],
       inputs: R.Inputs, reproduce_only: bool) -> None:
    """RW21: W's row at b = 0.75 reproduced (RX21: J1 0.7351 / J2 0.7332), then W2 = W over
    W2_GRID, nested as W was (no diagnosis: it is RX21's)."""
    out.write("\n== W2 reproduction: RX21's W row at b = 0.75 ==\n")
    folds, _ = loao(cases, via_order(0.75))
    V.figures(out, "W b=0.75", folds, cases, second)
    if reproduce_only:
        return
    passes, gain = run_variant(out, "W2", [(f"W2 b={b}", via_order(b)) for b in W2_GRID], cases,
                               base, second, inputs)
    out.write(f"\nOUTCOME W2: {'goes to the gate' if passes else 'fails'} ((a)+(b) gain "
              f"{gain:+.4f})\n")


def main() -> None:
    """Parse the arguments; print the baseline, the diagnosis and the variants' figures."""
    parser = staged_parser(__doc__)
    parser.add_argument("--w2", action="store_true",
                        help="RW21: the baseline, W b=0.75 reproduced, then W2's grid and verdict")
    parser.add_argument("--w2-reproduce", action="store_true",
                        help="RW21: only the baseline and W b=0.75 (reproduction)")
    args = parser.parse_args()
    inputs, second = inputs_and_judge_two(args)
    cases = R.judged_cases(inputs, {MIX: pair_scores(inputs.features, *MIX)})
    base, chosen = loao(cases, deployed_order)
    _, reference = V.loao(inputs, pair_scores(inputs.features, *MIX))
    assert [f.ranked for f in base] == [f.ranked for f in reference]  # = rights_eval's CV
    out = sys.stdout
    out.write(f"Model: {R.encoder_note(inputs.embedder)}; {len(cases)} development articles "
              f"(judge 1), {len(second)} stated articles of judge 2\n")
    V.figures(out, "BASELINE (deployed, LOAO)", base, cases, second)
    if args.baseline_only:
        return
    if args.w2 or args.w2_reproduce:
        w2(out, cases, base, second, inputs, args.w2_reproduce)
        return
    out.write("\n== Diagnosis (development judges only; the deployed LOAO rankings) ==\n")
    sig = alone(inputs)
    cause_totals(out, article_table(out, inputs, cases, base, chosen, second, sig))
    lift_table(out, inputs, cases, base, sig)
    band_table(out, cases, chosen, second)
    affinity = holder_affinity(inputs)
    holder_table(out, cases, base, second, affinity)
    disagreement(out, cases, base, second)
    if args.diagnose_only:
        return
    results = {
        "W": run_variant(out, "W", [(f"W b={b}", via_order(b)) for b in W_GRID], cases, base,
                         second, inputs),
        "H": run_variant(out, "H", [(f"H g={g}", holder_order(affinity, g)) for g in H_GRID],
                         cases, base, second, inputs)}
    passing = {k: v for k, v in results.items() if v[0]}
    goes = max(passing, key=lambda k: passing[k][1]) if passing else None
    out.write(f"\nOUTCOME: {goes + ' goes to the gate' if goes else 'neither variant passes'} "
              f"((a)+(b) gains: " + ", ".join(f"{k} {v[1]:+.4f}" for k, v in results.items())
              + ")\n")


if __name__ == "__main__":
    main()
