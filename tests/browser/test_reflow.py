"""Phones (WCAG 2.1 1.4.10 reflow): at 320 and 390 CSS px no page scrolls sideways, and axe
finds nothing serious or critical at either width (moderate findings are listed in a file)."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest

from tests.browser.conftest import ARTIFACTS, axe_violations, describe, screenshot

GOALS_QUERY = ("SELECT ?bokstav ?mal WHERE { ?m a bk:Goal ; bk:letter ?bokstav ; "
               "skos:prefLabel ?mal } ORDER BY ?bokstav")
PAGES = {
    "start": "/",
    "sok": "/sok?q=" + quote("barns rätt till lek och fritid"),
    "sok-sammanhang": None,  # found from the search page (passage IRIs are the reader's)
    "rattighetsartikel": "/rattigheter/crc/31",
    "sparql-resultat": "/sparql?query=" + quote(GOALS_QUERY),
    "sparql-fel": "/sparql?query=" + quote("SELECT ?x WHERE { ?x ?p }"),
    "mal": "/id/strategi/sodertalje-2025-2030/mal/C",
    "indikator": "/id/indikator/sodertalje/andel-barn-i-familjer-med-lag-ekonomisk-standard",
}
WIDTHS = (320, 390)


def _open(tab, name: str) -> None:
    """Load the page type (the context view through the first search hit's link)."""
    if PAGES[name] is None:
        tab.goto(PAGES["sok"])
        tab.locator("ol.hits > li.hit h3 a").first.click()
        tab.wait_for_selector("div.context")
        return
    response = tab.goto(PAGES[name])
    assert response is not None and response.status in (200, 400)


@pytest.mark.slow
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", PAGES)
def test_no_horizontal_scrolling_and_no_serious_axe_findings(open_tab, name: str,
                                                            width: int) -> None:
    tab = open_tab(width, 800)
    _open(tab, name)
    sizes = tab.evaluate("({doc: document.documentElement.scrollWidth,"
                         " body: document.body.scrollWidth, view: window.innerWidth})")
    screenshot(tab, f"reflow-{width}-{name}")
    assert sizes["view"] == width
    assert sizes["doc"] <= width and sizes["body"] <= width, sizes
    wide = tab.evaluate("""() => [...document.querySelectorAll('main *')]
        .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
        .filter(e => !e.closest('.table-scroll, table, .cm-editor'))
        .map(e => e.tagName + '.' + e.className).slice(0, 5)""")
    assert not wide, f"elements sticking out of the screen: {wide}"
    found = axe_violations(tab, ("serious", "critical", "moderate"))
    moderate = [v for v in found if v["impact"] == "moderate"]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"axe-moderate-{width}-{name}.json").write_text(json.dumps(
        [{"id": v["id"], "help": v["help"], "nodes": len(v["nodes"])} for v in moderate],
        ensure_ascii=False, indent=1))
    serious = [v for v in found if v["impact"] in ("serious", "critical")]
    assert not serious, describe(serious)
