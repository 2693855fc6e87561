"""Rights ranking against the hand-judged set: nDCG@10 and P@5, cross-validated.

Run: .venv/bin/python benchmarks/rights_eval.py [--data DIR] > benchmarks/results/rights_eval.txt

The judged set (tests/data/rights_judged.jsonl: 13 articles × 45 actions, grades 0–3) was
written before the scorer existed. Thresholds are chosen by leave-one-article-out
cross-validation: for each article, the (lexical weight, bidrar, härledd, direkt) thresholds
that do best on the other twelve are applied to it, so every reported figure comes from an
article that took no part in choosing them. The baseline is what the report states, in
document order (mål letter, then the action's place under it).
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from corpus import read_report
from corpus.ids import report_graph_id
from corpus.passages import build_passages, report_key
from graph.build import report_graph
from graph.reference import project_graphs
from graph.store_writer import rebuild
from graph.trusted_query import trusted_select
from search.embedder import Embedder
from search.engine import embedder_for, index_dir
from search.index_store import SearchIndex
from web.pipeline.inferred import STATED, store_articles
from web.pipeline.ingest import bundled_reports
from web.pipeline.rights_rank import Thresholds, rank_supports
from web.pipeline.rights_score import PairScore, features, pair_scores
from web.pipeline.rights_text import action_sentences
from web.settings import resolve

ROOT = Path(__file__).resolve().parents[1]
JUDGED = ROOT / "tests" / "data" / "rights_judged.jsonl"
WEIGHTS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6)
STEPS = tuple(round(x, 2) for x in np.arange(-1.0, 4.01, 0.25))


@dataclass
class Case:
    """One judged article: grades, stated actions, scored pairs per lexical weight."""

    notation: str
    grades: dict[str, int]  # action key "C-3" -> grade
    stated: set[str]  # action keys
    pairs: dict[float, list[PairScore]]
    prefix: str  # action IRI = prefix + key

    def relevance(self, weight: float, key: str) -> float:
        """One pair's relevance."""
        return next(p.relevance for p in self.pairs[weight] if p.action == self.prefix + key)


def ndcg(ranked: list[str], grades: dict[str, int], k: int = 10) -> float:
    """nDCG@k with gain 2^grade − 1."""
    def dcg(gs: list[int]) -> float:
        return sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(gs[:k]))
    ideal = dcg(sorted(grades.values(), reverse=True))
    return dcg([grades.get(a, 0) for a in ranked]) / ideal if ideal else 0.0


def precision(ranked: list[str], grades: dict[str, int], k: int = 5) -> float:
    """Share of the first k places held by actions of grade ≥ 2 (empty places count)."""
    return sum(grades.get(a, 0) >= 2 for a in ranked[:k]) / k


def doc_order(key: str) -> tuple[str, int]:
    """'C-3' -> ('C', 3)."""
    letter, order = key.split("-")
    return letter, int(order)


def ranking(case: Case, t: Thresholds) -> list[tuple[str, str]]:
    """(action key, class) in answer order, ranked by the production code."""
    pairs = case.pairs[t.lexical_weight]
    stated = {(case.prefix + a, pairs[0].article) for a in case.stated}
    ranked = rank_supports(pairs, stated, dict.fromkeys((p.action for p in pairs), "r"),
                           set(), t)
    return [(s.action.removeprefix(case.prefix), s.support_class) for s in ranked]


def measure(case: Case, t: Thresholds) -> tuple[float, float]:
    """(nDCG@10, P@5) of the ranking under these thresholds."""
    ranked = [a for a, _ in ranking(case, t)]
    return ndcg(ranked, case.grades), precision(ranked, case.grades)


def passage_vectors(passages: list[dict], base: str, embedder: Embedder,
                    data: Path | None) -> dict[str, np.ndarray]:
    """Narrative passage IRI -> vector: from a built index when given (as ingest does), else
    embedded here with the same model and prompt."""
    narrative = [p for p in passages if p["kind"] == "narrative" and p.get("source")]
    if data is not None:
        index = SearchIndex.load(index_dir(data))
        rows = {p["id"]: i for i, p in enumerate(index.passages)}
        return {base + p["id"]: index.dense.vector(rows[p["id"]]) for p in narrative}
    vectors = embedder.embed_passages([p["text"] for p in narrative], progress=True)
    return {base + p["id"]: v for p, v in zip(narrative, vectors, strict=True)}


