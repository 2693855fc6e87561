"""The SPARQL editor (CodeMirror 6, bundled and served by the app) under the site's own CSP:
colours, completion, Ctrl+Enter, Swedish errors with a marker, charts; and the form without JS."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import screenshot

pytestmark = pytest.mark.slow
SERIES_QUERY = """SELECT ?ar (COUNT(?o) AS ?antal)
WHERE { ?o a qb:Observation ; bk:year ?ar }
GROUP BY ?ar ORDER BY ?ar"""
BROKEN_QUERY = "SELECT ?x\nWHERE { ?x ?p }"


def _editor(open_tab, width: int = 1366):
    """The editor page with the app's CSP in force; waits for CodeMirror to take over."""
    tab = open_tab(width, 900, csp=True)
    tab.goto("/sparql")
    tab.wait_for_selector(".cm-editor .cm-content")
    return tab


def _accept(tab) -> None:
    """Accept the selected completion; CodeMirror ignores Enter for its first 75 ms (so a fast
    typist's Enter is a new line), so wait past that before pressing it."""
    tab.locator(".cm-tooltip-autocomplete li[aria-selected]").wait_for()
    tab.wait_for_timeout(300)
    tab.keyboard.press("Enter")


def _replace(tab, text: str) -> None:
    """Put text in the editor the way a paste does."""
    tab.locator(".cm-content").click()
    tab.keyboard.press("Control+a")
    tab.keyboard.press("Delete")
    tab.keyboard.insert_text(text)


def test_the_editor_highlights_the_starter_query(open_tab) -> None:
    tab = _editor(open_tab)
    assert tab.locator("textarea#query").is_hidden()  # the form's field, kept in sync
    content = tab.locator(".cm-content")
    assert content.get_attribute("aria-label") == "SPARQL-fråga"
    for token, example in (("tok-keyword", "SELECT"), ("tok-variable", "?mal"),
                           ("tok-prefix", "bk:"), ("tok-iri", "<https://w3id.org/bokslut/def#>"),
                           ("tok-comment", "# Strategins mål")):
        texts = tab.locator(f".cm-content .{token}").all_inner_texts()
        assert any(example in t for t in texts), (token, texts[:5])
    colour = tab.locator(".cm-content .tok-keyword").first.evaluate(
        "e => getComputedStyle(e).color")
    assert colour != tab.locator(".cm-content").evaluate("e => getComputedStyle(e).color")
    screenshot(tab, "editor-farger")


def test_completion_offers_prefixes_and_the_vocabulary(open_tab) -> None:
    tab = _editor(open_tab)
    tab.locator(".cm-content").click()
    tab.keyboard.press("Control+End")
    tab.keyboard.press("Enter")
    tab.keyboard.type("sko")
    options = tab.locator(".cm-tooltip-autocomplete li")
    options.first.wait_for()
    assert "skos:" in options.all_inner_texts()[0]
    _accept(tab)
    tab.keyboard.type("prefL")
    options.first.wait_for()
    assert any("skos:prefLabel" in t for t in options.all_inner_texts())
    _accept(tab)
    assert tab.locator("textarea#query").input_value().rstrip().endswith("skos:prefLabel")
    tab.keyboard.type(" bk:Indi")
    options.first.wait_for()
    labels = options.all_inner_texts()
    assert any("bk:Indicator" in t and "klass" in t for t in labels), labels
    screenshot(tab, "editor-komplettering")


def test_ctrl_enter_runs_and_a_numeric_series_is_drawn(open_tab) -> None:
    tab = _editor(open_tab)
    _replace(tab, SERIES_QUERY)
    with tab.expect_navigation():
        tab.keyboard.press("Control+Enter")
    tab.wait_for_selector("table.results")
    assert tab.locator("table.results tbody tr").count() >= 2
    chart = tab.locator("figure.chart svg[role=img]")
    assert chart.count() == 1 and chart.is_visible()
    assert "Linjediagram" in chart.get_attribute("aria-label")
    assert tab.locator("figure.chart polyline").count() == 1
    assert tab.locator(".cm-content").inner_text().startswith("SELECT ?ar")  # query kept
    share = tab.locator("p.share a")
    assert len(share.get_attribute("href")) < len(tab.url)  # shorter than the page's own URL
    screenshot(tab, "editor-linjediagram")
    tab.goto(share.get_attribute("href"))
    tab.wait_for_selector("table.results")
    assert "COUNT(?o) AS ?antal" in tab.locator("textarea#query").input_value()


def test_a_syntax_error_is_swedish_and_marked_in_the_editor(open_tab) -> None:
    tab = _editor(open_tab)
    _replace(tab, BROKEN_QUERY)
    with tab.expect_navigation():
        tab.keyboard.press("Control+Enter")
    error = tab.locator("#sparql-error")
    assert re.search(r"Syntaxfel på rad 2, kolumn \d+: förväntade", error.inner_text())
    assert "expected" not in error.inner_text()
    tab.wait_for_selector(".cm-lintRange-error")
    line_two = tab.locator(".cm-content .cm-line").nth(1)  # the marker is on the error's line
    assert line_two.locator(".cm-lintRange-error").count() == 1
    assert line_two.locator(".cm-lintRange-error").inner_text().strip()
    screenshot(tab, "editor-syntaxfel")


def test_without_javascript_the_form_still_runs(open_tab) -> None:
    tab = open_tab(1366, 900, js=False)
    tab.goto("/sparql")
    area = tab.get_by_label("SPARQL-fråga")
    assert area.evaluate("e => e.tagName") == "TEXTAREA" and area.is_visible()
    area.fill("SELECT ?bokstav WHERE { ?m a bk:Goal ; bk:letter ?bokstav } ORDER BY ?bokstav")
    tab.get_by_role("button", name="Kör frågan").click()
    tab.wait_for_selector("table.results")
    assert tab.locator("table.results tbody tr").count() >= 10
    assert tab.locator(".cm-editor").count() == 0
    screenshot(tab, "editor-utan-javascript")
