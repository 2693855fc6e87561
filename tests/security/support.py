"""Shared helpers for the security regression tests: a small data directory, an app, a pool
whose workers run under a seccomp filter that denies chosen system calls (as Docker does)."""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

from graph.query_pool import PoolConfig, WorkerPool, worker_command
from tests.sparql_support import build_store

ROOT = Path(__file__).resolve().parents[2]
LAUNCHER = Path(__file__).with_name("denying_launcher.py")


def small_data(root: Path) -> Path:
    """A data directory holding only the small SPARQL fixture store."""
    from web.pipeline.ingest import store_dir

    build_store(store_dir(root))
    return root


def denied_command(denied: list[str], allow_unisolated: bool = False) -> list[str]:
    """The worker command, run under a filter that makes `denied` calls fail with EPERM."""
    return [sys.executable, str(LAUNCHER), ",".join(denied), *worker_command(allow_unisolated)]


def ready_pool(config: PoolConfig, command: list[str] | None = None,
               wait: float = 120.0) -> WorkerPool:
    """A pool with all its workers started (or given up on)."""
    pool = WorkerPool(config, command)
    pool.start()
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline and pool.stats()["idle"] < config.workers:
        if pool.stats()["alive"] == 0:
            break  # the workers refused to serve (no isolation): nothing more to wait for
        time.sleep(0.05)
    return pool


def warm(pool: WorkerPool, store: Path | None = None, wait: float = 120.0) -> WorkerPool:
    """Start a pool's workers, and let each open `store` once (a loaded machine is slow at
    both; a test's short deadline should time the query, not the start)."""
    from graph.safe_query import Limits, run_query

    pool.start()
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline and pool.stats()["idle"] < pool.config.workers:
        time.sleep(0.05)
    if store is not None:
        threads = [threading.Thread(target=run_query, args=(store, "ASK {}"), kwargs={
            "pool": pool, "limits": Limits(timeout=wait)}) for _ in range(pool.config.workers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    return pool


def wait_until_busy(pool: WorkerPool, wait: float = 60.0) -> None:
    """Block until no worker is idle (a slow query holds each one)."""
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline and pool.stats()["idle"] > 0:
        time.sleep(0.02)
    assert pool.stats()["idle"] == 0
