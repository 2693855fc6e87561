"""Shared fixtures: the real 2025 Södertälje report, read once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus.reader import read_report
from corpus.records import Report

REPORT_PATH = (Path(__file__).resolve().parents[1] / "corpus" / "reports"
               / "sodertalje-bokslut-social-hallbarhet-2025.txt")


@pytest.fixture(scope="session")
def report() -> Report:
    """The real report as the reader reads it."""
    return read_report(REPORT_PATH)


@pytest.fixture(scope="session")
def built_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory built from the bundled corpus with the real model (once per session)."""
    from search.engine import embedder_for
    from web.pipeline.ingest import bundled_reports, ingest
    from web.settings import resolve

    data = tmp_path_factory.mktemp("bokslut-data")
    settings = resolve({"data": data})
    embedder = embedder_for(settings["embed_model"], str(data))
    ingest(bundled_reports(), data, settings["base_iri"], embedder, progress=lambda _: None)
    return data


@pytest.fixture(scope="session")
def app(built_data: Path):
    """The Flask app over the built data directory."""
    from web.app import create_app

    return create_app({"data": built_data, "testing": True})


@pytest.fixture()
def client(app):
    """A Flask test client."""
    return app.test_client()
