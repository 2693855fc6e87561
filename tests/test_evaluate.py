"""Retrieval metrics on hand-computed examples, dev-set loading, and the real dev set."""

from __future__ import annotations

import json
import math
from collections import Counter
from pathlib import Path

import pytest

from corpus.passages import Passage, build_passages
from corpus.reader import read_report
from search.evaluate import (
    QUERY_TYPES,
    DevQuery,
    DevSetError,
    dcg,
    dump_dev_set,
    evaluate,
    format_summary,
    load_dev_set,
    mrr,
    ndcg_at_k,
    recall_at_k,
    remap_ids,
    validate_ids,
)
from web.cli.search import LAST_PART

DATA = Path(__file__).resolve().parent / "data"
TUNE, HELDOUT = DATA / "search_tune.jsonl", DATA / "search_heldout.jsonl"
# The blind parts in the order they were written, each checked against all before it (each file's
# header says its round and use; web/cli/search.py's LAST_PART comment how each served): round 19
# wrote 31 and 32 before 30, round 20 wrote 38 before 36 and 37. A new part joins by LAST_PART.
WRITING_ORDER = (*range(2, 30), 31, 32, 30, 33, 34, 35, 38, 36, 37, *range(39, LAST_PART + 1))
LATER_PARTS = tuple(DATA / f"search_heldout{n}.jsonl" for n in WRITING_ORDER)
REPORT = (Path(__file__).resolve().parents[1] / "corpus" / "reports"
          / "sodertalje-bokslut-social-hallbarhet-2025.txt")
JUDGED = {"a": 3, "b": 2, "c": 1}


# ---------------------------------------------------------------- nDCG


def test_perfect_ranking_has_ndcg_one() -> None:
    assert ndcg_at_k(["a", "b", "c", "x"], JUDGED) == pytest.approx(1.0)


def test_dcg_known_value() -> None:
    # gains 7, 3, 1 at ranks 1..3: 7/1 + 3/log2(3) + 1/2
    assert dcg([3, 2, 1]) == pytest.approx(7 + 3 / math.log2(3) + 0.5)
    assert dcg([]) == 0.0


def test_ndcg_hand_computed() -> None:
    # ranking c, x, a: (1/1 + 0 + 7/2) / (7 + 3/log2(3) + 1/2)
    expected = (1 + 7 / 2) / (7 + 3 / math.log2(3) + 0.5)
    assert ndcg_at_k(["c", "x", "a"], JUDGED) == pytest.approx(expected)
    assert expected == pytest.approx(0.4791, abs=1e-4)


def test_ndcg_cutoff_and_ideal_from_judgments() -> None:
    # k=1: only 'b' counts (gain 3); the ideal at k=1 is 'a' (gain 7)
    assert ndcg_at_k(["b", "a"], JUDGED, k=1) == pytest.approx(3 / 7)
    # a relevant passage the system never returned still lowers the score
    assert ndcg_at_k(["a"], JUDGED) < 1.0


def test_ndcg_edge_cases() -> None:
    assert ndcg_at_k([], JUDGED) == 0.0
    assert ndcg_at_k(["x", "y"], JUDGED) == 0.0
    assert ndcg_at_k(["a"], {}) == 0.0
    # a repeated id is counted once, at its first position
    assert ndcg_at_k(["a", "a", "a"], {"a": 3}) == pytest.approx(1.0)
    assert ndcg_at_k(["x", "a", "a"], {"a": 3, "b": 3}) == pytest.approx(
        (7 / math.log2(3)) / (7 + 7 / math.log2(3)))
    with pytest.raises(ValueError):
        ndcg_at_k(["a"], JUDGED, k=0)


# ---------------------------------------------------------------- recall and MRR


def test_recall_counts_only_grade_two_and_up() -> None:
    assert recall_at_k(["a", "b"], JUDGED) == pytest.approx(1.0)  # 'c' is grade 1
    assert recall_at_k(["a", "c"], JUDGED) == pytest.approx(0.5)
    assert recall_at_k(["c", "x"], JUDGED) == 0.0
    assert recall_at_k(["c"], JUDGED, min_grade=1) == pytest.approx(1 / 3)


def test_recall_denominator_is_capped_at_k() -> None:
    judged = {f"p{i}": 2 for i in range(5)}
    assert recall_at_k(["p0", "p1"], judged, k=2) == pytest.approx(1.0)
    assert recall_at_k(["p0", "x"], judged, k=2) == pytest.approx(0.5)
    assert recall_at_k(["p0"], {"p0": 1}) == 0.0  # nothing with grade >= 2


