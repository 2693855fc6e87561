"""Browser tier: headless Debian Chromium driven by Playwright against a real server.

Needs /usr/bin/chromium and tests/browser/node_modules/axe-core (both installed by
`make setup`); without them the tests fail saying so, they never skip.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.web.conftest import serve

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "browser"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
TIMEOUT_MS = 60_000  # the first search loads the embedding model in the server


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Label every test in this folder with the `browser` marker."""
    for item in items:
        if Path(str(item.fspath)).parent == Path(__file__).parent:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def site(built_data: Path) -> Iterator[str]:
    """A real waitress server over the built data; yields its base URL."""
    with serve(built_data) as base:
        yield base


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's Chromium, headless, with everything that would reach the network turned off."""
    from playwright.sync_api import sync_playwright

    assert CHROMIUM.exists(), "Chromium saknas: kör make setup (apt-get install chromium)"
    assert AXE.exists(), "axe-core saknas: kör make setup (npm ci --prefix tests/browser)"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture()
def page(browser, site: str) -> Iterator[object]:
    """A fresh Swedish browser tab; the app's CSP is bypassed only so axe can be injected."""
    context = browser.new_context(base_url=site, locale="sv-SE", bypass_csp=True,
                                  viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    errors: list[object] = []
    tab.on("pageerror", lambda error: errors.append(error))
    yield tab
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


@pytest.fixture()
def open_tab(browser, site: str) -> Iterator[object]:
    """Make tabs of a given size, with or without JavaScript and with the app's own CSP kept
    (bypass_csp=False shows the editor works under the site's Content-Security-Policy)."""
    contexts, errors = [], []

    def make(width: int = 1366, height: int = 900, *, js: bool = True, csp: bool = False):
        context = browser.new_context(base_url=site, locale="sv-SE", bypass_csp=not csp,
                                      java_script_enabled=js, accept_downloads=True,
                                      viewport={"width": width, "height": height})
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        tab = context.new_page()
        tab.on("pageerror", lambda error: errors.append(error))
        return tab

    yield make
    for context in contexts:
        context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


def screenshot(tab, name: str) -> Path:
    """Save a full-page screenshot under tests/artifacts/browser/ and return its path."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    tab.screenshot(path=str(path), full_page=True)
    return path


def axe_violations(tab, impacts: tuple[str, ...] = ("serious", "critical")) -> list[dict]:
    """Run axe-core on the loaded page; the violations with one of these impacts."""
    tab.add_script_tag(path=str(AXE))
    result = tab.evaluate("axe.run(document, {resultTypes: ['violations']})")
    assert result["passes"], "axe ran no rule on the page"
    return [v for v in result["violations"] if v.get("impact") in impacts]


def describe(violations: list[dict]) -> str:
    """Violations as readable lines for an assertion message."""
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(" ".join(n["target"]) for n in v["nodes"][:3]) for v in violations)
