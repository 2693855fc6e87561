"""The start page anchors the content: municipality, report, its source file, what changed."""

from __future__ import annotations

import html as htmllib
import re
from pathlib import Path

import pytest

from tests.conftest import REPORT_PATH
from tests.second_report import write_second_report

pytestmark = pytest.mark.slow  # ingests the corpus (fake embedder)
BASE = "https://w3id.org/bokslut/id/"


def _app(data: Path):
    from search.embedder import FakeEmbedder
    from web.app import create_app

    return create_app({"data": data, "testing": True}, embedder=FakeEmbedder())


def _ingest(data: Path, reports: list[Path]) -> Path:
    from search.embedder import FakeEmbedder
    from web.pipeline.ingest import ingest

    ingest(reports, data, BASE, FakeEmbedder(), progress=lambda _: None)
    return data


@pytest.fixture(scope="module")
def one_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _ingest(tmp_path_factory.mktemp("start-one"), [REPORT_PATH])


@pytest.fixture(scope="module")
def two_reports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    second = write_second_report(tmp_path_factory.mktemp("start-second"))
    return _ingest(tmp_path_factory.mktemp("start-two"), [REPORT_PATH, second])


def text_of(page: str) -> str:
    """The page's visible text, tags out and spaces collapsed."""
    return re.sub(r"\s+", " ", htmllib.unescape(re.sub(r"<[^>]+>", " ", page)))


def test_one_report_names_municipality_report_and_source(one_report: Path) -> None:
    client = _app(one_report).test_client()
    page = client.get("/").get_data(as_text=True)
    text = text_of(page)
    assert "Södertälje kommun bokslut 2025" in text
    assert 'href="/id/rapport/sodertalje-2025"' in page
    assert "enda inlästa bokslutet" in text  # nothing earlier to compare with, and says so
    source = re.search(r'href="(/kalla/[^"]+)"', page).group(1)
    response = client.get(source)
    assert response.status_code == 200 and response.mimetype == "text/plain"
    assert response.get_data() == REPORT_PATH.read_bytes()
    for bad in ("/kalla/pyproject.toml", "/kalla/..%2Fpyproject.toml", "/kalla/x.txt"):
        assert client.get(bad).status_code == 404


def test_global_goals_are_listed_and_in_the_menu(one_report: Path) -> None:
    page = _app(one_report).test_client().get("/").get_data(as_text=True)
    assert 'href="/#globala-mal">Globala mål</a>' in page
    section = page[page.index('id="globala-mal"'):]
    assert len(re.findall(r'href="/id/sdg/\d+"', section)) == 17


def test_a_newer_report_says_what_changed(two_reports: Path) -> None:
    text = text_of(_app(two_reports).test_client().get("/").get_data(as_text=True))
    assert "Södertälje kommun bokslut 2026" in text
    assert "Nytt sedan bokslut 2025" in text
    assert "2 indikatorer har nya värden" in text
    changed = text[text.index("nya värden"):text.index("Andra inlästa bokslut")]
    assert re.search(r"Andel barn i familjer med låg inkomststandard ?: 9,1 \(2024\) → "
                     r"8,7 \(2025\) %", changed), changed
    assert re.search(r"Sysselsatta invånare 20–65 år, andel \(%\) ?: 76 \(2024\) → "
                     r"77 \(2025\) %", changed), changed
    assert "Andra inlästa bokslut: Bokslut social hållbarhet 2025" in text
