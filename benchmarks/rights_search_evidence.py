"""Round 10/11: the search engine's view of each (article, action) as a second rights evidence.

Run: PYTHONPATH=. .venv/bin/python benchmarks/rights_search_evidence.py --data DIR \
         >> benchmarks/results/rights_eval_round11_evidence.txt

The search index saved by ingest ranks the report's passages with its own Swedish BM25
(lemmas, compounds, since round 10 the thesaurus's expansions) and its dense side (passage
cosine mixed with the best sentence's), tuned on search queries: another view than the rights
pipeline's sentence cosines. Each article's two query texts (rights_text.ArticleText.query and
scope_query, the texts the rights pipeline compares with) are searched in bm25 and in dense
mode - never hybrid, whose rights signal reads the rights ranking itself - and every action is
scored from its own passages' scores or places in those four lists. The relevance becomes
per_article(relevance + β·evidence), re-standardised per article so that the thresholds keep
their scale; β = 0 is round 6/7's design, the deployed one.
Round 10 (ea095a3) adopted form "z" over all four lists at β 1.0 on 56 articles; it lost on
blind set 9 and was withdrawn (3725803), so the search helpers live here, not in the pipeline.
Round 11 re-measures the same grid on the 63 articles of judged sets 1-9 (leave-one-article-out,
the three class thresholds chosen per fold as rights_eval.py does); protocol, rule and figures:
benchmarks/results/rights_eval_round11_evidence.txt. The blind set 10 is never read here.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass

import numpy as np

# run as a script, so benchmarks/ is on the path
import rights_designs as D
import rights_eval as R

from search.engine import open_searcher
from search.hits import MAX_QUERY_CHARS
from search.hybrid import HybridSearcher
from web.pipeline.layout import index_home
from web.pipeline.rights_score import Features, article_queries, per_article
from web.pipeline.rights_text import ArticleText

LISTS = ("bm25 first", "dense first", "bm25 scope", "dense scope")  # search_lists' order
RR_K = 10  # reciprocal rank 1 / (RR_K + rank): the first places count, the tail still does


def actions_of(feats: Features) -> list[str]:
    """The actions in the order of pair_scores' columns (first sentence first)."""
    return list(dict.fromkeys(s.action for s in feats.sentences))


def search_lists(feats: Features, searcher: HybridSearcher) -> list[np.ndarray]:
    """Per list (first and scope query, each in bm25 and dense mode) every passage row's
    score for every article: rows articles, columns the index's passages (BM25: 0 where it
    found nothing). The dense side reads the bare query vectors, as the features do."""
    n = len(searcher.index.passages)
    vectors = article_queries(feats.articles, searcher.embedder)
    out = []
    for k, query in enumerate((ArticleText.query, ArticleText.scope_query)):
        texts = [query(a)[:MAX_QUERY_CHARS] for a in feats.articles]
        for found in ([searcher.index.bm25.search(t, n) for t in texts],
                      [searcher.dense_hits(v, n) for v in vectors[k]]):
            m = np.zeros((len(texts), n))
            for i, hits in enumerate(found):
                for row, score in hits:
                    m[i, row] = score
            out.append(m)
    return out


def action_rows(passages: list[dict], actions: list[str], base: str) -> list[list[int]]:
    """Each action's rows in `passages`: the narrative passages that render it."""
    rows: dict[str, list[int]] = {}
    for i, p in enumerate(passages):
        if p["kind"] == "narrative" and p.get("source"):
            rows.setdefault(base + p["source"], []).append(i)
    return [rows.get(a, []) for a in actions]


def best_of_action(matrix: np.ndarray, columns: list[list[int]]) -> np.ndarray:
    """(rows, actions): each action's best value among its columns (0 without any)."""
    return np.stack([matrix[:, c].max(axis=1) if c else np.zeros(len(matrix))
                     for c in columns], axis=1)


@dataclass(frozen=True)
class SearchView:
    """Per list ("bm25 first", "dense scope", …) every passage row's score for every article
    (rows: articles; 0 where BM25 found nothing) and its 1-based place (inf: not found)."""

    scores: dict[str, np.ndarray]
    places: dict[str, np.ndarray]


