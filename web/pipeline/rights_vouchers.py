"""Judged search questions as evidence for the rights ranking (round 28, "QV3").

The search pool's judged questions (search/adapter_queries.jsonl: written and graded by readers
of the report, never part of a reported evaluation) that name a rights article, as search's
rights recognition reads them (RightsSignal.named), vouch for an action when the passage they
grade holds the action's own evidence sentence for that article: the reader's grade and the
model's reading point at the same text. A voucher's strength is the question's confidence that
it names the article × the passage's grade / 3; a pair's relevance gains BETA × its best
voucher. Its general value (the härledd floor) and its evidence sentence stay as they were.

A judgement follows its text, not its source line (search/held_texts.py): every passage that
holds a judged text gets its grade, so another year's report repeating a graded passage word
for word is ranked alike; a passage whose text no question graded gets no voucher.

Measured before it was built, with the rule written first:
benchmarks/results/rights_eval_round28_agreement.txt (both development judges by nested
leave-one-article-out, then the blind judge: nDCG@10 0.743 -> 0.793, P@5 held; as deployed,
with härledd's line kept at 0.75, 0.781).
"""

from __future__ import annotations

from search.held_texts import HeldTexts, held_judgements
from search.query_adapter import JudgedQuery, load_judged
from search.rights_signal import RightsSignal
from web.pipeline.rights_score import PairScore

BETA = 2.0  # chosen in every fold of the nested cross-validation (grid 0.5, 1, 2: its edge)
Pair = tuple[str, str]  # (article IRI, action IRI)


def vouchers(pairs: list[PairScore], passages: list[dict], naming: RightsSignal,
             base: str, judged: list[JudgedQuery]) -> dict[Pair, float]:
    """(article, action) -> the best confidence × grade / 3 of a judged question naming the
    article that grades the passage holding the action's evidence sentence for it."""
    evidence = {(p.article, p.sentence.passage): p.action for p in pairs}
    held = HeldTexts(passages)
    judgements = held_judgements(held, judged)[0]
    twins = held.twins({pid for _, pid, _, _ in judgements})
    named: dict[str, dict[str, float]] = {}
    out: dict[Pair, float] = {}
    for question, pid, grade, _ in judgements:
        if question.text not in named:
            named[question.text] = naming.named(question.text)
        for article, confidence in named[question.text].items():
            # the grade is the text's: every passage holding it (another year's) gets it too
            for holder in (pid, *twins.get(pid, ())):
                action = evidence.get((base + article, base + holder))
                if action is not None:
                    key = (base + article, action)
                    out[key] = max(out.get(key, 0.0), confidence * grade / 3)
    return out


def vouched(pairs: list[PairScore], strength: dict[Pair, float],
            beta: float = BETA) -> list[PairScore]:
    """The pairs with beta × their voucher added to their relevance (the rest unchanged)."""
    return [PairScore(p.article, p.action,
                      p.relevance + beta * strength.get((p.article, p.action), 0.0),
                      p.sentence, p.general) for p in pairs]


def with_vouchers(pairs: list[PairScore], passages: list[dict], naming: RightsSignal,
                  base: str, judged: list[JudgedQuery] | None = None) -> list[PairScore]:
    """The pairs as ranked in production: vouched by the bundled judged questions (default
    search/adapter_queries.jsonl)."""
    judged = load_judged() if judged is None else judged
    return vouched(pairs, vouchers(pairs, passages, naming, base, judged))