def test_mrr_first_passage_with_grade_two() -> None:
    assert mrr(["a"], JUDGED) == 1.0
    assert mrr(["c", "x", "b"], JUDGED) == pytest.approx(1 / 3)  # 'c' is only grade 1
    assert mrr(["x", "y"], JUDGED) == 0.0
    assert mrr(["x", "y", "a"], JUDGED, k=2) == 0.0


# ---------------------------------------------------------------- evaluate


def test_evaluate_means_rows_and_types() -> None:
    dev = [
        DevQuery("q1", "första", "paraphrase", {"a": 3, "b": 2}),
        DevQuery("q2", "andra", "english", {"c": 3}),
    ]
    rankings = {"första": ["a", "b"], "andra": ["x", "c"]}
    calls: list[tuple[str, int]] = []

    def search(query: str, k: int) -> list[str]:
        calls.append((query, k))
        return rankings[query]

    result = evaluate(search, dev, k=5)
    assert calls == [("första", 5), ("andra", 5)]
    assert result["k"] == 5 and result["queries"] == 2
    assert result["mrr"] == pytest.approx((1 + 0.5) / 2)
    assert result["recall"] == pytest.approx(1.0)
    assert result["ndcg"] == pytest.approx((1 + 1 / math.log2(3)) / 2)
    assert result["by_type"]["english"]["mrr"] == pytest.approx(0.5)
    first, second = result["rows"]
    assert first["id"] == "q1" and first["missed"] == []
    assert second["retrieved"] == ["x", "c"]
    assert "all" in format_summary(result) and "english" in format_summary(result)


def test_evaluate_truncates_and_reports_missed() -> None:
    dev = [DevQuery("q1", "q", "typo", {"a": 3, "b": 2, "c": 1})]
    result = evaluate(lambda query, k: ["x", "y", "b", "a"], dev, k=2)
    row = result["rows"][0]
    assert row["retrieved"] == ["x", "y"]
    assert row["missed"] == ["a", "b"]  # highest grade first; grade-1 'c' not listed
    assert result["ndcg"] == result["recall"] == result["mrr"] == 0.0


# ---------------------------------------------------------------- loading


def _write(tmp_path: Path, *rows: object) -> Path:
    path = tmp_path / "dev.jsonl"
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n",
                    encoding="utf-8")
    return path


GOOD = {"id": "q1", "query": "hjälpfond", "type": "initiative", "relevant": {"p/1": 3}}


def test_load_good_file_skips_blank_lines(tmp_path: Path) -> None:
    path = _write(tmp_path, GOOD, "", {**GOOD, "id": "q2", "note": "why"})
    dev = load_dev_set(path)
    assert [q.id for q in dev] == ["q1", "q2"]
    assert dev[0].relevant == {"p/1": 3} and dev[1].note == "why"


@pytest.mark.parametrize(("bad", "message"), [
    ("{not json", "invalid JSON"),
    ("[1, 2]", "expected a JSON object"),
    ({**GOOD, "grade": 3}, "unknown field(s) 'grade'"),
    ({k: v for k, v in GOOD.items() if k != "query"}, "missing field(s) 'query'"),
    ({**GOOD, "query": "  "}, "'query' must be a non-empty string"),
    ({**GOOD, "type": "englsh"}, "unknown type 'englsh'"),
    ({**GOOD, "relevant": {}}, "non-empty object"),
    ({**GOOD, "relevant": ["p/1"]}, "non-empty object"),
    ({**GOOD, "relevant": {"p/1": 4}}, "integer 1-3"),
    ({**GOOD, "relevant": {"p/1": "3"}}, "integer 1-3"),
    ({**GOOD, "relevant": {"p/1": True}}, "integer 1-3"),
    ({**GOOD, "relevant": {"p/1": 2}}, "no passage has grade 3"),
    ({**GOOD, "note": 5}, "'note' must be a string"),
])
def test_load_errors_name_the_line(tmp_path: Path, bad: object, message: str) -> None:
    path = _write(tmp_path, GOOD, bad)
    with pytest.raises(DevSetError) as err:
        load_dev_set(path)
    assert f"{path}:2:" in str(err.value)
    assert message in str(err.value)


def test_load_rejects_duplicate_ids_and_empty_file(tmp_path: Path) -> None:
    with pytest.raises(DevSetError, match=r":2: duplicate query id 'q1' \(first on line 1\)"):
        load_dev_set(_write(tmp_path, GOOD, GOOD))
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n", encoding="utf-8")
    with pytest.raises(DevSetError, match="no queries"):
        load_dev_set(empty)