def places_of(scores: np.ndarray, found_only: bool) -> np.ndarray:
    """Each row's 1-based place per article, best score first (ties: lower row first);
    with `found_only` a score of 0 (BM25 found nothing) is no place (inf)."""
    order = np.argsort(-scores, axis=1, kind="stable")
    places = np.empty_like(scores)
    np.put_along_axis(places, order, np.arange(1, scores.shape[1] + 1, dtype=float)[None], 1)
    return np.where(found_only & (scores <= 0), np.inf, places)


def search_view(feats: Features, searcher: HybridSearcher) -> SearchView:
    """Every article's two query texts searched over all passages in bm25 and dense mode
    (rights_score.search_lists, as ingest searches them)."""
    scores = dict(zip(LISTS, search_lists(feats, searcher), strict=True))
    return SearchView(scores, {k: places_of(m, k.startswith("bm25")) for k, m in scores.items()})


def best_places(matrix: np.ndarray, rows: list[list[int]]) -> np.ndarray:
    """(articles, actions): each action's best (lowest) passage place (inf without one)."""
    return np.stack([matrix[:, r].min(axis=1) if r else np.full(len(matrix), np.inf)
                     for r in rows], axis=1)


def evidence(view: SearchView, rows: list[list[int]], form: str,
             lists: tuple[str, ...] | None = None) -> np.ndarray:
    """(articles, actions) search evidence, standardised per article over the actions.

    form "z": each list's best passage score per action, standardised per article, averaged;
    "zc": the same after each passage's score is centred over all articles (as the rights
    pipeline centres its sentences: a passage close to every children's article says little);
    "rr": the mean over the lists of 1 / (RR_K + the place of the action's best passage).
    """
    names = lists or tuple(view.scores)
    parts = []
    for name in names:
        if form == "rr":
            parts.append(1.0 / (RR_K + best_places(view.places[name], rows)))
            continue
        m = view.scores[name]
        parts.append(per_article(best_of_action(m - m.mean(axis=0) if form == "zc" else m,
                                                rows)))
    return per_article(np.mean(parts, axis=0))


@dataclass(frozen=True)
class Setting:
    """One grid point: the evidence's form, the lists it reads and β."""

    form: str
    beta: float
    lists: tuple[str, ...] | None = None

    def label(self) -> str:
        """A readable name."""
        which = "all 4 lists" if self.lists is None else "+".join(self.lists)
        return "β 0 (deployed)" if self.beta == 0 else f"{self.form:2} β {self.beta:<4} {which}"


# Fixed before the first run (the protocol allows at most 12): β = 0, three forms at three
# β each, and one mode alone on each side for the plain z form.
GRID = ([Setting("z", 0.0)]
        + [Setting(f, b) for f in ("z", "zc", "rr") for b in (0.25, 0.5, 1.0)]
        + [Setting("z", 0.5, ("bm25 first", "bm25 scope")),
           Setting("z", 0.5, ("dense first", "dense scope"))])


@dataclass
class Outcome:
    """One setting's LOAO: per article (group, nDCG, P@5), the held-out answers, and the
    fitted training nDCG of every fold (for choosing the setting per fold)."""

    rows: list[tuple[str, float, float]]
    answers: list[tuple[R.Case, list[tuple[str, str]]]]
    fitted: list[float]


def loao(cases: list[R.Case]) -> Outcome:
    """Leave-one-article-out with rights_eval's per-fold choice of the three thresholds."""
    out = Outcome([], [], [])
    for i, case in enumerate(cases):
        train = cases[:i] + cases[i + 1:]
        t = R.choose(train)
        out.rows.append((case.group, *R.measure(case, t)))
        out.answers.append((case, R.ranking(case, t)))
        out.fitted.append(R.mean_ndcg(train, t))
    return out


