"""A report outside the bokslut format in the web service: marked, searchable by year."""

from __future__ import annotations

from pathlib import Path

import pytest

from search.embedder import FakeEmbedder
from tests.conftest import REPORT_PATH
from tests.test_reader_unstructured import other_layout
from web.app import create_app
from web.pipeline.ingest import ingest

BASE = "https://w3id.org/bokslut/id/"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    """The app over the 2025 bokslut and one unstructured report (fake embedder)."""
    folder = tmp_path_factory.mktemp("ostrukturerad")
    doc = folder / "hallbarhet.txt"
    doc.write_text(other_layout(), encoding="utf-8")
    data = folder / "data"
    embedder = FakeEmbedder()
    ingest([REPORT_PATH, Path(doc)], data, BASE, embedder, progress=lambda _: None)
    return create_app({"data": data, "testing": True}, embedder=embedder).test_client()


def test_report_page_says_unstructured(client):
    html = client.get("/id/rapport/nykvarns-2023-hallbarhet").get_data(as_text=True)
    assert "Ostrukturerad rapport" in html and "2023" in html
    assert "Målområden" not in html
    bokslut = client.get("/id/rapport/sodertalje-2025").get_data(as_text=True)
    assert "Ostrukturerad rapport" not in bokslut and "Målområde 1:" in bokslut


def test_search_filters_by_year_and_finds_it(client):
    rows = client.get("/api/search?q=läxhjälp+i+biblioteket&mode=bm25&year=2023").get_json()
    assert rows["results"] and {r["report"] for r in rows["results"]} == {
        BASE + "rapport/nykvarns-2023-hallbarhet"}
    none = client.get("/api/search?q=läxhjälp+i+biblioteket&mode=bm25&year=2025").get_json()
    assert all(r["report"] != BASE + "rapport/nykvarns-2023-hallbarhet" for r in none["results"])