def test_validate_ids_reports_unknown_by_query() -> None:
    dev = [DevQuery("q1", "x", "typo", {"a": 3, "zz": 1}), DevQuery("q2", "y", "typo", {"b": 3})]
    assert validate_ids(dev, ["a", "b"]) == {"q1": ["zz"]}
    assert validate_ids(dev, ["a", "b", "zz"]) == {}


def test_dump_then_load_round_trips(tmp_path: Path) -> None:
    dev = [DevQuery("q1", "hjälpfond", "typo", {"p/1": 3, "p/2": 1}, "note"),
           DevQuery("q2", "Pax", "initiative", {"p/3": 3})]
    path = tmp_path / "out.jsonl"
    dump_dev_set(dev, path)
    assert load_dev_set(path) == dev
    assert "hjälpfond" in path.read_text(encoding="utf-8")  # not \\u-escaped


def test_remap_ids_follows_text_after_a_split() -> None:
    old = {"p/1": "Alfa beta gamma.", "p/2": "Delta epsilon zeta eta.", "p/3": "Theta iota."}
    # the second passage was split in two, so every later id moved up by one
    new = {"p/1": "Alfa beta gamma.", "p/2": "Delta epsilon zeta", "p/3": "eta.",
           "p/4": "Theta iota."}
    dev = [DevQuery("q1", "x", "typo", {"p/3": 3, "p/2": 2}),
           DevQuery("q2", "y", "typo", {"p/1": 3, "p/3": 1})]
    remapped, mapping = remap_ids(dev, old, new)
    assert remapped[0].relevant == {"p/4": 3, "p/2": 2}
    assert remapped[1].relevant == {"p/1": 3, "p/4": 1}
    assert mapping["p/3"] == ("p/4", 1.0) and mapping["p/1"] == ("p/1", 1.0)
    assert mapping["p/2"] == ("p/2", pytest.approx(0.75))


def test_remap_ids_keeps_the_higher_grade_on_a_merge() -> None:
    old = {"p/1": "Alfa beta.", "p/2": "Gamma delta."}
    new = {"p/1": "Alfa beta. Gamma delta."}
    dev = [DevQuery("q1", "x", "typo", {"p/1": 1, "p/2": 3})]
    remapped, _ = remap_ids(dev, old, new)
    assert remapped[0].relevant == {"p/1": 3}


# ---------------------------------------------------------------- the real dev set

PASSAGE = "rapport/sodertalje-2025/passage/"
# Distinctive text of judged passages from the start to the end of the report. Passage ids
# are anchored on source lines, so an edit to the report or to how paragraphs are chunked
# can move an id onto other text while the id itself still exists; these catch that.
# Fix the dev set with search.evaluate.remap_ids (old and new passage texts by id).
ANCHORS = {
    "L64": "barnets röst",
    "L110": "social hjälpfond",
    "L135": "Signs of Safety",
    "L249": "kompetenshöjande insatser i matematik",
    "L298": "Tom Tits",
    "L440": "Europaparlamentsvalet",
    "L548": "Bostad först",
    "L559": "Trångboddhet",
    "L583": "Hovsjö",
    "L718": "röker dagligen",
    "L790": "Grannsamverkan",
    "L800": "Rätt kurva",
    "L880": "misshandelsbrott mot kvinna",
}


@pytest.fixture(scope="module")
def dev_set() -> list[DevQuery]:
    """Every part: the tuning set and the twenty held-out sets."""
    return [query for path in (TUNE, HELDOUT, *LATER_PARTS) for query in load_dev_set(path)]


def test_tuning_and_held_out_parts_are_disjoint() -> None:
    tune, held = load_dev_set(TUNE), load_dev_set(HELDOUT)
    assert not {q.id for q in tune} & {q.id for q in held}
    assert not {q.query.casefold() for q in tune} & {q.query.casefold() for q in held}
    earlier = tune + held
    # each later blind part shares no id and no query with any part written before it
    for path in LATER_PARTS:
        part = load_dev_set(path)
        assert not {q.id for q in part} & {q.id for q in earlier}, path.name
        assert not ({q.query.casefold() for q in part}
                    & {q.query.casefold() for q in earlier}), path.name
        assert len(part) >= 40, path.name
        earlier = earlier + part
    assert len(held) >= 60 + 25  # 60+ new blind queries and a third of the original ones
    for part in (tune, held):  # the split is stratified: every type on both sides
        assert {q.type for q in part} == {q.type for q in tune + held}


def test_comment_lines_are_skipped(tmp_path: Path) -> None:
    path = _write(tmp_path, "# a header", GOOD, "  # indented too")
    assert [q.id for q in load_dev_set(path)] == ["q1"]