def link_figures(answers: list[tuple[R.Case, list[tuple[str, str]]]]) -> dict[str, str]:
    """Per class 'links/precision(>=1)' and the recall of the grade >= 2 pairs."""
    out = {}
    for cls in R.CLASSES:
        grades = [c.grades[a] for c, ranked in answers for a, k in ranked if k == cls]
        out[cls] = f"{len(grades)}/{np.mean([g >= 1 for g in grades]) if grades else 0:.3f}"
    relevant = [(c.notation, a) for c, _ in answers for a, g in c.grades.items() if g >= 2]
    linked = {(c.notation, a) for c, ranked in answers for a, _ in ranked}
    out["recall"] = f"{sum(x in linked for x in relevant) / max(len(relevant), 1):.3f}"
    return out


def line(label: str, o: Outcome) -> str:
    """One setting's figures on one line."""
    per = " ".join(f"{np.mean([r[1] for r in o.rows if r[0] == g]):.3f}"
                   for g in dict.fromkeys(r[0] for r in o.rows))
    links = link_figures(o.answers)
    return (f"  {label:34} {np.mean([r[1] for r in o.rows]):.3f} "
            f"{np.mean([r[2] for r in o.rows]):.3f}  [{per}]  direkt {links['direkt']}, "
            f"bidrar {links['bidrar']}, härledd {links['härledd']}, "
            f"via {links['via målområdet']}, recall {links['recall']}")


def nested(outcomes: dict[Setting, Outcome]) -> tuple[Outcome, list[Setting]]:
    """The setting chosen per fold by its fitted nDCG on the other articles (ties: grid
    order), and which setting each fold chose."""
    settings = list(outcomes)
    out, chosen = Outcome([], [], []), []
    for i in range(len(outcomes[settings[0]].rows)):
        best = max(settings, key=lambda s: (round(outcomes[s].fitted[i], 9),
                                            -settings.index(s)))
        out.rows.append(outcomes[best].rows[i])
        out.answers.append(outcomes[best].answers[i])
        out.fitted.append(outcomes[best].fitted[i])
        chosen.append(best)
    return out, chosen


def per_article_change(before: Outcome, after: Outcome, group: str) -> str:
    """One set's articles: nDCG@10 before -> after (the set where round 10 lost)."""
    pairs = [(c.notation, b[1], a[1]) for (c, _), b, a
             in zip(after.answers, before.rows, after.rows, strict=True) if b[0] == group]
    return ", ".join(f"{n} {b:.3f} -> {a:.3f}" for n, b, a in pairs)


def main() -> None:
    """Every grid setting's LOAO figures, one line each, β = 0 first."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    R.add_data_argument(parser)
    data = R.data_dir(parser.parse_args().data)
    inputs = R.load_inputs(data=data)
    s = D.signals(inputs)
    general, ev = D.pooled(s, D.mixed(inputs.features.dense, inputs.features.lexical))
    relevance = per_article(general)
    searcher = open_searcher(index_home(data), inputs.embedder)
    view = search_view(inputs.features, searcher)
    assert actions_of(inputs.features) == s.actions
    rows = action_rows(searcher.index.passages, s.actions, inputs.base)
    print(f"# Model: {R.encoder_note(inputs.embedder)}; LOAO on the {len(D.cases(s, general, ev))}"
          f" [sets: {' | '.join(R.DEVELOPMENT)}]\n#  setting  nDCG@10 P@5  [per set]  "
          f"links per class n/precision(grade >= 1), recall of grade >= 2 pairs")
    outcomes: dict[Setting, Outcome] = {}
    for setting in GRID:
        rel = relevance if setting.beta == 0 else per_article(
            relevance + setting.beta * evidence(view, rows, setting.form, setting.lists))
        outcomes[setting] = loao(D.cases(s, general, ev, relevance=rel))
        print(line(setting.label(), outcomes[setting]), flush=True)
    picked, chosen = nested(outcomes)
    print(line("setting chosen per fold (nested)", picked))
    counts = {x.label(): chosen.count(x) for x in dict.fromkeys(chosen)}
    print(f"# nested choice per fold: {'; '.join(f'{k.strip()} x {n}' for k, n in counts.items())}")
    print(f"# {R.DEVELOPMENT[-1]} per article, deployed -> nested: "
          f"{per_article_change(outcomes[GRID[0]], picked, R.DEVELOPMENT[-1])}")


if __name__ == "__main__":
    sys.exit(main())
