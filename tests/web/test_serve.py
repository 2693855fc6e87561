"""`bokslut serve` as a user runs it: a real process, a real port, real signals."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

from tests.web.conftest import free_port
from web.cli.serve import bind_problem, needs_ingest
from web.pipeline.layout import index_dir

BOKSLUT = str(Path(sys.executable).parent / "bokslut")
ENV = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}


def get(url: str) -> tuple[int, bytes]:
    """Status and body of a GET on loopback."""
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.status, response.read()


def wait_for(url: str, process: subprocess.Popen, seconds: float = 240) -> None:
    """Poll until the URL answers; fail early if the server exits."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, f"serve exited with {process.returncode}"
        try:
            get(url)
            return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"{url} did not answer within {seconds} s")


def first_sparql_answers_in_parallel(port: int, n: int = 8) -> list[int]:
    """Statuses of n example queries sent at once to a server that has not parsed any yet."""
    from graph.examples import load_examples

    urls = [f"http://127.0.0.1:{port}/sparql?format=json&query={quote(e.text)}"
            for e in load_examples()[:n]]
    with ThreadPoolExecutor(len(urls)) as pool:
        return list(pool.map(lambda url: get(url)[0], urls))


def test_needs_ingest_only_without_store_or_index(built_data: Path, tmp_path: Path) -> None:
    """A built data directory is served as is; an empty one is ingested first."""
    assert not needs_ingest(built_data)
    assert needs_ingest(tmp_path)


def test_serve_ingests_an_empty_store_serves_and_stops_on_sigterm(
        built_data: Path, tmp_path: Path) -> None:
    """No store yet: serve ingests the bundled corpus, answers on its port, exits 0 on SIGTERM."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "models").symlink_to(built_data / "models")  # the converted model, read only
    shutil.copytree(index_dir(built_data), data / "index")  # vectors to reuse
    port = free_port()
    with tempfile.TemporaryFile() as log:
        # eight parallel queries from one address: lift the per-client cap (tested elsewhere)
        env = {**ENV, "BOKSLUT_SPARQL_PER_CLIENT": "16"}
        process = subprocess.Popen([BOKSLUT, "serve", "--port", str(port), "--data", str(data)],
                                   stdout=log, stderr=subprocess.STDOUT, env=env)
        try:
            wait_for(f"http://127.0.0.1:{port}/api/health", process)
            status, body = get(f"http://127.0.0.1:{port}/")
            assert status == 200 and '<html lang="sv">' in body.decode("utf-8")
            status, body = get(f"http://127.0.0.1:{port}/api/health")
            assert status == 200 and b'"status":"ok"' in body.replace(b" ", b"")
            # rdflib's grammar breaks if its first parses run in parallel; serve warms it up
            assert first_sparql_answers_in_parallel(port) == [200] * 8
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=60) == 0
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        log.seek(0)
        output = log.read().decode("utf-8")
    assert "ingen data ännu" in output and "inläsningen klar" in output
    assert f"http://127.0.0.1:{port}/ (waitress, 8 trådar)" in output
    assert output.rstrip().endswith("servern avslutad")
    assert "Traceback" not in output


def test_a_taken_port_is_a_clear_error(built_data: Path) -> None:
    """Another program on the port: exit code 1 and a Swedish message, no traceback."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert bind_problem("127.0.0.1", port) is not None
        done = subprocess.run([BOKSLUT, "serve", "--port", str(port), "--data", str(built_data)],
                              capture_output=True, text=True, env=ENV, timeout=120)
    assert done.returncode == 1
    assert f"porten {port} på 127.0.0.1 är upptagen" in done.stderr
    assert "--port" in done.stderr and "Traceback" not in done.stderr
    assert done.stdout == ""


def test_an_address_of_another_machine_is_a_clear_error(built_data: Path) -> None:
    """A numeric address this machine does not have (no lookup, no traffic): exit code 1."""
    done = subprocess.run([BOKSLUT, "serve", "--host", "192.0.2.1", "--data", str(built_data)],
                          capture_output=True, text=True, env=ENV, timeout=120)
    assert done.returncode == 1
    assert "adressen 192.0.2.1 hör inte till den här datorn" in done.stderr
    assert "Traceback" not in done.stderr
