"""The page cache: one render per data generation, ETag/304, Accept respected, bounded size."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask, Response, request

from graph.store import current_generation
from graph.store_writer import rebuild
from web.cache import Page, PageCache, PageCacheMiddleware, request_key
from web.pipeline.ingest import store_dir

GOAL_C = "/id/strategi/sodertalje-2025-2030/mal/C"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


class Clock:
    """A stand-in data generation the tests can move on."""

    def __init__(self) -> None:
        self.value: str | None = "gen-000001.1"

    def __call__(self) -> str | None:
        return self.value


@pytest.fixture()
def small():
    """A tiny Flask app behind the middleware, counting how often each view renders."""
    app = Flask(__name__)
    renders: dict[str, int] = {}
    clock = Clock()

    @app.get("/id/<path:rest>")
    def resource(rest: str) -> Response:
        renders[rest] = renders.get(rest, 0) + 1
        if rest == "saknas":
            return Response("finns inte", 404)
        if "text/turtle" in request.headers.get("Accept", ""):
            body, kind = f"<{rest}> a <Sak> .", "text/turtle"
        else:
            body, kind = f"<p>{rest} {request.args.get('sida', '')}</p>", "text/html"
        response = Response(body, content_type=kind)
        response.vary.add("Accept")
        return response

    @app.post("/id/<path:rest>")
    def change(rest: str) -> str:
        renders["post"] = renders.get("post", 0) + 1
        return "ok"

    @app.get("/sok")
    def search() -> str:
        renders["sok"] = renders.get("sok", 0) + 1
        return "träffar"

    cache = PageCache(max_bytes=64 * 1024, max_entries=50)
    app.wsgi_app = PageCacheMiddleware(app.wsgi_app, cache, clock)
    return app.test_client(), renders, clock, cache


def test_second_request_is_served_without_rendering(small) -> None:
    client, renders, _, _ = small
    first, second = client.get("/id/mal/C"), client.get("/id/mal/C")
    assert renders["mal/C"] == 1
    assert first.headers["X-Bokslut-Cache"] == "miss"
    assert second.headers["X-Bokslut-Cache"] == "hit"
    assert second.data == first.data and second.headers["ETag"] == first.headers["ETag"]


def test_revalidation_answers_304_without_body(small) -> None:
    client, renders, _, _ = small
    etag = client.get("/id/mal/C").headers["ETag"]
    again = client.get("/id/mal/C", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == etag
    assert client.get("/id/mal/C", headers={"If-None-Match": '"annan"'}).status_code == 200
    assert renders["mal/C"] == 1


def test_first_request_with_matching_etag_is_also_304(small) -> None:
    client, renders, _, cache = small
    etag = client.get("/id/mal/D").headers["ETag"]
    cache.clear()
    assert client.get("/id/mal/D", headers={"If-None-Match": etag}).status_code == 304
    assert renders["mal/D"] == 2


def test_a_new_generation_invalidates(small) -> None:
    client, renders, clock, _ = small
    old = client.get("/id/mal/C").headers["ETag"]
    clock.value = "gen-000002.1"
    fresh = client.get("/id/mal/C", headers={"If-None-Match": old})
    assert fresh.status_code == 200 and fresh.headers["ETag"] != old
    assert renders["mal/C"] == 2


def test_accept_selects_its_own_entry(small) -> None:
    client, renders, _, _ = small
    html = client.get("/id/mal/C", headers={"Accept": BROWSER})
    turtle = client.get("/id/mal/C", headers={"Accept": "text/turtle"})
    assert html.mimetype == "text/html" and turtle.mimetype == "text/turtle"
    assert client.get("/id/mal/C", headers={"Accept": "text/turtle"}).data == turtle.data
    assert client.get("/id/mal/C", headers={"Accept": BROWSER}).data == html.data
    assert "Accept" in turtle.headers["Vary"]
    assert renders["mal/C"] == 2


def test_query_string_is_part_of_the_key(small) -> None:
    client, _, _, _ = small
    assert b"2" in client.get("/id/mal/C?sida=2").data
    assert b"3" in client.get("/id/mal/C?sida=3").data


def test_errors_other_methods_and_other_areas_are_not_cached(small) -> None:
    client, renders, _, cache = small
    for _ in range(2):
        assert client.get("/id/saknas").status_code == 404
        client.post("/id/mal/C")
        client.get("/sok")
    assert renders["saknas"] == 2 and renders["post"] == 2 and renders["sok"] == 2
    assert len(cache) == 0


def test_head_is_answered_from_a_stored_page(small) -> None:
    client, renders, _, _ = small
    body = client.get("/id/mal/C").data
    head = client.head("/id/mal/C")
    assert head.status_code == 200 and head.data == b""
    assert int(head.headers["Content-Length"]) == len(body)
    assert renders["mal/C"] == 1


def test_no_generation_means_no_caching(small) -> None:
    client, renders, clock, cache = small
    clock.value = None
    client.get("/id/mal/C")
    client.get("/id/mal/C")
    assert renders["mal/C"] == 2 and len(cache) == 0


def test_client_chosen_keys_cannot_grow_the_cache(small) -> None:
    client, _, _, cache = small
    for i in range(300):
        client.get(f"/id/mal/C?sida={i}", headers={"Accept": f"text/html;x={i}"})
    assert len(cache) <= cache.max_entries
    assert cache.bytes <= cache.max_bytes
    assert request_key({"REQUEST_METHOD": "GET", "PATH_INFO": "/id/" + "x" * 5000}, "g") is None


def test_byte_bound_evicts_least_recently_used() -> None:
    cache = PageCache(max_bytes=10_000, max_entries=1000)
    page = Page("200 OK", (), b"x" * 1000, '"e"')
    for i in range(30):
        cache.put(("g", str(i)), page)
        if i == 20:
            assert cache.get(("g", "15")) is not None  # recently used: kept
    assert cache.bytes <= 10_000
    assert cache.get(("g", "0")) is None
    assert cache.get(("g", "15")) is not None
    cache.put(("g", "huge"), Page("200 OK", (), b"x" * 5000, '"h"'))  # > 1/8 of the budget
    assert cache.get(("g", "huge")) is None


@pytest.mark.slow
def test_real_pages_render_once_per_generation(app, built_data: Path, monkeypatch) -> None:
    """Start and mål pages of the real app: hit, 304, Accept, and a real generation swap."""
    cache = app.extensions["bokslut_page_cache"]
    cache.clear()
    counts = {"start.index": 0, "entity.resource": 0}
    for endpoint in counts:
        view = app.view_functions[endpoint]

        def counting(*args, _view=view, _name=endpoint, **kwargs):
            counts[_name] += 1
            return _view(*args, **kwargs)

        monkeypatch.setitem(app.view_functions, endpoint, counting)
    client = app.test_client()
    first = client.get("/")
    assert first.status_code == 200 and client.get("/").data == first.data
    html = client.get(GOAL_C, headers={"Accept": BROWSER})
    turtle = client.get(GOAL_C, headers={"Accept": "text/turtle"})
    assert html.mimetype == "text/html" and turtle.mimetype == "text/turtle"
    assert client.get(GOAL_C, headers={"Accept": BROWSER}).data == html.data
    assert counts == {"start.index": 1, "entity.resource": 2}
    assert client.get("/", headers={"If-None-Match": first.headers["ETag"]}).status_code == 304

    before = current_generation(store_dir(built_data))
    with rebuild(store_dir(built_data)):
        pass  # same content, new generation: pages must be rebuilt all the same
    assert current_generation(store_dir(built_data)) != before
    again = client.get("/", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 200 and again.headers["ETag"] != first.headers["ETag"]
    assert counts["start.index"] == 2
