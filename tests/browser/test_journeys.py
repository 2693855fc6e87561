"""What people do on the site, in a real browser: search, explore a right, query, read a mål."""

from __future__ import annotations

import re

from tests.browser.conftest import screenshot

RIGHTS_QUESTION = "Vilka insatser stödjer barns rätt till lek och fritid?"
GOAL_C = "/id/strategi/sodertalje-2025-2030/mal/C"


def test_a_rights_question_on_the_start_page_finds_relevant_passages(page) -> None:
    """Typed into the start page's search box and sent with Enter: hits about leisure."""
    page.goto("/")
    box = page.get_by_label("Sök på ämne, insats eller rättighet")
    box.fill(RIGHTS_QUESTION)
    box.press("Enter")
    page.wait_for_url(re.compile(r"/sok\?"))
    hits = page.locator("ol.hits > li.hit")
    assert hits.count() >= 5
    top = [hits.nth(i).inner_text().lower() for i in range(5)]
    assert any("fritid" in text for text in top), top
    assert page.locator("ol.hits mark").count() > 0  # the query's words are highlighted
    assert page.get_by_role("status").first.inner_text()[0].isdigit()  # "N träffar …"
    screenshot(page, "sok-rattighetsfraga")


def test_the_rights_explorer_lists_actions_under_goal_c_for_crc_31(page) -> None:
    """/rattigheter/crc/31 shows mål C with its actions, each linking to the action's page."""
    page.goto("/rattigheter/crc/31")
    assert "artikel 31" in page.locator("h1").inner_text()
    goal_c = page.locator("section.goal", has=page.locator("h3#mal-C"))
    assert goal_c.count() == 1
    actions = goal_c.locator("ul.actions > li")
    assert actions.count() >= 1
    link = actions.first.locator("a").first
    assert "/id/rapport/sodertalje-2025/atgard/C-" in link.get_attribute("href")
    screenshot(page, "rattigheter-crc-31")
    link.click()
    page.wait_for_url(re.compile(r"/atgard/C-"))
    assert page.locator("h1").count() == 1


def test_an_example_query_in_the_sparql_editor_shows_a_results_table(page) -> None:
    """Choosing an example fills the editor (JavaScript); running it shows a table of rows."""
    page.goto("/sparql")
    example = page.locator("a.example").first
    title = example.get_attribute("data-title")
    example.click()
    page.wait_for_selector(".cm-editor")
    assert "SELECT" in page.locator("textarea#query").input_value()
    assert "SELECT" in page.locator(".cm-content").inner_text()
    assert title in page.locator("#sparql-status").inner_text()
    page.get_by_role("button", name="Kör frågan").click()
    page.wait_for_selector("table.results")
    rows = page.locator("table.results tbody tr")
    assert rows.count() >= 1
    assert page.locator("table.results thead th").count() >= 2
    screenshot(page, "sparql-exempelfraga")


def test_a_goal_page_shows_its_indicator_charts(page) -> None:
    """Mål C's page draws its indicators as accessible SVG charts (role=img with a label)."""
    page.goto(GOAL_C)
    assert page.locator("h1").inner_text().startswith("Mål C")
    charts = page.locator("svg[role=img]")
    assert charts.count() >= 1
    for i in range(charts.count()):
        chart = charts.nth(i)
        assert chart.get_attribute("aria-label"), "every chart needs a text alternative"
        assert chart.is_visible()
        box = chart.bounding_box()
        assert box and box["width"] > 100 and box["height"] >= 20
    screenshot(page, "mal-c")