@pytest.fixture(scope="module")
def passages() -> dict[str, Passage]:
    """The real report's passages by id."""
    return {p.id: p for p in build_passages(read_report(REPORT))}


def test_dev_set_ids_exist_in_the_report(dev_set: list[DevQuery],
                                         passages: dict[str, Passage]) -> None:
    assert validate_ids(dev_set, passages) == {}


def test_judged_passages_still_say_what_they_said(dev_set: list[DevQuery],
                                                 passages: dict[str, Passage]) -> None:
    judged = {pid for q in dev_set for pid in q.relevant}
    for anchor, phrase in ANCHORS.items():
        pid = f"{PASSAGE}{anchor}"
        assert pid in judged, pid
        assert phrase.casefold() in passages[pid].text.casefold(), (
            f"{pid} no longer contains {phrase!r}: passage ids moved, "
            "remap tests/data/search_*.jsonl with search.evaluate.remap_ids")


def test_dev_set_size_and_grades(dev_set: list[DevQuery]) -> None:
    assert len(dev_set) >= 40
    assert all(3 in q.relevant.values() for q in dev_set)
    assert len({q.query.casefold() for q in dev_set}) == len(dev_set)


def test_dev_set_covers_every_query_type(dev_set: list[DevQuery]) -> None:
    counts = Counter(q.type for q in dev_set)
    required = {"paraphrase", "initiative", "rights", "english", "typo", "compound", "indicator"}
    assert required <= set(counts) <= QUERY_TYPES
    assert min(counts[t] for t in required) >= 5


def test_indicator_queries_point_at_indicator_passages(
        dev_set: list[DevQuery], passages: dict[str, Passage]) -> None:
    for query in dev_set:
        if query.type == "indicator":
            best = [pid for pid, g in query.relevant.items() if g == 3]
            assert any(passages[pid].kind == "indicator" for pid in best), query.id


def test_the_reported_parts_are_bundled_and_the_rest_is_the_pool() -> None:
    from web.cli.search import REPORTED_PARTS, default_dev_sets

    parts = default_dev_sets()
    assert all(path.exists() for path in parts.values())
    pool = set(parts) - set(REPORTED_PARTS)
    assert set(REPORTED_PARTS) <= set(parts)
    # 13 since round 14, 14-29 since round 19 (MX: their judged queries joined the memory)
    assert pool == {"tuning", *(f"held-out {n}" for n in range(2, 30))}
    assert REPORTED_PARTS == ("held-out", "held-out 30", "held-out 31", "held-out 32",
                              "held-out 33", "held-out 34", "held-out 35",  # round 19's
                              "held-out 36", "held-out 37", "held-out 38",  # round 20's
                              "held-out 39", "held-out 40", "held-out 41",  # round 21's
                              "held-out 42", "held-out 43", "held-out 44",  # round 22's
                              "held-out 45", "held-out 46",  # round 23's
                              "held-out 47", "held-out 48", "held-out 49",
                              "held-out 50", "held-out 51", "held-out 52",  # round 24's
                              "held-out 53", "held-out 54", "held-out 55",
                              "held-out 56",  # round 25's
                              "held-out 57", "held-out 58", "held-out 59",
                              "held-out 60", "held-out 61", "held-out 62",  # round 26's
                              "held-out 63", "held-out 64", "held-out 65",
                              "held-out 66", "held-out 67", "held-out 68",  # round 27's
                              "held-out 69", "held-out 70", "held-out 71",
                              "held-out 72",  # round 28's
                              "held-out 73", "held-out 74", "held-out 75",
                              "held-out 76", "held-out 77", "held-out 78",
                              "held-out 79", "held-out 80",  # round 29's
                              "held-out 81", "held-out 82", "held-out 83", "held-out 84",
                              "held-out 85", "held-out 86", "held-out 87",
                              "held-out 88", "held-out 89", "held-out 90", "held-out 91",
                              "held-out 92",  # round 30's
                              "held-out 93", "held-out 94", "held-out 95", "held-out 96",
                              "held-out 97", "held-out 98", "held-out 99",
                              "held-out 100", "held-out 101",
                              "held-out 102",  # round 31's
                              "held-out 103", "held-out 104", "held-out 105",
                              "held-out 106", "held-out 107",
                              "held-out 108", "held-out 109", "held-out 110",
                              "held-out 111", "held-out 112", "held-out 113",
                              "held-out 114", "held-out 115",
                              "held-out 116",  # round 32's
                              "held-out 117", "held-out 118", "held-out 119",
                              "held-out 120", "held-out 121", "held-out 122",
                              "held-out 123", "held-out 124")  # round 33's
