"""Year over year on a mål page: the 2025 bokslut and the derived 2026 one side by side."""

from __future__ import annotations

from pathlib import Path

import pytest

from search.embedder import FakeEmbedder
from web.app import create_app

GOAL = "/id/strategi/sodertalje-2025-2030/mal/"


@pytest.fixture(scope="module")
def client(two_reports_data: Path):
    """The app over both reports (fake embedder; tests/conftest.py builds them once)."""
    return create_app({"data": two_reports_data, "testing": True},
                      embedder=FakeEmbedder()).test_client()


def section(html: str) -> str:
    """The 'Sedan bokslutet …' part of a mål page."""
    start = html.index('id="sedan-forra"')
    return html[start:html.index('id="insatser"')]


def test_moved_indicator_with_direction(client):
    part = section(client.get(GOAL + "A").get_data(as_text=True))
    assert "Sedan bokslutet 2025" in part
    assert "Andel barn i familjer med låg inkomststandard" in part
    assert "9,1 (2024) → 8,7 (2025)" in part
    assert "▼" in part and "<strong>bättre</strong>" in part and "change-better" in part
    assert "Samma insatser redovisas." in part


def test_higher_is_better_rise_and_an_unchanged_goal(client):
    part = section(client.get(GOAL + "F").get_data(as_text=True))
    assert "76 (2024) → 77 (2025)" in part and "▲" in part and "bättre" in part
    quiet = section(client.get(GOAL + "B").get_data(as_text=True))
    assert "Inga indikatorer har ändrat värde." in quiet


def test_indicator_page_shows_the_series_across_reports(client):
    html = client.get(GOAL + "A").get_data(as_text=True)
    link = html.index('href="/id/indikator/sodertalje/')
    path = html[link + 6:html.index('"', link + 6)]
    page = client.get(path).get_data(as_text=True)
    assert "2024" in page and "2025" in page and "9,1" in page and "8,7" in page
