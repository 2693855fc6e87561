"""#8.1: SERVICE hidden behind a carriage return, and isolation that fails closed.

rdflib ends a `#` comment only at LF, Oxigraph also at CR. The guard must vet exactly the
text the engine runs, and where the network namespace is denied (Docker's default seccomp
profile) a second mechanism must hold, or no query runs at all.
"""

from __future__ import annotations

import logging
import subprocess
import sys
import time
from pathlib import Path

import pytest

from graph.query_pool import PoolConfig
from graph.safe_query import QueryRefused, QueryUnavailable, run_query
from tests.security.support import LAUNCHER, ROOT, denied_command, ready_pool
from tests.sparql_support import EX, PREFIX, Canary, service_probe

HIDDEN = {
    "cr": "SELECT * WHERE { # c\rSERVICE <{url}> { ?a ?b ?c }\n}",
    "cr_silent": "SELECT * WHERE { # c\rSERVICE SILENT <{url}> { ?a ?b ?c }\n}",
    "crlf_then_cr": "SELECT *\r\nWHERE { ?s ex:n ?n # c\rSERVICE SILENT <{url}> { ?a ?b ?c }\r\n}",
    "ask": "ASK { # c\rSERVICE <{url}> { ?a ?b ?c }\n}",
}
DENY_UNSHARE = ["unshare"]
DENY_BOTH = ["unshare", "prctl_seccomp", "seccomp"]
ONE = PoolConfig(workers=1, queue=4, per_client=4)


def hidden(name: str, canary: Canary) -> str:
    """One of the hostile queries aimed at the canary."""
    return PREFIX + HIDDEN[name].replace("{url}", canary.url)


@pytest.mark.parametrize("name", sorted(HIDDEN))
def test_service_behind_a_carriage_return_is_refused(sparql_store: Path, canary: Canary,
                                                     name: str) -> None:
    with pytest.raises(QueryRefused, match="SERVICE"):
        run_query(sparql_store, hidden(name, canary))
    time.sleep(0.05)
    assert canary.requests == []


def test_crlf_queries_still_run(sparql_store: Path) -> None:
    """Normalising line ends changes nothing else: CR LF and CR are plain line breaks."""
    result = run_query(sparql_store, f"PREFIX ex: <{EX}>\r\nSELECT ?s\rWHERE {{ ?s ex:n 3 }}\r\n")
    assert result.rows == 1


def test_with_unshare_denied_seccomp_still_holds(sparql_store: Path, canary: Canary) -> None:
    """Where unshare is denied the workers fall back to seccomp and keep answering."""
    pool = ready_pool(ONE, denied_command(DENY_UNSHARE))
    try:
        result = run_query(sparql_store, PREFIX + "ASK { ?s ex:n 3 }", pool=pool)
        assert result.isolation == "seccomp" and result.network_isolated
        with pytest.raises(QueryRefused, match="SERVICE"):
            run_query(sparql_store, hidden("cr_silent", canary), pool=pool)
    finally:
        pool.close()
    assert canary.requests == []


# the worker's own start: the package imported bare, before pyoxigraph
BARE_START = """
import runpy, sys
runpy.run_path(sys.argv[1])["bare_package"]()
"""


def test_seccomp_alone_stops_the_engine_service(canary: Canary) -> None:
    """Behind the guard, with unshare denied: Oxigraph's own SERVICE call reaches nothing."""
    command = [sys.executable, str(LAUNCHER), "unshare", sys.executable, "-c",
               service_probe(canary.url, BARE_START), str(ROOT / "graph" / "worker_start.py")]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.stdout.split() == ["seccomp", "blocked"], done.stderr[-2000:]
    assert canary.requests == []


def test_without_any_isolation_queries_are_refused(sparql_store: Path, canary: Canary) -> None:
    """Neither namespace nor seccomp: fail closed, with a message that says why."""
    pool = ready_pool(ONE, denied_command(DENY_BOTH))
    try:
        with pytest.raises(QueryUnavailable, match="network namespace") as caught:
            run_query(sparql_store, hidden("cr", canary), pool=pool)
        assert "BOKSLUT_SPARQL_ALLOW_UNISOLATED" in caught.value.message
        with pytest.raises(QueryUnavailable):
            run_query(sparql_store, "ASK {}", pool=pool)
    finally:
        pool.close()
    assert canary.requests == []


def test_the_unisolated_override_runs_and_says_so_loudly(
        sparql_store: Path, canary: Canary, caplog: pytest.LogCaptureFixture) -> None:
    """With the override on, queries run (the guard still refuses SERVICE) and it is logged."""
    config = PoolConfig(workers=1, queue=4, per_client=4, allow_unisolated=True)
    with caplog.at_level(logging.CRITICAL, logger="graph.query_pool"):
        pool = ready_pool(config, denied_command(DENY_BOTH, allow_unisolated=True))
    try:
        result = run_query(sparql_store, PREFIX + "ASK { ?s ex:n 3 }", pool=pool)
        assert result.isolation == "none" and not result.network_isolated
        with pytest.raises(QueryRefused, match="SERVICE"):
            run_query(sparql_store, hidden("cr", canary), pool=pool)
    finally:
        pool.close()
    assert any("WITHOUT NETWORK ISOLATION" in r.getMessage() for r in caplog.records)
    assert canary.requests == []


def test_isolation_is_on_by_default_here(sparql_store: Path) -> None:
    """Without any denial at least one mechanism is in force (here both: netns+seccomp)."""
    pool = ready_pool(ONE)
    try:
        assert run_query(sparql_store, "ASK {}", pool=pool).isolation != "none"
    finally:
        pool.close()