def load_cases(data: Path | None) -> tuple[list[Case], object]:
    """Judged articles with relevance for every lexical weight on the 2025 report."""
    rows = [json.loads(line) for line in JUDGED.read_text(encoding="utf-8").splitlines()]
    settings = resolve({})
    base = settings["base_iri"]
    report = read_report(bundled_reports()[0])
    passages = [vars(p) for p in build_passages(report)]
    with tempfile.TemporaryDirectory() as tmp, rebuild(Path(tmp) / "store") as builder:
        for name, graph in project_graphs(base).items():
            builder.replace_graph(base + name, graph)
        builder.replace_graph(base + report_graph_id(report_key(report)),
                              report_graph(report, base))
        articles, procedural = store_articles(builder.store, base)
        stated = {(str(r["action"]), str(r["article"]))
                  for r in trusted_select(builder.store, STATED)}
    embedder = embedder_for(settings["embed_model"], str(settings["data"]))
    wanted = [a for a in articles if a.iri not in procedural]
    sentences = action_sentences(passages, base)
    feats = features(wanted, sentences, embedder, passage_vectors(passages, base, embedder, data))
    by_notation = {a.notation: a.iri for a in wanted}
    prefix = base + report_key(report) + "/atgard/"
    scored = {w: pair_scores(feats, w) for w in WEIGHTS}
    cases = []
    for notation in dict.fromkeys(r["article"] for r in rows):
        iri = by_notation[notation]
        grades = {r["action"]: r["grade"] for r in rows if r["article"] == notation}
        cases.append(Case(notation, grades,
                          {a.removeprefix(prefix) for a, art in stated if art == iri},
                          {w: [p for p in scored[w] if p.article == iri] for w in WEIGHTS},
                          prefix))
    return cases, embedder


def grid() -> list[Thresholds]:
    """Every combination tried (direkt does not change the order; it is chosen apart)."""
    return [Thresholds(w, 99.0, c, i) for w, c, i in itertools.product(WEIGHTS, STEPS, STEPS)]


def best(cases: list[Case], table: dict[Thresholds, list[tuple[float, float]]],
         idx: list[int]) -> Thresholds:
    """The thresholds with the best mean nDCG@10 (then P@5) over the given cases."""
    return max(table, key=lambda t: (np.mean([table[t][i][0] for i in idx]),
                                     np.mean([table[t][i][1] for i in idx])))


def best_direct(cases: list[Case], t: Thresholds, idx: list[int]) -> float:
    """The direkt threshold that best separates grade 3 from 1–2 among supported stated pairs."""
    def agreement(d: float) -> float:
        pairs = [(c.relevance(t.lexical_weight, a), g) for i in idx for c in [cases[i]]
                 for a, g in c.grades.items() if a in c.stated and g >= 1
                 and c.relevance(t.lexical_weight, a) >= t.contributes]
        return np.mean([(r >= d) == (g == 3) for r, g in pairs]) if pairs else 0.0
    return max(STEPS, key=lambda d: (agreement(d), d))


def main() -> None:
    """Print baseline, cross-validated and full-set figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=None,
                        help="a built data directory whose search index vectors to use")
    cases, embedder = load_cases(parser.parse_args().data)
    out = sys.stdout
    out.write(f"Model: {embedder.name}; judged: {len(cases)} articles × 45 actions\n\n")
    table = {t: [measure(c, t) for c in cases] for t in grid()}
    out.write(f"{'article':10} {'stated':>6} {'base nDCG':>9} {'base P@5':>8} "
              f"{'CV nDCG':>8} {'CV P@5':>7}  thresholds chosen without it\n")
    base_n, base_p, cv_n, cv_p, agree = [], [], [], [], []
    for i, case in enumerate(cases):
        others = [j for j in range(len(cases)) if j != i]
        t = best(cases, table, others)
        t = Thresholds(t.lexical_weight, best_direct(cases, t, others), t.contributes, t.inferred)
        stated = sorted(case.stated, key=doc_order)
        bn, bp = ndcg(stated, case.grades), precision(stated, case.grades)
        n, p = measure(case, t)
        base_n.append(bn), base_p.append(bp), cv_n.append(n), cv_p.append(p)
        classes = dict(ranking(case, t))
        agree += [expected(case, a, g) == classes.get(a) for a, g in case.grades.items()
                  if a in case.stated or g >= 2 or a in classes]
        out.write(f"{case.notation:10} {len(stated):6} {bn:9.3f} {bp:8.2f} {n:8.3f} {p:7.2f}  "
                  f"w={t.lexical_weight} bidrar≥{t.contributes} härledd≥{t.inferred} "
                  f"direkt≥{t.direct}\n")
    out.write(f"\n{'mean':10} {'':6} {np.mean(base_n):9.3f} {np.mean(base_p):8.2f} "
              f"{np.mean(cv_n):8.3f} {np.mean(cv_p):7.2f}\n")
    out.write(f"Class agreement with the grades (held-out, see `expected`): {np.mean(agree):.2f} "
              f"over {len(agree)} pairs\n\n")
    everything = list(range(len(cases)))
    t = best(cases, table, everything)
    t = Thresholds(t.lexical_weight, best_direct(cases, t, everything), t.contributes,
                   t.inferred)
    n = np.mean([measure(c, t)[0] for c in cases])
    p = np.mean([measure(c, t)[1] for c in cases])
    out.write(f"Chosen on all {len(cases)} articles (CHOSEN in web/pipeline/rights_rank.py): "
              f"{t}\n  fitted (not cross-validated) nDCG@10 {n:.3f}, P@5 {p:.2f}\n")


def expected(case: Case, action: str, grade: int) -> str | None:
    """The class a grade implies: stated 3 direkt, 1–2 bidrar, 0 via; unstated ≥ 2 härledd."""
    if action in case.stated:
        return "direkt" if grade == 3 else "bidrar" if grade >= 1 else "via målområdet"
    return "härledd" if grade >= 2 else None


if __name__ == "__main__":
    main()
