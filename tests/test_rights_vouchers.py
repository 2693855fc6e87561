"""Judged search questions as rights evidence (web/pipeline/rights_vouchers.py), on small inputs."""

from __future__ import annotations

import pytest

from search.index_store import text_key
from search.query_adapter import JudgedQuery
from web.pipeline.rights_score import PairScore
from web.pipeline.rights_text import Sentence
from web.pipeline.rights_vouchers import BETA, vouched, vouchers, with_vouchers

BASE = "https://w3id.org/bokslut/id/"
LEK, ARBETE = "rattighet/crc/31", "rattighet/udhr/23"
PASSAGES = [{"id": f"rapport/r/passage/L{n}", "text": f"Text {n} om insatsen."} for n in (1, 2, 3)]


class Naming:
    """Stands in for search's rights recognition: fixed articles per question text."""

    def __init__(self, named: dict[str, dict[str, float]]) -> None:
        self.answers = named

    def named(self, query: str) -> dict[str, float]:
        """The articles this question names, with a confidence."""
        return self.answers.get(query, {})


def pair(article: str, action: str, line: int, relevance: float = 0.5) -> PairScore:
    """A pair whose evidence sentence comes from passage L{line}."""
    passage = BASE + f"rapport/r/passage/L{line}"
    return PairScore(BASE + article, BASE + action, relevance,
                     Sentence(BASE + action, passage, 3, f"Mening ur L{line}."), 1.7)


def question(text: str, grades: dict[int, int], stale: tuple[int, ...] = ()) -> JudgedQuery:
    """A judged question grading passages L{n}, with the hash of their text (a wrong one
    for the lines in `stale`: the text was judged before the report changed)."""
    ids = {n: f"rapport/r/passage/L{n}" for n in grades}
    return JudgedQuery(text, {ids[n]: g for n, g in grades.items()},
                       {ids[n]: "0" * 16 if n in stale else text_key(PASSAGES[n - 1])
                        for n in grades})


PAIRS = [pair(LEK, "atgard/C-1", 1), pair(LEK, "atgard/C-2", 2), pair(ARBETE, "atgard/C-1", 1)]


def test_a_question_vouches_only_where_its_graded_passage_holds_the_evidence_sentence() -> None:
    naming = Naming({"barns rätt till lek": {LEK: 0.9}})
    # L1 holds C-1's evidence for CRC 31; L3 (say, another of C-1's passages) holds no
    # evidence sentence of any pair, so its grade vouches for nothing
    q = vouchers(PAIRS, PASSAGES, naming, BASE,
                 [question("barns rätt till lek", {1: 2, 3: 3})])
    assert q == {(BASE + LEK, BASE + "atgard/C-1"): pytest.approx(0.9 * 2 / 3)}


def test_only_the_named_article_gains_and_the_best_question_counts() -> None:
    naming = Naming({"lek": {LEK: 0.5}, "lek och fritid": {LEK: 1.0}})
    q = vouchers(PAIRS, PASSAGES, naming, BASE,
                 [question("lek", {1: 3}), question("lek och fritid", {1: 1})])
    assert q == {(BASE + LEK, BASE + "atgard/C-1"): pytest.approx(0.5)}  # max(0.5, 1/3)
    assert (BASE + ARBETE, BASE + "atgard/C-1") not in q  # the same passage, another article


def test_a_judgement_of_a_changed_text_vouches_for_nothing() -> None:
    naming = Naming({"lek": {LEK: 1.0}})
    assert vouchers(PAIRS, PASSAGES, naming, BASE, [question("lek", {2: 3}, stale=(2,))]) == {}


def test_the_relevance_gains_beta_times_the_voucher_and_nothing_else_changes() -> None:
    strength = {(BASE + LEK, BASE + "atgard/C-2"): 0.5}
    out = vouched(PAIRS, strength, beta=2.0)
    assert [p.relevance for p in out] == [0.5, pytest.approx(1.5), 0.5]
    assert [(p.article, p.action, p.sentence, p.general) for p in out] == [
        (p.article, p.action, p.sentence, p.general) for p in PAIRS]


def test_production_lifts_a_vouched_action_above_an_unvouched_better_one() -> None:
    pairs = [pair(LEK, "atgard/C-1", 1, relevance=1.2), pair(LEK, "atgard/C-2", 2, 0.4)]
    naming = Naming({"var kan barn leka": {LEK: 1.0}})
    out = with_vouchers(pairs, PASSAGES, naming, BASE, [question("var kan barn leka", {2: 3})])
    assert out[1].relevance == pytest.approx(0.4 + BETA) and out[1].relevance > out[0].relevance
    assert with_vouchers(pairs, PASSAGES, naming, BASE, []) == pairs  # no questions, no change


def test_another_years_passage_of_the_same_text_gets_the_same_voucher() -> None:
    again = {"id": "rapport/r2/passage/L9", "text": PASSAGES[0]["text"]}  # L1 word for word
    later = PairScore(BASE + LEK, BASE + "rapport/r2/atgard/C-1", 0.5,
                      Sentence(BASE + "rapport/r2/atgard/C-1", BASE + again["id"], 3, "M."), 1.7)
    naming = Naming({"lek": {LEK: 1.0}})
    q = vouchers([*PAIRS, later], [*PASSAGES, again], naming, BASE, [question("lek", {1: 3})])
    assert q[(BASE + LEK, BASE + "atgard/C-1")] == q[(BASE + LEK, later.action)] == 1.0
