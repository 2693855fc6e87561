"""Classes and rank order of the actions supporting one article, from their relevance.

Classes (bk:SupportClasses in the vocabulary):
  direkt          the report states the right and the action's text is about it
  bidrar          the report states it and the text clearly contributes
  härledd         the report does not state it, but the text is about it: among the
                  actions closest to the article, and clearly close on the scale shared by all
                  articles (`floor`), meant to give an article the report has nothing on
                  no link (CRC 22 still gets 9, see benchmarks/results/rights_eval.txt)
  via målområdet  the report states it only through the målområde; the text gives no support
Rank order: every action the text supports (direkt, bidrar, härledd) by relevance, the
report's own statement adding `stated_bonus`; then the via målområdet ones, by relevance.
The thresholds were chosen by leave-one-article-out cross-validation on the 35 hand-judged
articles (tests/data/rights_judged.jsonl, _2 … _5) and are the same chosen on the 42 with _6
the 49 with _7, the 56 with _8 and the 63 with _9 (set 9, round 10's blind set, is development
since round 11); rights_judged_10.jsonl is the blind set; see benchmarks/rights_eval.py and
benchmarks/results/rights_eval.txt.
"""

from __future__ import annotations

from dataclasses import dataclass

from web.pipeline.rights_score import PairScore
from web.pipeline.rights_text import Sentence

DIRECT, CONTRIBUTES, INFERRED, VIA_GOAL_AREA = "direkt", "bidrar", "härledd", "via målområdet"
CLASS_ORDER = (DIRECT, CONTRIBUTES, INFERRED, VIA_GOAL_AREA)


@dataclass(frozen=True)
class Thresholds:
    """The signal mix and where the classes begin, on the per-article relevance scale."""

    lexical_weight: float  # share of the lexical signal in the relevance
    direct: float  # stated and at least this -> direkt
    contributes: float  # stated and at least this -> bidrar, else via målområdet
    inferred: float  # not stated and at least this -> härledd, else no link
    stated_bonus: float = 0.0  # added to a stated action's relevance when ranking
    top: int = 2  # best sentences averaged into a pair's relevance
    centre: bool = True  # subtract each sentence's mean over all articles
    # härledd also needs this general relevance (one standard deviation above the mean pair
    # of the run), meant to give an article the report never touches no link however its
    # actions rank among themselves (CRC 22 still gets 9, see benchmarks/results/rights_eval.txt).
    # Fixed by hand, not in the cross-validation: on the 29 judged
    # articles 1.0 scores as no floor at all (CV nDCG@10 0.791 against 0.788; 1.5: 0.763)
    floor: float = 1.0


# The mix and the bonus are fixed (round 5's, no longer chosen per fold: that grid fitted its
# 18 articles and not the blind ones); the three thresholds are what benchmarks/rights_eval.py
# selects on the 29 judged articles, whose reported figures are cross-validated (chosen
# without the article measured). härledd is chosen by nDCG@10 since round 6 (1.5 -> 0.75, the
# same in every fold): round 5's F1 choice gave an article the report never states one or two
# actions; now about seven, of which half have some support in the judges' eyes (grade ≥ 1).
# Round 7 re-chose them on 35 articles (the same values) and kept the design: none of 30
# alternatives (benchmarks/results/rights_eval_round7_choices.txt) raised CV nDCG@10 by 0.01.
# Round 8 shipped a learned combination (bidrar 1.25) that won on the 42 development articles
# but lost on blind set 7 (0.774 against this design's 0.826), so this design was restored
# (benchmarks/results/rights_eval_round8_choices.txt).
# Round 9: on the pool of 49 articles LOAO 0.769 / P@5 0.43 with these thresholds unchanged; the
# round-9 gate was withdrawn after blind set 8 (benchmarks/results/rights_eval_round9_choices.txt).
# Round 10: pool of 56, LOAO 0.742 / 0.40; the search engine's view as a second evidence won on it
# (0.765) and lost on blind set 9 (0.595 -> 0.558), so it was withdrawn
# (benchmarks/results/rights_eval_round10_choices.txt).
# Round 11: pool of 63, LOAO 0.726 / 0.37, the same thresholds in every fold; a learned logistic
# ranker over these signals and the stated flag reached 0.731 at best, under its +0.015 bar, and
# was not adopted (code and run: bb311bb, benchmarks/results/rights_eval_round11_choices.txt).
# Round 28: the relevance now includes the judged search questions' vouchers
# (web/pipeline/rights_vouchers.py), which raise the pairs they reach; re-chosen by the same
# procedure on the 63 under it, direkt moved 2.5 -> 3.75 (bidrar and härledd unchanged; härledd
# by nDCG@10 with ties within 0.001 to the stricter value: 0.25 had won by 0.0001 while linking
# half as many pairs again). Nested LOAO 0.7258 -> 0.7444 (judge 1), blind judge 0.743 -> 0.793
# (benchmarks/results/rights_eval_round28_agreement.txt).
CHOSEN = Thresholds(lexical_weight=0.2, direct=3.75, contributes=1.0, inferred=0.75,
                    stated_bonus=0.5, top=3, centre=True)


@dataclass(frozen=True)
class RankedSupport:
    """One action in the answer for one article."""

    article: str
    action: str
    report: str
    rank: int
    support_class: str
    relevance: float
    sentence: Sentence


def classify(relevance: float, stated: bool, t: Thresholds,
             general: float = float("inf")) -> str | None:
    """The pair's class, or None when it is neither stated nor supported by the text."""
    if stated:
        if relevance >= t.direct:
            return DIRECT
        return CONTRIBUTES if relevance >= t.contributes else VIA_GOAL_AREA
    return INFERRED if relevance >= t.inferred and general >= t.floor else None


def rank_supports(pairs: list[PairScore], stated: set[tuple[str, str]],
                  report_of: dict[str, str], excluded: set[str],
                  t: Thresholds = CHOSEN) -> list[RankedSupport]:
    """Every linked pair, ranked per (article, report); excluded articles get nothing."""
    groups: dict[tuple[str, str], list[tuple[bool, float, PairScore, str]]] = {}
    for pair in pairs:
        if pair.article in excluded:
            continue
        is_stated = (pair.action, pair.article) in stated
        cls = classify(pair.relevance, is_stated, t, pair.general)
        if cls is not None:
            key = (pair.article, report_of[pair.action])
            groups.setdefault(key, []).append(
                (cls == VIA_GOAL_AREA, -(pair.relevance + t.stated_bonus * is_stated), pair, cls))
    out = []
    for (article, report), items in sorted(groups.items()):
        items.sort(key=lambda item: (item[0], item[1], item[2].action))
        for rank, (_, _, pair, cls) in enumerate(items, 1):
            out.append(RankedSupport(article, pair.action, report, rank, cls,
                                     round(pair.relevance, 3), pair.sentence))
    return out
