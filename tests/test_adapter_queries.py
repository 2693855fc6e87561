"""The judged queries bundled for the query adapter: where they come from, how they pair."""

from __future__ import annotations

import dataclasses
import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest

import search.query_adapter as query_adapter
from corpus import read_report
from corpus.passages import build_passages
from search.embedder import FakeEmbedder
from search.engine import adapter_outdated, sync_index
from search.evaluate import load_dev_set
from search.index_store import text_key
from search.query_adapter import (
    ALPHA,
    QUERIES,
    QUERY_ALPHA,
    JudgedQuery,
    QueryAdapter,
    judged_texts,
    load_judged,
    pairs_source,
    query_pairs,
)
from search.ranking_memory import RANKING_QUERIES
from tests.conftest import REPORT_PATH
from web.cli.search import REPORTED_PARTS, default_dev_sets

MAKER = Path(__file__).resolve().parent.parent / "benchmarks" / "make_adapter_queries.py"


def maker():
    """benchmarks/make_adapter_queries.py as a module (benchmarks is no package)."""
    spec = importlib.util.spec_from_file_location("make_adapter_queries", MAKER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def bundled() -> list[dict]:
    """The bundled file's rows."""
    return [json.loads(line) for line in QUERIES.read_text("utf-8").splitlines()
            if line.strip() and not line.startswith("#")]


def passage(pid: str, heading: str | None = None) -> dict:
    """A passage row with the fields the adapter reads."""
    return {"id": pid, "heading": heading, "goal": "C", "goal_area": 1, "text": pid}


@pytest.fixture(scope="module")
def report_rows() -> list[dict]:
    """The bundled report's passages, as the index holds them."""
    return [dataclasses.asdict(p) for p in build_passages(read_report(REPORT_PATH))]


def judged(text: str, relevant: dict[str, int]) -> JudgedQuery:
    """A judged query whose passages hold the text passage() gives them (their id)."""
    return JudgedQuery(text, relevant, {pid: text_key({"text": pid}) for pid in relevant})


def test_the_file_is_the_pool_parts_and_nothing_else() -> None:
    module = maker()
    assert set(module.POOL) == set(default_dev_sets()) - set(REPORTED_PARTS)
    # 13 joined in round 14, 14-29 in round 19 (MX, eval_round19_memory.txt)
    assert set(module.POOL) == {"tuning", *(f"held-out {n}" for n in range(2, 30))}
    assert len(bundled()) == 1712
    assert bundled() == module.rows(module.POOL)  # up to date with the parts; regenerate when
    assert {row["part"] for row in bundled()} == set(module.POOL)  # they change
    assert all(set(row["hashes"]) == set(row["relevant"]) for row in bundled())
    assert QUERIES.read_text("utf-8").startswith(module.HEADER)  # where it comes from, as now


def test_the_ranking_file_is_the_tuning_style_parts_and_nothing_else() -> None:
    module = maker()
    assert set(module.STYLE) == {f"tuning style {n}" for n in range(1, 13)}  # round 33's twelve
    assert not set(module.STYLE) & (set(default_dev_sets()) | set(REPORTED_PARTS))
    style = load_judged(RANKING_QUERIES)
    assert len(style) == 720 and [q.text for q in style] == [
        row["query"] for row in module.rows(module.STYLE)]  # up to date with the parts
    assert RANKING_QUERIES.read_text("utf-8").startswith(module.STYLE_HEADER)


@pytest.mark.parametrize("part", REPORTED_PARTS)
def test_no_bundled_query_is_a_reported_one(part: str) -> None:
    """Compared casefolded and stripped, the adapter's file and the ranking memory's; the
    reported queries are never printed."""
    ours = {text.strip().casefold() for text in
            [row["query"] for row in bundled()] + judged_texts(RANKING_QUERIES)}
    shared = sum(q.query.strip().casefold() in ours
                 for q in load_dev_set(default_dev_sets()[part]))
    assert shared == 0, f"{shared} bundled queries are queries of {part}"


def test_pairs_repeat_by_grade_and_skip_absent_passages() -> None:
    judged_ = [judged("barns lek", {"a": 3, "gone": 3, "b": 1}), judged("x", {"z": 2})]
    rows = [passage("b"), passage("a")]
    assert query_pairs(rows, judged_) == [("barns lek", 1)] * 3 + [("barns lek", 0)]
    assert query_pairs([passage("other")], judged_) == []
    assert pairs_source([passage("other")], judged_) == ""
    assert pairs_source(rows, judged_) != pairs_source([passage("a")], judged_)


def test_a_passage_whose_text_changed_is_not_paired_and_the_fit_says_so(
        capsys: pytest.CaptureFixture[str]) -> None:
    """The ids are source lines: an edited report may hold other text under the same id."""
    judged_ = [judged("barns lek", {"a": 3, "b": 1})]
    rows = [passage("a"), {**passage("b"), "text": "another text under the old line"}]
    assert query_pairs(rows, judged_) == [("barns lek", 0)] * 3
    adapter = QueryAdapter.fit(rows, np.eye(2, 8, dtype=np.float32),
                               FakeEmbedder(8).embed_queries, judged_)
    assert adapter is not None and adapter.source == pairs_source(rows, judged_)
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and " 1 " in err  # said once, with the count
    unhashed = [JudgedQuery("barns lek", {"a": 3}, {})]  # no hash recorded: not paired either
    assert query_pairs(rows, unhashed) == []


def test_a_judged_text_whose_line_moved_is_paired_where_it_now_is() -> None:
    """A corrected report moves lines: the judged text pairs with the passage now holding it;
    a text held nowhere is not paired (and counts as stale only where its id still is)."""
    judged_ = [judged("barns lek", {"a": 3, "b": 1})]
    moved = [{**passage("a"), "id": "a-moved"}, passage("b")]
    assert query_pairs(moved, judged_) == [("barns lek", 0)] * 3 + [("barns lek", 1)]


def test_the_recipe_is_part_of_the_source(monkeypatch: pytest.MonkeyPatch) -> None:
    """A change of RIDGE or QUERY_ALPHA (or the pairing rule) refits a saved index."""
    judged_, rows = [judged("barns lek", {"a": 3})], [passage("a")]
    before = pairs_source(rows, judged_)
    for name, value in (("RIDGE", 2.0), ("QUERY_ALPHA", 0.5), ("PAIRING", "another rule")):
        with monkeypatch.context() as patch:
            patch.setattr(query_adapter, name, value)
            assert pairs_source(rows, judged_) != before, name
    assert pairs_source(rows, judged_) == before


def test_another_report_fits_on_its_headings_alone() -> None:
    rows = [passage("r/other/L1", "Arenor för fritid"), passage("r/other/L2", "Arenor för fritid")]
    adapter = QueryAdapter.fit(rows, np.eye(2, 8, dtype=np.float32),
                               FakeEmbedder(8).embed_queries, load_judged())
    assert adapter is not None and adapter.alpha == ALPHA and adapter.source == ""
    assert not adapter_outdated(adapter, rows)


def test_judged_queries_fit_with_their_alpha_and_are_recorded(tmp_path: Path) -> None:
    judged_ = [judged("barns lek", {"a": 3})]
    rows = [passage("a"), passage("b")]
    adapter = QueryAdapter.fit(rows, np.eye(2, 8, dtype=np.float32),
                               FakeEmbedder(8).embed_queries, judged_)
    assert adapter is not None and adapter.alpha == QUERY_ALPHA
    assert adapter.source == pairs_source(rows, judged_) != ""
    adapter.save(tmp_path)
    assert QueryAdapter.load(tmp_path).source == adapter.source
    assert QueryAdapter.fit([passage("b")], np.eye(1, 8, dtype=np.float32),
                            FakeEmbedder(8).embed_queries, judged_) is None


def test_an_index_fitted_before_the_pairs_is_outdated(report_rows: list[dict]) -> None:
    rows = [p for p in report_rows if p["id"] in bundled()[0]["relevant"]]
    assert pairs_source(rows)  # the bundled report's passages: their texts match the hashes
    old = QueryAdapter(np.zeros((8, 8), np.float32), None)  # saved before round 13: no source
    assert adapter_outdated(old, rows) and adapter_outdated(None, rows)
    fresh = QueryAdapter(np.zeros((8, 8), np.float32), None, QUERY_ALPHA, pairs_source(rows))
    assert not adapter_outdated(fresh, rows)


def test_load_judged_reads_the_current_file_and_skips_indented_comments(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The default is read at the call (patching QUERIES takes effect), as load_dev_set reads
    its '#' lines."""
    pairs = tmp_path / "pairs.jsonl"
    pairs.write_text('  # a header\n\n{"query": "q", "relevant": {"a": 2}, "hashes": {"a": "h"}}\n',
                     "utf-8")
    monkeypatch.setattr(query_adapter, "QUERIES", pairs)
    assert load_judged() == [JudgedQuery("q", {"a": 2}, {"a": "h"})]
    monkeypatch.setattr(query_adapter, "QUERIES", tmp_path / "missing.jsonl")
    assert load_judged() == [] and query_adapter.judged_texts() == []


def test_sync_index_refits_when_the_pairs_change_and_without_them(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, report_rows: list[dict]) -> None:
    """Pairs changed: the saved index is updated (vectors reused) to the new pairs' source;
    the file gone: the adapter is fitted on the headings alone (alpha 0.25, no source)."""
    index, status = sync_index(tmp_path, report_rows, FakeEmbedder())
    assert status == "built" and index.adapter.source == pairs_source(report_rows) != ""
    assert index.adapter.alpha == QUERY_ALPHA
    lines = QUERIES.read_text("utf-8").splitlines()
    fewer = tmp_path / "pairs.jsonl"
    fewer.write_text("\n".join(lines[:-1]) + "\n", "utf-8")  # one judged query less
    monkeypatch.setattr(query_adapter, "QUERIES", fewer)
    index, status = sync_index(tmp_path, report_rows, FakeEmbedder())
    assert status == "updated" and index.adapter.alpha == QUERY_ALPHA
    assert index.adapter.source == pairs_source(report_rows) != pairs_source(
        report_rows, load_judged(QUERIES))
    assert sync_index(tmp_path, report_rows, FakeEmbedder())[1] == "unchanged"
    monkeypatch.setattr(query_adapter, "QUERIES", tmp_path / "missing.jsonl")
    index, status = sync_index(tmp_path, report_rows, FakeEmbedder())
    assert status == "updated" and index.adapter is not None
    assert index.adapter.alpha == ALPHA == 0.25 and index.adapter.source == ""
