"""The clause's margin (hybrid minus the better single mode) and its bootstrap interval."""

from __future__ import annotations

import pytest

from search.eval_margin import format_margins, margin, margins
from search.eval_report import summarise


def part(figures: list[tuple[str, float, float, float]]) -> dict[str, dict]:
    """A run_part()-shaped result from (type, hybrid, bm25, dense) per query."""
    columns = {"hybrid": 1, "bm25": 2, "dense": 3}
    return {name: summarise([{"id": f"q{i}", "type": row[0], "ndcg": row[col], "recall": 0.0,
                              "mrr": 0.0} for i, row in enumerate(figures)], 10)
            for name, col in columns.items()}


def test_a_clear_lead_has_an_interval_above_zero() -> None:
    result = part([("paraphrase", 0.9 + 0.01 * i, 0.2, 0.5 + 0.02 * i) for i in range(10)])
    m = margin(result, "paraphrase")
    assert m is not None and m.side == "dense"
    assert m.margin == pytest.approx(0.4 - 0.01 * 4.5)
    assert 0 < m.low <= m.margin <= m.high and m.share_ahead == 1.0


def test_a_one_rank_difference_on_a_dozen_queries_spans_zero() -> None:
    # the held-out indicator case in miniature: equal on most queries, each side ahead on some
    rows = [("indicator", 1.0, 0.9, 1.0)] * 8 + [
        ("indicator", 0.57, 0.34, 0.68), ("indicator", 0.51, 0.32, 0.61),
        ("indicator", 0.99, 0.95, 0.97), ("indicator", 1.0, 0.86, 0.86),
        ("indicator", 0.96, 0.92, 0.92)]
    m = margin(part(rows), "indicator")
    assert m is not None and m.margin == pytest.approx(-0.001, abs=0.0005)
    assert m.low < 0 < m.high and 0.2 < m.share_ahead < 0.8


def test_the_better_side_is_chosen_per_type_and_resampling_is_repeatable() -> None:
    result = part([("typo", 0.9, 0.8, 0.3)] * 5 + [("english", 0.8, 0.1, 0.7)] * 5)
    found = margins(result)
    assert found["typo"].side == "bm25" and found["english"].side == "dense"
    assert set(found) == {"all", "typo", "english"}
    assert margin(result, None) == margin(result, None)
    assert margin(result, "nothing") is None


def test_the_printed_block_names_each_part_and_type() -> None:
    text = format_margins({"held-out": part([("typo", 0.9, 0.8, 0.3)] * 4)})
    assert "held-out:" in text and "typo" in text and "bm25 0.800" in text
    assert "+0.100" in text and "1.00" in text
