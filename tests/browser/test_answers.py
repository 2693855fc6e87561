"""Answers people take away: compact search hits, the query kept in context, CSV downloads
that parse, a print stylesheet, and the data-quality note on an indicator page."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.browser.conftest import screenshot

pytestmark = pytest.mark.slow
QUERY = "barns rätt till lek och fritid"
GOAL_C = "/id/strategi/sodertalje-2025-2030/mal/C"
INDICATOR = "/id/indikator/sodertalje/andel-barn-i-familjer-med-lag-ekonomisk-standard"


@pytest.mark.parametrize("query", [QUERY, "arbetslöshet bland unga vuxna",
                                   "trygghet i bostadsområdet", "skolresultat"])
def test_three_or_more_hits_are_above_the_fold_at_1366x900(open_tab, query: str) -> None:
    """Whole hits (title, snippet, where-line, details toggle) inside the first 900 px."""
    tab = open_tab(1366, 900)
    tab.goto("/sok?q=" + quote(query))
    boxes = [h.bounding_box() for h in tab.locator("ol.hits > li.hit").all()]
    above = [b for b in boxes if b and b["y"] + b["height"] <= 900]
    screenshot(tab, f"sok-1366x900-{len(above)}-{query[:12]}")
    assert len(above) >= 3, boxes[:5]
    assert "poäng" not in tab.locator("ol.hits").inner_text()  # no raw scores on the page
    details = tab.locator("ol.hits > li.hit details").first
    assert not details.evaluate("e => e.open")  # links and tags wait behind <details>


def test_context_view_keeps_and_marks_the_query(open_tab) -> None:
    tab = open_tab(1366, 900)
    tab.goto("/sok?q=" + quote(QUERY))
    tab.locator("ol.hits > li.hit h3 a").first.click()
    tab.wait_for_selector("div.context")
    assert tab.locator("div.context mark").count() > 0
    crumb = tab.locator("nav.crumbs a").first
    assert "q=" in crumb.get_attribute("href")
    crumb.click()
    assert tab.locator("#sokfraga").input_value() == QUERY
    assert tab.locator("ol.hits > li.hit").count() > 0


def _download_csv(tab, link_text: str) -> list[dict[str, str]]:
    """Click the page's CSV link and parse the file it sends."""
    with tab.expect_download() as info:
        tab.locator("p.downloads-line a", has_text=link_text).first.click()
    text = Path(info.value.path()).read_text(encoding="utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize(("url", "link", "column"), [
    (GOAL_C, "CSV", "varde"),
    (INDICATOR, "CSV", "varde"),
    ("/sok?q=" + quote(QUERY), "CSV", "rang"),
])
def test_each_answer_page_offers_a_csv_that_parses(open_tab, url: str, link: str,
                                                   column: str) -> None:
    tab = open_tab(1366, 900)
    tab.goto(url)
    rows = _download_csv(tab, link)
    assert rows, "the CSV holds the page's rows"
    assert all(Decimal(row[column]) is not None for row in rows)
    if url == INDICATOR:  # the same number of values as the page's own table
        assert len(rows) == tab.locator("table caption", has_text="värden").locator(
            "xpath=..").locator("tbody tr").count()


def test_print_hides_navigation_and_names_the_source(open_tab) -> None:
    tab = open_tab(1366, 900)
    tab.goto(INDICATOR)
    tab.emulate_media(media="print")
    assert tab.locator("header.site").is_hidden() and tab.locator("footer.site").is_hidden()
    assert tab.locator("p.downloads-line").is_hidden()
    source = tab.locator("p.print-source")
    assert source.is_visible() and INDICATOR in source.inner_text()
    overflow = tab.locator(".table-scroll").first.evaluate("e => getComputedStyle(e).overflowX")
    assert overflow == "visible"  # tables are printed whole, not cut at a scroll box
    screenshot(tab, "utskrift-indikator")
    tab.emulate_media(media="screen")
    assert tab.locator("header.site").is_visible() and source.is_hidden()


def test_an_indicator_with_a_unit_contradiction_shows_a_note(open_tab) -> None:
    tab = open_tab(1366, 900)
    tab.goto("/sok?q=" + quote("deltagartillfällen antal per invånare") + "&kind=indicator")
    tab.locator("ol.hits > li.hit details summary").first.click()
    tab.locator("ol.hits > li.hit details a", has_text="Indikatorn").first.click()
    note = tab.locator("p.quality-note")
    assert note.count() >= 1 and "antal" in note.first.inner_text()
    assert tab.locator("h1").inner_text().lower().startswith("deltagartillfällen")
    screenshot(tab, "indikator-anmarkning")
