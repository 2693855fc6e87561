"""The lean GET /api/search path (web.search.lean_api) answers exactly as the Flask view would."""

from __future__ import annotations

import json
import shutil

import pytest
from werkzeug.test import EnvironBuilder

from web.search.lean_api import SearchLeanPath

# query parameters of valid searches: the lean path answers them
ANSWERED = [
    {"q": "äldreomsorg"},
    {"q": "Hur arbetar kommunen med barn som lever i fattigdom?", "k": "10"},
    {"q": "trygghet i skolan", "k": "3", "page": "2"},
    {"q": "idrott", "mode": "bm25", "year": "2025"},
    {"q": "psykisk hälsa", "mode": "dense", "goal": "c", "kind": "narrative"},
    {"q": "boende", "goal_area": "2", "k": "50"},
    {"q": "  arbetslöshet\t\x07bland  unga  "},  # cleaned before searching, echoed as given
    {"q": "äldreomsorgne"},  # a typo BM25 repairs
    {"q": "fotbollens VM-final i Qatar"},  # off topic: the note
    {"q": "!!! ???"},  # nothing to search: an empty 200
    {"q": ["förskola", "skola"]},  # the first value counts, as in request.args
    {"q": "<script>alert(1)</script> \"citat\" & ' \u2028"},
]

# bad parameters (400) and paths the lean path leaves to Flask
LEFT_TO_FLASK = [
    {}, {"q": ""}, {"q": "   "}, {"q": "x" * 2001}, {"q": "skola", "k": "0"},
    {"q": "skola", "k": "abc"}, {"q": "skola", "k": "101"}, {"q": "skola", "page": "0"},
    {"q": "skola", "year": "1800"}, {"q": "skola", "goal": "AB"}, {"q": "skola", "kind": "x"},
    {"q": "skola", "mode": "fuzzy"}, {"q": "skola", "goal_area": "-1"},
]


def environ(params: dict, **kwargs) -> dict:
    """A GET /api/search environ as a WSGI server would build it."""
    return EnvironBuilder(path="/api/search", query_string=params,
                          base_url="http://127.0.0.1:8080", **kwargs).get_environ()


def call(wsgi, env: dict) -> tuple[str, list[tuple[str, str]], bytes]:
    """Status, headers and body of one WSGI call."""
    seen: dict = {}

    def start_response(status: str, headers: list, exc_info: object = None) -> None:
        seen["status"], seen["headers"] = status, headers

    body = b"".join(wsgi(env, start_response))
    return seen["status"], seen["headers"], body


def lean_path(app) -> SearchLeanPath:
    """The app's /api/search layer (inside the /sparql one)."""
    layer = app.wsgi_app
    while not isinstance(layer, SearchLeanPath):
        layer = layer.inner  # AttributeError: the app has no lean search path
    return layer


def own_app(data, **config):
    """A fresh app over a fake-embedder data directory (the session's app must not change)."""
    from search.embedder import FakeEmbedder
    from web.app import create_app

    app = create_app({"data": data, "testing": True, **config}, embedder=FakeEmbedder())
    app.config.update(PROPAGATE_EXCEPTIONS=False)
    return app


@pytest.mark.parametrize("params", ANSWERED)
def test_lean_answer_equals_the_views(app, params):
    lean = lean_path(app)
    assert lean.respond(environ(params)) is not None  # the lean path took it
    answered = call(lean, environ(params))
    assert answered == call(lean.inner, environ(params))
    assert answered[0] == "200 OK"
    assert "results" in json.loads(answered[2])


@pytest.mark.parametrize("params", LEFT_TO_FLASK)
def test_bad_parameters_get_flasks_400(app, params):
    lean = lean_path(app)
    assert lean.respond(environ(params)) is None
    answered = call(lean, environ(params))
    assert answered == call(lean.inner, environ(params))
    assert answered[0] == "400 BAD REQUEST" and "error" in json.loads(answered[2])


def test_lean_answer_has_the_apps_headers(app):
    status, headers, body = call(lean_path(app), environ({"q": "fritidsgård"}))
    names = {k.lower(): v for k, v in headers}
    assert status == "200 OK" and json.loads(body)["query"] == "fritidsgård"
    assert names["content-type"] == "application/json"
    assert names["content-length"] == str(len(body))
    assert names["x-content-type-options"] == "nosniff" and names["x-frame-options"] == "DENY"
    assert "content-security-policy" in names


@pytest.mark.parametrize("request_kwargs", [
    {"method": "HEAD"}, {"method": "POST"}, {"path": "/api/search/"}, {"path": "/API/search"}])
def test_other_methods_and_paths_are_not_touched(app, monkeypatch, request_kwargs):
    def build() -> dict:
        return EnvironBuilder(**{"path": "/api/search", "query_string": {"q": "skola"},
                                 **request_kwargs}).get_environ()

    lean = lean_path(app)
    flask_answer = call(lean.inner, build())
    monkeypatch.setattr(SearchLeanPath, "respond",
                        lambda self, env: pytest.fail("the lean path was asked"))
    assert call(lean, build()) == flask_answer


def test_a_missing_index_gets_the_views_json_503(fake_data_copy):
    from web.pipeline.layout import index_dir

    shutil.rmtree(index_dir(fake_data_copy))
    lean = lean_path(own_app(fake_data_copy))
    assert lean.respond(environ({"q": "skola"})) is None
    answered = call(lean, environ({"q": "skola"}))
    assert answered == call(lean.inner, environ({"q": "skola"}))
    assert answered[0].startswith("503") and "ingest" in json.loads(answered[2])["error"]


def test_an_unexpected_error_gets_flasks_500(fake_data, monkeypatch):
    def failing(*_args, **_kwargs):
        raise RuntimeError("sökningen föll")

    monkeypatch.setattr("search.hybrid.HybridSearcher.search_page", failing)
    app = own_app(fake_data)
    seen: list = []
    app.register_error_handler(500, lambda e: seen.append(e) or ("eget fel", 500))
    lean = lean_path(app)
    answered = call(lean, environ({"q": "skola"}))
    assert answered == call(lean.inner, environ({"q": "skola"}))
    assert answered[0].startswith("500") and answered[2] == b"eget fel" and len(seen) == 2


def test_a_before_request_hook_sends_it_to_flask(fake_data):
    app = own_app(fake_data)
    seen: list[str] = []
    app.before_request(lambda: seen.append("hook"))  # e.g. a rate limit added later
    lean = lean_path(app)
    assert lean.respond(environ({"q": "skola"})) is None
    assert call(lean, environ({"q": "skola"}))[0] == "200 OK" and seen == ["hook"]


def test_the_setting_turns_it_off(fake_data):
    app = own_app(fake_data, lean_search=False)
    with pytest.raises(AttributeError):
        lean_path(app)
    on = own_app(fake_data)
    for params in (ANSWERED[1], LEFT_TO_FLASK[0]):
        assert call(app, environ(params)) == call(on, environ(params))


@pytest.mark.slow
@pytest.mark.parametrize("params", [ANSWERED[1], ANSWERED[7], ANSWERED[8],
                                    {"q": "Vad gör kommunen för att minska ensamheten "
                                          "bland äldre personer?"}])
def test_real_model_answers_are_the_same(app, params):
    lean = lean_path(app)
    answered = call(lean, environ(params))
    assert answered == call(lean.inner, environ(params)) and answered[0] == "200 OK"
