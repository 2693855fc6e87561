"""Year over year in the browser: a mål page and an indicator series over two reports."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from search.embedder import FakeEmbedder
from tests.browser.conftest import TIMEOUT_MS, screenshot
from tests.conftest import REPORT_PATH
from tests.second_report import write_second_report
from tests.web.conftest import serve
from web.pipeline.ingest import ingest

BASE = "https://w3id.org/bokslut/id/"
GOAL_A = "/id/strategi/sodertalje-2025-2030/mal/A"


@pytest.fixture(scope="module")
def two_year_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real server over the 2025 report and the derived 2026 one (pages only, no search)."""
    folder = tmp_path_factory.mktemp("tva-ar-webb")
    data = folder / "data"
    ingest([REPORT_PATH, write_second_report(folder)], data, BASE, FakeEmbedder(),
           progress=lambda _: None)
    with serve(data) as base:
        yield base


@pytest.fixture()
def tab(browser, two_year_site: str) -> Iterator[object]:
    """A desktop tab on the two-year server."""
    context = browser.new_context(base_url=two_year_site, locale="sv-SE",
                                  viewport={"width": 1366, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    yield context.new_page()
    context.close()


def test_goal_page_shows_what_changed_since_the_previous_report(tab) -> None:
    tab.goto(GOAL_A)
    assert tab.locator("h2#sedan-forra").inner_text() == "Sedan bokslutet 2025"
    moved = tab.locator("ul.changes li").filter(
        has_text="Andel barn i familjer med låg inkomststandard")
    assert moved.count() == 1 and moved.is_visible()
    assert "9,1 (2024) → 8,7 (2025)" in moved.inner_text()
    assert "bättre" in moved.inner_text()
    assert Path(screenshot(tab, "year-over-year-goal-A")).stat().st_size > 0


def test_indicator_page_draws_a_series_over_both_reports(tab) -> None:
    tab.goto(GOAL_A)
    tab.locator("ul.changes li a[href*='/id/indikator/']").first.click()
    tab.wait_for_load_state()
    body = tab.locator("main").inner_text()
    assert "2024" in body and "2025" in body
    assert "9,1" in body and "8,7" in body
    assert tab.locator("svg").count() >= 1
    assert Path(screenshot(tab, "year-over-year-indicator")).stat().st_size > 0

