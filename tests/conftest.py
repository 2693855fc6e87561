"""Shared fixtures and the test tiers.

Fast tier (`make test-fast`, `pytest -m "not slow"`): the real report, the real store and a
fake embedder. Everything that needs the real model, the session-built data directory, a
real server or the browser is marked `slow`; the hook below does it from the fixtures a test
uses, so a new test cannot land in the fast tier by forgetting a marker.

`app` / `client` serve the bundled corpus searched with the fake embedder in the fast tier. In
a slow test they serve the real model's data directory (`built_data`), so a test asserting on
the real rankings or inferred links is marked `@pytest.mark.slow` and gets them; forgetting the
marker fails loudly in the fast tier instead of slowing it down.
"""

from __future__ import annotations

import fcntl
import gc
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:  # imported where used: xdist's controller loads this file and runs no test
    from corpus.records import Report
    from tests.sparql_support import Canary

REPORT_PATH = (Path(__file__).resolve().parents[1] / "corpus" / "reports"
               / "sodertalje-bokslut-social-hallbarhet-2025.txt")

# Fixtures that need the real embedding model, the session-built data directory, a real
# server or the browser. Any test using one, directly or through other fixtures, is slow.
SLOW_FIXTURES = frozenset({
    "built_data",  # the real model over the bundled corpus (tests/conftest.py)
    "live_server", "slow_limit_server",  # waitress in a subprocess (tests/web/)
    "site", "browser", "page", "open_tab",  # the browser tier (tests/browser/)
    "e5_dir", "e5_embedder",  # the real model, converted (tests/test_embedding_model.py)
})


@pytest.hookimpl(tryfirst=True)  # before -m deselects anything
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark slow every test whose fixtures (direct or indirect) include a slow one."""
    for item in items:
        if SLOW_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


def pytest_collection_finish(session: pytest.Session) -> None:
    """Move everything imported so far out of the collector's sight.

    Each store build ends with gc.collect() (graph/store_writer.py: the store must be released
    before its generation is published), and with the modules of every test file imported each
    full collection walked them all (10 of test_store.py's 24 CPU-seconds). Frozen objects
    live for the run; what the tests create afterwards is collected as before.
    """
    gc.freeze()


@pytest.fixture(scope="session")
def report() -> Report:
    """The real report as the reader reads it."""
    from corpus.reader import read_report

    return read_report(REPORT_PATH)


@pytest.fixture(scope="session")
def sparql_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small SPARQL store of tests/sparql_support.py (read-only), built once per session."""
    from tests.sparql_support import build_store

    return build_store(tmp_path_factory.mktemp("sparql") / "store")


@pytest.fixture
def canary() -> Iterator[Canary]:
    """A fresh loopback server recording every request it gets, shut down after the test."""
    from tests.sparql_support import Canary

    server = Canary()
    yield server
    server.close()


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


def built_once(factory: pytest.TempPathFactory, name: str,
               build: Callable[[Path], None]) -> Path:
    """A directory built once per run and then only read, shared by pytest-xdist's workers.

    Under xdist the workers' temporary folders share a parent: the first worker to get the
    lock builds there, the others wait and reuse it (each would otherwise pay the same ingest).
    """
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        target = factory.mktemp(name)
        build(target)
        return target
    root = factory.getbasetemp().parent
    target, done = root / name, root / f"{name}.done"
    with open(root / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not done.exists():
            shutil.rmtree(target, ignore_errors=True)  # a worker that failed half-way
            target.mkdir()
            build(target)
            done.touch()
    return target


def fake_ingest(reports: list[Path], data: Path) -> None:
    """Ingest reports into `data` with the fake embedder and the default base IRI."""
    from search.embedder import FakeEmbedder
    from web.pipeline.ingest import ingest
    from web.settings import resolve

    ingest(reports, data, resolve({"data": data})["base_iri"], FakeEmbedder(),
           progress=lambda _: None)


@pytest.fixture(scope="session")
def fake_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled corpus in the real store, searched with the fake embedder (once per run).

    Graphs, pages, SPARQL and downloads are as with the real model; only the ranking of
    search hits and the inferred rights links (graf/harlett) differ. Read-only: a test that
    changes its data directory takes `fake_data_copy`.
    """
    from web.pipeline.ingest import bundled_reports

    return built_once(tmp_path_factory, "bokslut-fake-data",
                      lambda data: fake_ingest(bundled_reports(), data))


@pytest.fixture()
def fake_data_copy(fake_data: Path, tmp_path: Path) -> Path:
    """A private copy of `fake_data` (the 2025 report ingested) for a test that changes it."""
    return Path(shutil.copytree(fake_data, tmp_path / "data", symlinks=True))


@pytest.fixture(scope="session")
def two_reports_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 2025 report and the derived 2026 one (tests/second_report.py), fake embedder,
    built once per run; read-only."""
    from tests.second_report import write_second_report

    def build(data: Path) -> None:
        source = data.with_name(data.name + "-source")
        source.mkdir(exist_ok=True)
        fake_ingest([REPORT_PATH, write_second_report(source)], data)

    return built_once(tmp_path_factory, "bokslut-two-reports", build)


@pytest.fixture(scope="session")
def model_app(built_data: Path):
    """The Flask app over the built data directory (the real model)."""
    from web.app import create_app

    return create_app({"data": built_data, "testing": True})


@pytest.fixture(scope="session")
def fake_app(fake_data: Path):
    """The Flask app over the fake-embedder data directory (fast tier)."""
    from search.embedder import FakeEmbedder
    from web.app import create_app

    return create_app({"data": fake_data, "testing": True}, embedder=FakeEmbedder())


@pytest.fixture()
def app(request: pytest.FixtureRequest):
    """The real model's app in slow tests (marked, or using built_data), else the fake one."""
    slow = request.node.get_closest_marker("slow") is not None
    return request.getfixturevalue("model_app" if slow else "fake_app")


@pytest.fixture()
def client(app):
    """A Flask test client."""
    return app.test_client()
