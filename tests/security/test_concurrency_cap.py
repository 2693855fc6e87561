"""#8.5: query processes are capped; a full pool answers 503 + Retry-After at once, and one
client cannot take every slot (429 + Retry-After for that client, others still served)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask

from graph.query_pool import PoolConfig
from graph.safe_query import shared_pool
from tests.security.support import small_data, wait_until_busy, warm
from web.app import create_app
from web.pipeline.ingest import store_dir

CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory with the small store."""
    return small_data(tmp_path_factory.mktemp("cap"))


def make_app(data: Path, **settings: object) -> Flask:
    """The app with pool settings, its workers started."""
    app = create_app({"data": data, "testing": True, "sparql_timeout": 6, **settings})
    warm(pool_of(app), store_dir(data))
    return app


def ask(app: Flask, client: str, query: str = "ASK {}"):
    """One protocol request from a client address."""
    return app.test_client().get("/sparql", query_string={"query": query, "format": "json"},
                                 environ_base={"REMOTE_ADDR": client})


@contextmanager
def slow_queries(app: Flask, client: str, count: int) -> Iterator[list[int]]:
    """`count` cartesian queries from `client`, holding workers until the deadline."""
    statuses: list[int] = []
    threads = [threading.Thread(target=lambda: statuses.append(
        ask(app, client, CARTESIAN).status_code)) for _ in range(count)]
    for thread in threads:
        thread.start()
    try:
        yield statuses
    finally:
        for thread in threads:
            thread.join()


def pool_of(app: Flask):
    """The app's worker pool."""
    return shared_pool(PoolConfig.from_settings(app.config["BOKSLUT"]))


def test_a_full_pool_answers_503_at_once(data: Path) -> None:
    app = make_app(data, sparql_workers=1, sparql_queue=0, sparql_per_client=4)
    assert ask(app, "10.0.0.9").status_code == 200  # the worker is up
    with slow_queries(app, "10.0.0.1", 1) as statuses:
        wait_until_busy(pool_of(app))
        response = ask(app, "10.0.0.2")
        assert response.status_code == 503
        assert int(response.headers["Retry-After"]) >= 1
        assert "upptagen" in response.get_data(as_text=True)
        assert statuses == []  # answered while the slow query still held the worker
    assert statuses == [503]  # the slow one itself: stopped at the deadline


def test_one_client_cannot_take_every_slot(data: Path) -> None:
    app = make_app(data, sparql_workers=2, sparql_queue=4, sparql_per_client=1)
    first = ask(app, "10.0.1.9")
    assert first.status_code == 200, first.get_data(as_text=True)
    with slow_queries(app, "10.0.1.1", 1) as statuses:
        pool = pool_of(app)
        while pool.stats()["idle"] == 2:
            threading.Event().wait(0.02)
        mine = ask(app, "10.0.1.1")
        assert mine.status_code == 429 and int(mine.headers["Retry-After"]) >= 1
        assert "flera frågor igång" in mine.get_data(as_text=True)
        assert ask(app, "10.0.1.2").status_code == 200  # someone else is still served
        assert statuses == []
    assert statuses == [503]


def test_pool_settings_are_documented_defaults() -> None:
    config = PoolConfig.from_settings(create_app({"testing": True}).config["BOKSLUT"])
    assert (config.workers, config.queue, config.per_client) == (2, 16, 4)
    assert config.allow_unisolated is False
