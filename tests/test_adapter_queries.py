"""The judged queries bundled for the query adapter: where they come from, how they pair."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np

from search.embedder import FakeEmbedder
from search.engine import adapter_outdated
from search.query_adapter import (
    ALPHA,
    QUERIES,
    QUERY_ALPHA,
    JudgedQuery,
    QueryAdapter,
    load_judged,
    pairs_source,
    query_pairs,
)

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


def test_the_file_is_the_pool_parts_and_nothing_else() -> None:
    module = maker()
    assert set(module.POOL) == {"tuning", *(f"held-out {n}" for n in range(2, 13))}
    assert all(name != "search_heldout.jsonl" and name != "search_heldout13.jsonl"
               for name in module.POOL.values())
    assert bundled() == module.rows()  # up to date with the parts; regenerate when they change
    assert {row["part"] for row in bundled()} == set(module.POOL)
    assert QUERIES.read_text("utf-8").startswith("# ")  # the header says where it comes from


def test_pairs_repeat_by_grade_and_skip_absent_passages() -> None:
    judged = [JudgedQuery("barns lek", {"a": 3, "gone": 3, "b": 1}), JudgedQuery("x", {"z": 2})]
    rows = [passage("b"), passage("a")]
    assert query_pairs(rows, judged) == [("barns lek", 1)] * 3 + [("barns lek", 0)]
    assert query_pairs([passage("other")], judged) == []
    assert pairs_source([passage("other")], judged) == ""
    assert pairs_source(rows, judged) != pairs_source([passage("a")], judged)


def test_another_report_fits_on_its_headings_alone() -> None:
    rows = [passage("r/other/L1", "Arenor för fritid"), passage("r/other/L2", "Arenor för fritid")]
    adapter = QueryAdapter.fit(rows, np.eye(2, 8, dtype=np.float32),
                               FakeEmbedder(8).embed_queries, load_judged())
    assert adapter is not None and adapter.alpha == ALPHA and adapter.source == ""
    assert not adapter_outdated(adapter, rows)


def test_judged_queries_fit_with_their_alpha_and_are_recorded(tmp_path: Path) -> None:
    judged = [JudgedQuery("barns lek", {"a": 3})]
    rows = [passage("a"), passage("b")]
    adapter = QueryAdapter.fit(rows, np.eye(2, 8, dtype=np.float32),
                               FakeEmbedder(8).embed_queries, judged)
    assert adapter is not None and adapter.alpha == QUERY_ALPHA
    assert adapter.source == pairs_source(rows, judged) != ""
    adapter.save(tmp_path)
    assert QueryAdapter.load(tmp_path).source == adapter.source
    assert QueryAdapter.fit([passage("b")], np.eye(1, 8, dtype=np.float32),
                            FakeEmbedder(8).embed_queries, judged) is None


def test_an_index_fitted_before_the_pairs_is_outdated() -> None:
    row = bundled()[0]
    rows = [passage(pid) for pid in row["relevant"]]
    old = QueryAdapter(np.zeros((8, 8), np.float32), None)  # saved before round 13: no source
    assert adapter_outdated(old, rows) and adapter_outdated(None, rows)
    fresh = QueryAdapter(np.zeros((8, 8), np.float32), None, QUERY_ALPHA, pairs_source(rows))
    assert not adapter_outdated(fresh, rows)
