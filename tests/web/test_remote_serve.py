"""End to end on an external SPARQL server: `bokslut ingest` into it, `bokslut sparql` from it,
and two `bokslut serve` processes sharing it give the same answers."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.remote_server import free_port, oxigraph_server
from web.pipeline.layout import index_dir

pytestmark = pytest.mark.slow  # the real model and real servers

BOKSLUT = str(Path(sys.executable).with_name("bokslut"))
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
PER_GRAPH = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"


def env_for(data: Path, store: str | None) -> dict[str, str]:
    """The environment of a CLI run: data directory, store, offline model."""
    env = {**os.environ, "BOKSLUT_DATA": str(data), "HF_HUB_OFFLINE": "1",
           "TRANSFORMERS_OFFLINE": "1"}
    env.pop("BOKSLUT_STORE", None)
    if store:
        env["BOKSLUT_STORE"] = store
    return env


def sparql_csv(data: Path, store: str | None, query: str) -> str:
    """`bokslut sparql --format csv` output."""
    done = subprocess.run([BOKSLUT, "sparql", query, "--format", "csv"], capture_output=True,
                          text=True, timeout=300, env=env_for(data, store))
    assert done.returncode == 0, done.stderr
    return done.stdout


@contextlib.contextmanager
def bokslut_serve(data: Path, store: str) -> Iterator[str]:
    """`bokslut serve` on a free port against the external store; yields its base URL."""
    port = free_port()
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen([BOKSLUT, "serve", "--port", str(port), "--threads", "2"],
                                   stdout=log, stderr=subprocess.STDOUT,
                                   env=env_for(data, store))
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 300
            while True:
                assert process.poll() is None, f"serve exited with {process.returncode}"
                with contextlib.suppress(OSError):
                    urllib.request.urlopen(base + "/api/health", timeout=5).read()
                    break
                assert time.monotonic() < deadline, "serve did not answer"
                time.sleep(0.5)
            yield base
        finally:
            process.terminate()
            process.wait(timeout=30)


def get_json(url: str) -> dict:
    """A JSON answer."""
    with urllib.request.urlopen(url, timeout=60) as response:
        return json.loads(response.read())


def test_ingest_into_an_external_store_query_it_and_serve_it_twice(
        built_data: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "models").symlink_to(built_data / "models")  # the converted model, read only
    shutil.copytree(index_dir(built_data), data / "index")  # vectors to reuse
    with oxigraph_server(tmp_path / "server") as url:
        done = subprocess.run([BOKSLUT, "ingest"], capture_output=True, text=True,
                              timeout=1200, env=env_for(data, url))
        assert done.returncode == 0, done.stderr
        # the server answers what the same generation answers in the embedded store
        for query in (COUNT, PER_GRAPH):
            assert sparql_csv(data, url, query) == sparql_csv(data, None, query)
        assert int(sparql_csv(data, url, COUNT).split()[1]) > 8000
        with bokslut_serve(data, url) as first, bokslut_serve(data, url) as second:
            for query in (COUNT, PER_GRAPH):
                path = "/sparql?" + urllib.parse.urlencode({"query": query, "format": "json"})
                answers = [get_json(base + path) for base in (first, second)]
                assert answers[0] == answers[1]
                assert answers[0]["results"]["bindings"]
            health = [get_json(base + "/api/health") for base in (first, second)]
            assert health[0]["store"] == health[1]["store"]
            assert health[0]["store"]["graphs"] >= 4
