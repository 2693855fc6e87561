"""Rights ranking against the hand-judged sets: nDCG@10 and P@5, cross-validated.

Run: .venv/bin/python benchmarks/rights_eval.py --data DIR > benchmarks/results/rights_eval.txt
(--blind adds the blind set, once; see below) and, for the earlier designs beside it in the
same conditions:
.venv/bin/python benchmarks/rights_eval.py --round5 > benchmarks/results/rights_eval_round5.txt
.venv/bin/python benchmarks/rights_eval.py --round4 > benchmarks/results/rights_eval_round4.txt

Judged sets, grades 0–3 for every one of the 45 actions: tests/data/rights_judged.jsonl
(13 articles), rights_judged_2.jsonl … _9.jsonl (5, 5, 6, 6, 7, 7, 7, 7). All nine have been
looked at by earlier rounds (set 9 was round 10's blind set, run once there), so since round 11
they are one development pool of 63 articles (CRC 22 of set 7 has no relevant action: a
negative control, scoring 0 however it is ranked, so the means are also given without it) and
everything is chosen by leave-one-article-out cross-validation on it: for each article, what the
design leaves free is chosen on the other 62 and applied to it, so every reported figure comes
from an article that took no part in choosing it. The blind sets (rights_judged_10.jsonl,
round 11's, and rights_judged_11.jsonl, round 12's, each judged and committed before any run
on it) are read only with --blind, once the design is final and committed, and get CHOSEN
once; each is reported on its own and both together (a missing file is an error then only).
`--judged FILE` measures CHOSEN alone on any judged file (nDCG@10, P@5 and the links per class
with the share the judges graded >= 1 and >= 2): the blind check of one commit against its
parent.

The default run is the deployed design, round 6's (kept by round 7, restored after round 8):
the signal mix (lexical weight 0.2, three best sentences, centred) and the bonus for stated
links (0.5) are fixed, not chosen per fold (round 5 chose 30 mixes × 5 bonuses per fold, which
fitted its 18 articles and not the blind ones). Per fold only the three class thresholds are
chosen: bidrar maximises F1 of via målområdet (stated, grade 0), direkt the agreement with
grade 3 among the supported stated ones, and härledd the mean nDCG@10 (round 5: F1 of
grade ≥ 2 among the unstated, which kept härledd so scarce that an article the report never
states got one or two actions). Round 8's learned combination (benchmarks/rights_learned.py,
removed since) won on the 42 and lost on blind set 7, so it is no longer measured here (its
code and run: 43610ef).
The baseline is what the report states, in document order (mål, then place).
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import sys
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TextIO

import numpy as np

from corpus import read_report
from corpus.ids import report_graph_id
from corpus.passages import build_passages, report_key
from graph.build import report_graph
from graph.reference import project_graphs
from graph.store_writer import rebuild
from search.embedder import Embedder
from search.engine import embedder_for
from search.index_store import SearchIndex, SearchIndexError
from search.rights_signal import RightsSignal
from web.pipeline.inferred import STATED, store_articles
from web.pipeline.ingest import bundled_reports
from web.pipeline.layout import index_dir
from web.pipeline.rights_rank import CHOSEN, Thresholds, rank_supports
from web.pipeline.rights_score import Features, PairScore, features, pair_scores
from web.pipeline.rights_text import action_sentences
from web.pipeline.rights_vouchers import with_vouchers
from web.settings import BY_NAME, resolve

ROOT = Path(__file__).resolve().parents[1]
JUDGED = {"first": ROOT / "tests" / "data" / "rights_judged.jsonl",
          "new": ROOT / "tests" / "data" / "rights_judged_2.jsonl",
          "unseen": ROOT / "tests" / "data" / "rights_judged_3.jsonl",
          "blind4": ROOT / "tests" / "data" / "rights_judged_4.jsonl",
          # round 6's blind check (opened after 9a1a2f6), development since round 7
          "blind5": ROOT / "tests" / "data" / "rights_judged_5.jsonl",
          # round 7's blind check (opened after b3390bc), development since round 8
          "blind6": ROOT / "tests" / "data" / "rights_judged_6.jsonl",
          # round 8's blind check (H-r7, run once after 43610ef), development since round 9
          "blind7": ROOT / "tests" / "data" / "rights_judged_7.jsonl",
          # round 9's blind check (H-r8, run once in round 9), development since round 10
          "blind8": ROOT / "tests" / "data" / "rights_judged_8.jsonl",
          # round 10's blind check (H-r9, run once in round 10), development since round 11
          "blind9": ROOT / "tests" / "data" / "rights_judged_9.jsonl",
          # round 11's and round 12's blind checks: read only with --blind, once the design
          # is final and committed, never used to choose anything
          "blind10": ROOT / "tests" / "data" / "rights_judged_10.jsonl",
          "blind11": ROOT / "tests" / "data" / "rights_judged_11.jsonl"}
# since round 11 the first nine sets are the development pool (every one has been looked at)
DEVELOPMENT = ("first", "new", "unseen", "blind4", "blind5", "blind6", "blind7", "blind8",
               "blind9")
STEPS = [round(x, 2) for x in np.arange(-1.0, 4.01, 0.25)]
# härledd values whose mean nDCG@10 is this close to the best tie (round 28: 0.25 had beaten
# 0.75 by 0.0001 while linking half as many pairs again; rights_eval_round28_agreement.txt)
TIE = 0.001
# round 6: the mix (lexical weight, sentences averaged, centring) and the bonus are fixed
FIXED_MIX = ((CHOSEN.lexical_weight, CHOSEN.top, CHOSEN.centre),)
# round 5 and before: chosen per fold among 30 mixes × 5 bonuses (--round5, --round4)
MIXES = list(itertools.product((0.0, 0.1, 0.2, 0.3, 0.5), (1, 2, 3), (False, True)))
BONUSES = (0.0, 0.5, 1.0, 2.0, 9.0)
# round 5's CHOSEN (chosen on 18 articles), for --round5
ROUND5 = Thresholds(lexical_weight=0.2, direct=2.25, contributes=1.0, inferred=1.5,
                    stated_bonus=0.5, top=3, centre=True)
# round 4's CHOSEN, for --round4 (the design before the articles' scope notes were used)
ROUND4 = Thresholds(lexical_weight=0.2, direct=1.75, contributes=0.75, inferred=1.5,
                    stated_bonus=0.5, top=3, centre=True)


@dataclass
class Case:
    """One judged article: grades, stated action keys, scored pairs per signal mix."""

    notation: str
    group: str  # "first", "new" (development) or "unseen" (judged before any run on it)
    grades: dict[str, int]  # action key "C-3" -> grade
    stated: set[str]
    pairs: dict[tuple, list[PairScore]]
    prefix: str  # action IRI = prefix + key

    def relevance(self, mix: tuple) -> list[tuple[float, str]]:
        """(relevance, action key) of every pair under one mix."""
        return [(p.relevance, p.action.removeprefix(self.prefix)) for p in self.pairs[mix]]


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
    pairs = case.pairs[(t.lexical_weight, t.top, t.centre)]
    stated = {(case.prefix + a, pairs[0].article) for a in case.stated}
    ranked = rank_supports(pairs, stated, dict.fromkeys((p.action for p in pairs), "r"),
                           set(), t)
    return [(s.action.removeprefix(case.prefix), s.support_class) for s in ranked]


def measure(case: Case, t: Thresholds) -> tuple[float, float]:
    """(nDCG@10, P@5) of the ranking under these settings."""
    ranked = [a for a, _ in ranking(case, t)]
    return ndcg(ranked, case.grades), precision(ranked, case.grades)


def f1(pairs: list[tuple[bool, bool]]) -> float:
    """F1 of (predicted, true) flags."""
    tp = sum(p and t for p, t in pairs)
    wrong = sum(p != t for p, t in pairs)
    return 2 * tp / (2 * tp + wrong) if tp else 0.0


def class_thresholds(cases: list[Case], mix: tuple) -> tuple[float, float, float]:
    """(direkt, bidrar, härledd) thresholds that best match the grades of these cases
    (härledd by F1, as round 5 chose it; round 6 re-chooses it by nDCG, see `choose`)."""
    unstated = [(r, c.grades[a] >= 2) for c in cases for r, a in c.relevance(mix)
                if a not in c.stated]
    stated = [(r, c.grades[a]) for c in cases for r, a in c.relevance(mix) if a in c.stated]
    inferred = max(STEPS, key=lambda x: (f1([(r >= x, g) for r, g in unstated]), x))
    contributes = max(STEPS, key=lambda x: (f1([(r < x, g == 0) for r, g in stated]), -x))
    supported = [(r, g) for r, g in stated if r >= contributes and g >= 1]
    direct = max(STEPS, key=lambda x: (np.mean([(r >= x) == (g == 3) for r, g in supported])
                                       if supported else 0.0, x))
    return direct, contributes, inferred


def mean_ndcg(cases: list[Case], t: Thresholds) -> float:
    """Mean nDCG@10 of these cases under t."""
    return float(np.mean([measure(c, t)[0] for c in cases]))


def choose(cases: list[Case], bonus: float = CHOSEN.stated_bonus) -> Thresholds:
    """Round 6: the fixed mix and bonus; bidrar and direkt by class agreement, härledd by
    the mean nDCG@10 (ties, within TIE, to the higher, stricter threshold)."""
    w, top, centre = FIXED_MIX[0]
    direct, contributes, _ = class_thresholds(cases, FIXED_MIX[0])
    t = Thresholds(w, direct, contributes, 0.0, bonus, top, centre)
    scores = {x: mean_ndcg(cases, replace(t, inferred=x)) for x in STEPS}
    top = max(scores.values())
    return replace(t, inferred=max(x for x, v in scores.items() if v >= top - TIE))


def choose_grid(cases: list[Case]) -> Thresholds:
    """Round 5 and before: the mix, thresholds (F1) and bonus that do best on these cases."""
    best, score = None, -1.0
    for w, top, centre in MIXES:
        direct, contributes, inferred = class_thresholds(cases, (w, top, centre))
        for bonus in BONUSES:
            t = Thresholds(w, direct, contributes, inferred, bonus, top, centre)
            mean = mean_ndcg(cases, t)
            if mean > score + 1e-9:
                best, score = t, mean
    return best


def passage_vectors(passages: list[dict], base: str, embedder: Embedder,
                    index: Path | None) -> dict:
    """Narrative passage IRI -> vector: from a built index when given (as ingest does), else
    embedded here with the same model and prompt."""
    narrative = [p for p in passages if p["kind"] == "narrative" and p.get("source")]
    if index is not None:
        loaded = SearchIndex.load(index)
        rows = {p["id"]: i for i, p in enumerate(loaded.passages)}
        return {base + p["id"]: loaded.dense.vector(rows[p["id"]]) for p in narrative}
    vectors = embedder.embed_passages([p["text"] for p in narrative], progress=True)
    return {base + p["id"]: v for p, v in zip(narrative, vectors, strict=True)}


@dataclass
class Inputs:
    """What the ranking sees on the 2025 report, and the judged rows."""

    rows: list[dict]  # judged rows, each with its set ("first" or "new")
    features: Features
    passages: list[dict]
    stated: set[tuple[str, str]]  # (action IRI, article IRI)
    by_notation: dict[str, str]  # "CRC 31" -> article IRI, procedural ones left out
    prefix: str  # action IRI = prefix + "C-3"
    embedder: Embedder
    base: str


def encoder_note(embedder: Embedder) -> str:
    """Which encoder embedded the vectors (the ranking depends on it)."""
    precision = getattr(embedder, "precision", "fp32")
    return f"{embedder.name} ({type(embedder).__name__}, {precision})"


def data_dir(given: str | Path | None = None, env: Mapping[str, str] | None = None) -> Path:
    """The data directory to measure: --data, else BOKSLUT_DATA, else web/settings' default
    under the repo root (not the current directory, where it would build a model of its own)."""
    env = os.environ if env is None else env
    if given is None and BY_NAME["data"].env not in env:
        return ROOT / BY_NAME["data"].default
    return Path(resolve({"data": given}, env)["data"]).resolve()


def ingested(data: Path) -> SearchIndex:
    """The search index ingest saved in `data`; else exit with a `fel:` message (the figures
    must come from the encoder ingest used there, never from a model built here for the run)."""
    try:
        return SearchIndex.load(index_dir(data))  # the live store generation's index
    except SearchIndexError:
        sys.exit(f"fel: {data} har inget användbart sökindex från bokslut ingest; kör "
                 f"`bokslut ingest --data {data}` först, eller ange --data / BOKSLUT_DATA")


def add_data_argument(parser: argparse.ArgumentParser) -> None:
    """--data DIR, shared by the rights benchmarks."""
    parser.add_argument("--data", default=None,
                        help="ingested data directory (default: BOKSLUT_DATA, else the repo "
                             "root's data/)")


def judged_rows(blind: bool = False) -> list[dict]:
    """The judged rows of the development sets (and of the blind sets when `blind`), each
    with its set's name; the blind sets' files are not even looked at otherwise."""
    if blind:
        missing = [f"{g}: {JUDGED[g]}" for g in JUDGED
                   if g not in DEVELOPMENT and not JUDGED[g].is_file()]
        if missing:
            raise FileNotFoundError(f"--blind needs every blind set; missing: "
                                    f"{'; '.join(missing)}")
    return [row for group in JUDGED if blind or group in DEVELOPMENT
            for row in rows_of(JUDGED[group], group)]


def rows_of(path: Path, group: str) -> list[dict]:
    """One judged file's rows, each with the set's name (sets 4 on open with comments)."""
    return [json.loads(line) | {"group": group}
            for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]


def load_inputs(scope: bool = True, data: Path | None = None, blind: bool = False,
                rows: list[dict] | None = None) -> Inputs:
    """The 2025 report's store, articles, stated links and features, as ingest builds them
    (without the scope notes' second query when `scope` is false: the round-4 design), with
    the encoder of the ingested data directory `data` (default: see `data_dir`); the blind
    set's rows only when `blind`; `rows` instead of either when given)."""
    data = data_dir() if data is None else data
    index_model = ingested(data).manifest["model"]
    rows = judged_rows(blind) if rows is None else rows
    settings = resolve({"data": data})
    base = settings["base_iri"]
    report = read_report(bundled_reports()[0])
    passages = [vars(p) for p in build_passages(report)]
    with tempfile.TemporaryDirectory() as tmp, rebuild(Path(tmp) / "store") as builder:
        for name, graph in project_graphs(base).items():
            builder.replace_graph(base + name, graph)
        builder.replace_graph(base + report_graph_id(report_key(report)),
                              report_graph(report, base))
        articles, procedural = store_articles(builder, base)
        articles = articles if scope else [replace(a, scope="") for a in articles]
        stated = {(str(r["action"]), str(r["article"])) for r in builder.select(STATED)}
    embedder = embedder_for(settings["embed_model"], str(data))
    if index_model != embedder.fingerprint:  # e.g. BOKSLUT_EMBED_MODEL names another model
        sys.exit(f"fel: {data} indexerades med {index_model}, men kodaren här är "
                 f"{embedder.fingerprint}")
    # as at ingest: every article, procedural ones included, is the centring background
    feats = features(articles, action_sentences(passages, base), embedder)
    return Inputs(rows, feats, passages, stated,
                  {a.notation: a.iri for a in articles if a.iri not in procedural},
                  base + report_key(report) + "/atgard/", embedder, base)


def load_cases(scope: bool = True, mixes: list = MIXES, data: Path | None = None,
               blind: bool = False, rows: list[dict] | None = None) -> tuple[list[Case], Inputs]:
    """Judged articles with scored pairs for every signal mix on the 2025 report."""
    inputs = load_inputs(scope, data, blind, rows)
    return judged_cases(inputs, {mix: mix_pairs(inputs, mix, data) for mix in mixes}), inputs


def mix_pairs(inputs: Inputs, mix: tuple, data: Path | None) -> list[PairScore]:
    """A signal mix's pairs; the deployed mix's as ingest ranks them, with the judged search
    questions' vouchers (web/pipeline/rights_vouchers.py, since round 28)."""
    pairs = pair_scores(inputs.features, *mix)
    if mix != FIXED_MIX[0]:
        return pairs
    folder = index_dir(data_dir() if data is None else data)
    naming = RightsSignal.load(folder)
    if naming is None:
        sys.exit(f"fel: {folder} har ingen rights.json (kör bokslut ingest)")
    return with_vouchers(pairs, inputs.passages, naming, inputs.base)


def judged_cases(inputs: Inputs, scored: dict[tuple, list[PairScore]]) -> list[Case]:
    """The judged articles as cases over these scored pairs (per signal mix)."""
    rows, prefix = inputs.rows, inputs.prefix
    cases = []
    for notation in dict.fromkeys(r["article"] for r in rows):
        iri = inputs.by_notation[notation]
        group = next(r["group"] for r in rows if r["article"] == notation)
        cases.append(Case(notation, group,
                          {r["action"]: r["grade"] for r in rows if r["article"] == notation},
                          {a.removeprefix(prefix) for a, art in inputs.stated if art == iri},
                          {mix: [p for p in pairs if p.article == iri]
                           for mix, pairs in scored.items()},
                          prefix))
    return cases


def expected(case: Case, action: str, grade: int) -> str | None:
    """The class a grade implies: stated 3 direkt, 1–2 bidrar, 0 via; unstated ≥ 2 härledd."""
    if action in case.stated:
        return "direkt" if grade == 3 else "bidrar" if grade >= 1 else "via målområdet"
    return "härledd" if grade >= 2 else None


def summary(out: TextIO, label: str, rows: list[tuple]) -> None:
    """Mean baseline and measured figures of some per-article rows."""
    mean = [float(np.mean([r[i] for r in rows])) for i in range(1, 5)]
    out.write(f"{label:34} {mean[0]:9.3f} {mean[1]:8.2f} {mean[2]:8.3f} {mean[3]:7.2f}\n")


def baseline(case: Case) -> tuple[float, float]:
    """(nDCG@10, P@5) of what the report states, in document order."""
    stated = sorted(case.stated, key=doc_order)
    return ndcg(stated, case.grades), precision(stated, case.grades)


CLASSES = ("direkt", "bidrar", "härledd", "via målområdet")


def links_summary(out: TextIO, answers: list[tuple[Case, list[tuple[str, str]]]]) -> None:
    """Per class the links and the share of them the judges graded >= 1 and >= 2, and the
    recall of the grade >= 2 pairs among all links (of any class)."""
    for cls in CLASSES:
        grades = [case.grades[a] for case, ranked in answers for a, c in ranked if c == cls]
        if grades:
            out.write(f"  {cls:15} {len(grades):4} links, grade >= 1: "
                      f"{np.mean([g >= 1 for g in grades]):.3f}, grade >= 2: "
                      f"{np.mean([g >= 2 for g in grades]):.3f}\n")
    relevant = [(case, a) for case, _ in answers for a, g in case.grades.items() if g >= 2]
    linked = {(case.notation, a) for case, ranked in answers for a, _ in ranked}
    found = sum((case.notation, a) in linked for case, a in relevant)
    out.write(f"  recall of the grade >= 2 pairs among the links: {found}/{len(relevant)} = "
              f"{found / max(len(relevant), 1):.3f}\n")


def relevant_mean(out: TextIO, label: str, rows: list[tuple], cases: list[Case]) -> None:
    """The means over the articles that have a relevant action (an article without one, a
    negative control such as CRC 22, scores 0 however it is ranked)."""
    kept = [r for r, c in zip(rows, cases, strict=True) if max(c.grades.values()) > 0]
    if len(kept) < len(rows):
        summary(out, f"{label}, {len(kept)} with a relevant action", kept)


def ceiling(out: TextIO, cases: list[Case]) -> None:
    """The best P@5 the grades allow: min(1, actions of grade >= 2 / 5), averaged."""
    best = [min(1.0, sum(g >= 2 for g in c.grades.values()) / 5) for c in cases]
    out.write(f"P@5 ceiling (min(1, grade >= 2 actions / 5), mean over the {len(cases)}): "
              f"{np.mean(best):.3f}\n")


def cross_validated(out, cases: list[Case], title: str, chooser=choose) -> None:
    """Leave-one-article-out over these articles, per article and per group."""
    out.write(f"{title}\n{'article':8} {'set':6} {'stated':>6} {'base nDCG':>9} "
              f"{'base P@5':>8} {'CV nDCG':>8} {'CV P@5':>7} {'härledd':>7}  chosen without it\n")
    rows, agree, hits, answers = [], [], [], []
    for i, case in enumerate(cases):
        t = chooser(cases[:i] + cases[i + 1:])
        n, p = measure(case, t)
        rows.append((case.group, *baseline(case), n, p))
        answers.append((case, ranking(case, t)))
        classes = dict(answers[-1][1])
        agree += [expected(case, a, g) == classes.get(a) for a, g in case.grades.items()
                  if a in case.stated or g >= 2 or a in classes]
        inferred = [a for a, c in classes.items() if c == "härledd"]
        hits += [case.grades[a] for a in inferred]
        out.write(f"{case.notation:8} {case.group:6} {len(case.stated):6} {rows[-1][1]:9.3f} "
                  f"{rows[-1][2]:8.2f} {n:8.3f} {p:7.2f} {len(inferred):7}  "
                  f"w={t.lexical_weight} top={t.top} centre={t.centre} "
                  f"bidrar≥{t.contributes} härledd≥{t.inferred} direkt≥{t.direct} "
                  f"bonus={t.stated_bonus}\n")
    out.write("\n")
    summary(out, f"mean, all {len(rows)} articles", rows)
    relevant_mean(out, "mean", rows, cases)
    for group in dict.fromkeys(r[0] for r in rows):
        summary(out, f"mean, {group} set", [r for r in rows if r[0] == group])
    out.write("Links of the held-out articles, per class:\n")
    links_summary(out, answers)
    out.write(f"Class agreement with the grades (held out): {np.mean(agree):.2f} over "
              f"{len(agree)} pairs; härledd links: {len(hits)}, of them grade ≥ 1: "
              f"{np.mean([g >= 1 for g in hits]):.2f}, grade ≥ 2: "
              f"{np.mean([g >= 2 for g in hits]):.2f}\n\n")


def deployed(out, cases: list[Case], chosen: Thresholds, title: str,
             per_article: bool = True) -> None:
    """Fixed settings on these articles, beside the report's own list (each article's line
    too unless `per_article` is false)."""
    out.write(f"{title}\n")
    rows = []
    for case in cases:
        rows.append((case.group, *baseline(case), *measure(case, chosen)))
        if per_article:
            out.write(f"{case.notation:8} {case.group:6} {len(case.stated):6} "
                      f"{rows[-1][1]:9.3f} {rows[-1][2]:8.2f} {rows[-1][3]:8.3f} "
                      f"{rows[-1][4]:7.2f}\n")
    summary(out, f"mean, {len(rows)} articles (base | fixed)", rows)
    relevant_mean(out, "mean", rows, cases)
    for group in dict.fromkeys(r[0] for r in rows):
        summary(out, f"mean, {group} set (base | fixed)", [r for r in rows if r[0] == group])
    out.write("Links per class:\n")
    links_summary(out, [(case, ranking(case, chosen)) for case in cases])
    out.write("\n")


def embedding_cost(out, inputs: Inputs) -> None:
    """Ingest's extra work: embedding the action sentences, against embedding the passages."""
    sentences = [s.text for s in inputs.features.sentences]
    passages = [p["text"] for p in inputs.passages]
    took = []
    for texts in (passages, sentences):
        start = time.perf_counter()
        inputs.embedder.embed_passages(texts)
        took.append(time.perf_counter() - start)
    out.write(f"Embedding cost at ingest (same run, this machine's load): the action sentences "
              f"({len(sentences)}) {took[1]:.1f} s, all {len(passages)} passages of the report "
              f"(what the search index embeds) {took[0]:.1f} s: {took[1] / took[0]:.2f}x\n\n")


def judged_file(path: Path, data: Path) -> None:
    """The deployed settings (CHOSEN) on one judged file, nothing chosen on it."""
    cases, inputs = load_cases(mixes=FIXED_MIX, data=data, rows=rows_of(path, "judged"))
    out = sys.stdout
    out.write(f"Judged file: {path} ({len(cases)} articles × 45 actions); model: "
              f"{encoder_note(inputs.embedder)}; deployed: {CHOSEN}\n")
    ceiling(out, cases)
    deployed(out, cases, CHOSEN, f"{'article':8} {'set':6} {'stated':>6} {'base nDCG':>9} "
                                 f"{'base P@5':>8} {'nDCG@10':>8} {'P@5':>7}")


def blind_sets(out, cases: list[Case], chosen: Thresholds) -> None:
    """Each blind set measured once with the deployed settings on its own, then all together."""
    groups = list(dict.fromkeys(c.group for c in cases))
    for group in groups:
        deployed(out, [c for c in cases if c.group == group], chosen,
                 f"Blind set {group}, measured once with the deployed settings")
    if len(groups) > 1:
        deployed(out, cases, chosen, f"Blind sets {' + '.join(groups)} together "
                 f"({len(cases)} articles), measured once with the deployed settings",
                 per_article=False)


def main() -> None:
    """Print the cross-validated figures on the development pool, then the blind check."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-timing", action="store_true",
                        help="skip measuring the embedding cost")
    parser.add_argument("--round5", action="store_true",
                        help="the round-5 design: mix, bonus and thresholds (F1) chosen per "
                             "fold on a grid, round 5's CHOSEN")
    parser.add_argument("--round4", action="store_true",
                        help="the round-4 design: as --round5 without the scope notes, "
                             "round 4's CHOSEN")
    parser.add_argument("--blind", action="store_true",
                        help="also read and measure the blind sets (rights_judged_10.jsonl "
                             "and rights_judged_11.jsonl), each and together: once, after "
                             "the design is final and committed")
    parser.add_argument("--judged", type=Path, default=None, metavar="FILE",
                        help="only measure the deployed settings on this judged file "
                             "(nDCG@10, P@5, links per class): e.g. a blind set, on a commit "
                             "and on its parent")
    add_data_argument(parser)
    args = parser.parse_args()
    if args.judged is not None:
        return judged_file(args.judged, data_dir(args.data))
    grid = args.round4 or args.round5
    try:
        cases, inputs = load_cases(scope=not args.round4, mixes=MIXES if grid else FIXED_MIX,
                                   data=data_dir(args.data), blind=args.blind)
    except FileNotFoundError as missing:  # a judged set or an input file of the data directory
        sys.exit(f"fel: {missing}")
    dev = [c for c in cases if c.group in DEVELOPMENT]
    blind = [c for c in cases if c.group not in DEVELOPMENT]
    chooser, chosen = (choose_grid, ROUND4 if args.round4 else ROUND5) if grid else (
        choose, CHOSEN)
    design = ("round 4: one query per article, no scope notes, grid per fold" if args.round4
              else "round 5: two queries per article, grid of mixes, F1 thresholds and bonuses "
                   "per fold" if args.round5
              else "round 6/7 (restored after round 8): two queries per article, fixed mix "
                   "and bonus, three thresholds per fold (härledd by nDCG)")
    out = sys.stdout
    out.write(f"Design: {design}\n")
    choices = (f"{len(MIXES)} signal mixes × thresholds × {len(BONUSES)} bonuses" if grid
               else "3 class thresholds")
    out.write(f"Model: {encoder_note(inputs.embedder)}; judged: {len(cases)} articles × 45 "
              f"actions ({len(dev)} development, {len(blind)} blind); chosen per fold: "
              f"{choices}\n\n")
    if not args.no_timing:
        embedding_cost(out, inputs)
    ceiling(out, dev)
    cross_validated(out, dev, f"Leave-one-article-out on the {len(dev)} development articles",
                    chooser)
    t = chooser(dev)
    t = replace(t, **{k: float(v) for k, v in vars(t).items() if isinstance(v, np.floating)})
    out.write(f"Chosen on all {len(dev)} (compare the deployed {chosen}):\n  {t}\n"
              f"  fitted, not cross-validated: nDCG@10 {mean_ndcg(dev, t):.3f}, "
              f"P@5 {np.mean([measure(c, t)[1] for c in dev]):.2f}\n\n")
    deployed(out, dev, chosen, "The deployed settings on the development articles (fitted)")
    if blind:
        blind_sets(out, blind, chosen)


if __name__ == "__main__":
    main()
