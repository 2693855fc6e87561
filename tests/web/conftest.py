"""Fixtures for the web tests: a real server (waitress in a subprocess) over the built data."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import pytest

from tests.processes import free_port, stop

ROOT = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 60.0


@contextlib.contextmanager
def serve(data: Path, **settings: object) -> Iterator[str]:
    """Run the app under waitress on a free loopback port; yields the base URL, then stops it.

    Settings are passed as BOKSLUT_* environment variables (e.g. sparql_timeout=2).
    """
    port = free_port()
    env = {**os.environ, "BOKSLUT_DATA": str(data), "HF_HUB_OFFLINE": "1",
           "TRANSFORMERS_OFFLINE": "1"}
    env.update({f"BOKSLUT_{name.upper()}": str(value) for name, value in settings.items()})
    command = [sys.executable, "-m", "waitress", f"--listen=127.0.0.1:{port}", "--threads=4",
               "--call", "web.app:create_app"]
    # A file, not a pipe: a long-running server must never block on a full stderr pipe.
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_until_up(base, process, log)
            yield base
        finally:
            stop(process)


def _wait_until_up(base: str, process: subprocess.Popen, log: IO[bytes]) -> None:
    """Poll the start page until the server answers; fail with its output if it dies."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            error = log.read().decode("utf-8", "replace")
            raise RuntimeError(f"The server exited ({process.returncode}): {error[-2000:]}")
        try:
            with urllib.request.urlopen(base + "/", timeout=2):
                return
        except urllib.error.HTTPError:
            return  # it answers, even if with an error status
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"The server at {base} did not answer within {STARTUP_SECONDS:g} s")


@pytest.fixture(scope="session")
def live_server(built_data: Path) -> Iterator[str]:
    """A real HTTP server over the built data (default settings); yields its base URL."""
    with serve(built_data) as base:
        yield base


@pytest.fixture(scope="session")
def remote_store(built_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Oxigraph server (PyPI `oxigraph`) holding the built data; yields its URL."""
    from graph import StoreLocation, push_live
    from tests.remote_server import oxigraph_server
    from web.pipeline.layout import store_dir

    with oxigraph_server(tmp_path_factory.mktemp("oxigraph-server")) as url:
        push_live(StoreLocation(store_dir(built_data), url))
        yield url


@pytest.fixture(params=["embedded", pytest.param("oxigraph-server", marks=pytest.mark.slow)])
def app(request: pytest.FixtureRequest):
    """The Flask app once per backend: the embedded store (the fake embedder's data in the
    fast tier, the real model's in slow tests, see tests/conftest.py) and a real SPARQL
    server (BOKSLUT_STORE) holding the built data (slow)."""
    if request.param == "embedded":
        slow = request.node.get_closest_marker("slow") is not None
        return request.getfixturevalue("model_app" if slow else "fake_app")
    return request.getfixturevalue("remote_app")


@pytest.fixture(scope="session")
def remote_app(built_data: Path, remote_store: str):
    """The Flask app over the built data with its graph on the Oxigraph server."""
    from web.app import create_app

    return create_app({"data": built_data, "testing": True, "store": remote_store})
