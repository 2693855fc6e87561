"""axe-core on every page type: no serious or critical WCAG violations."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from tests.browser.conftest import axe_violations, describe, screenshot

GOALS_QUERY = ("SELECT ?bokstav ?mal WHERE { ?m a bk:Goal ; bk:letter ?bokstav ; "
               "skos:prefLabel ?mal } ORDER BY ?bokstav")
PAGES = {
    "start": "/",
    "sok": "/sok?q=" + quote("ensamhet bland äldre"),
    "rattigheter": "/rattigheter",
    "rattighetsartikel": "/rattigheter/crc/31",
    "sparql": "/sparql",
    "sparql-resultat": "/sparql?query=" + quote(GOALS_QUERY),
    "mal": "/id/strategi/sodertalje-2025-2030/mal/C",
    "indikator": "/id/indikator/sodertalje/andel-barn-i-familjer-med-lag-ekonomisk-standard",
    "data": "/data",
}


@pytest.mark.parametrize("name", PAGES)
def test_page_has_no_serious_accessibility_violations(page, name: str) -> None:
    """The page loads, is Swedish, has one h1 and a main landmark, and axe finds nothing serious."""
    response = page.goto(PAGES[name])
    assert response is not None and response.status == 200
    assert page.locator("html").get_attribute("lang") == "sv"
    assert page.locator("main").count() == 1 and page.locator("h1").count() == 1
    screenshot(page, f"a11y-{name}")
    found = axe_violations(page)
    assert not found, describe(found)


def test_keyboard_reaches_the_main_content_first(page) -> None:
    """The first Tab stop is the skip link, and following it moves focus into main."""
    page.goto("/data")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Hoppa till innehållet"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "innehall"
