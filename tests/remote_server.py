"""A real Oxigraph server (PyPI `oxigraph`) in a subprocess, for tests of the external store."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from tests.processes import free_port, stop

OXIGRAPH = str(Path(sys.executable).with_name("oxigraph"))


@contextlib.contextmanager
def oxigraph_server(location: Path) -> Iterator[str]:
    """Start `oxigraph serve` on a free loopback port; yields its base URL; stops it after."""
    port = free_port()
    process = subprocess.Popen([OXIGRAPH, "serve", "--location", str(location),
                                "--bind", f"127.0.0.1:{port}"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url, process)
        yield url
    finally:
        stop(process, grace=20)


def wait_until_up(url: str, process: subprocess.Popen, seconds: float = 60) -> None:
    """Poll the query endpoint until it answers; fail at once if the server exited."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"oxigraph serve exited: {process.stderr.read().decode()}")
        with contextlib.suppress(OSError):
            urllib.request.urlopen(f"{url}/query?query=ASK%7B%7D", timeout=2).read()
            return
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {seconds} s")
