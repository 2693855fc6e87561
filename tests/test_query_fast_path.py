"""The lean GET /sparql path (web.sparql.fast_path) answers exactly as the Flask view would."""

from __future__ import annotations

from pathlib import Path

import pytest
from werkzeug.test import EnvironBuilder

from web.sparql.fast_path import SparqlFastPath

EXAMPLE = (Path(__file__).resolve().parents[1] / "ontology" / "queries"
           / "01-insatser-for-artikel.rq").read_text("utf-8")
GOAL_C = "https://w3id.org/bokslut/id/strategi/sodertalje-2025-2030/mal/C"
JSON = "application/sparql-results+json"

# (query parameters, Accept): the program requests the lean path takes
ANSWERED = [
    ({"query": EXAMPLE}, JSON),
    ({"query": EXAMPLE}, "text/csv"),
    ({"query": EXAMPLE}, "application/sparql-results+xml"),
    ({"query": EXAMPLE, "format": "tsv"}, None),
    ({"query": "ASK {}"}, JSON),
    ({"query": f"CONSTRUCT {{ <{GOAL_C}> ?p ?o }} WHERE {{ <{GOAL_C}> ?p ?o }}"}, "text/turtle"),
    ({"query": f"DESCRIBE <{GOAL_C}>"}, "application/n-triples"),
    ({"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"}, None),
    ({"query": "SELECT * WHERE { ?s ?p }"}, "text/plain"),
    ({"query": "SELECT * WHERE { ?s ?p }"}, "application/json"),
    ({"query": "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1",
      "default-graph-uri": "http://example.org/not-in-the-store"}, JSON),
    ({"query": "ASK {}"}, "image/png"),  # 406
    ({"query": f"CONSTRUCT {{ <{GOAL_C}> ?p ?o }} WHERE {{ <{GOAL_C}> ?p ?o }}"}, JSON),  # 406
]

# requests the lean path leaves to Flask (the editor, the description, the view's own errors)
LEFT_TO_FLASK = [
    ({"query": "ASK {}"}, "text/html"),
    ({}, "text/turtle"),
    ({"query": "ASK {}", "format": "nonsense"}, None),
    ({"query": "ASK {}", "update": "DROP ALL"}, None),
    ({"query": ["ASK {}", "ASK {}"]}, None),
    ({"query": "ASK {}", "format": "html"}, None),
]


def environ(params: dict, accept: str | None) -> dict:
    """A GET /sparql environ as a WSGI server would build it."""
    headers = {"Accept": accept} if accept else {}
    return EnvironBuilder(path="/sparql", query_string=params, headers=headers,
                          base_url="http://127.0.0.1:8080").get_environ()


def call(wsgi, env: dict) -> tuple[str, list[tuple[str, str]], bytes]:
    """Status, headers and body of one WSGI call."""
    seen: dict = {}

    def start_response(status: str, headers: list, exc_info: object = None) -> None:
        seen["status"], seen["headers"] = status, headers

    body = b"".join(wsgi(env, start_response))
    headers = [(k, v) for k, v in seen["headers"] if k != "Server-Timing"]  # a duration
    return seen["status"], headers, body


def fast_path(app) -> SparqlFastPath:
    """The app's lean path (the outermost WSGI layer)."""
    assert isinstance(app.wsgi_app, SparqlFastPath)
    return app.wsgi_app


@pytest.mark.parametrize(("params", "accept"), ANSWERED)
def test_lean_answer_equals_the_views(app, params, accept):
    lean = fast_path(app)
    assert lean.respond(environ(params, accept)) is not None  # the lean path took it
    assert call(lean, environ(params, accept)) == call(lean.inner, environ(params, accept))


@pytest.mark.parametrize(("params", "accept"), LEFT_TO_FLASK)
def test_other_requests_go_to_flask(app, params, accept):
    lean = fast_path(app)
    assert lean.respond(environ(params, accept)) is None
    # status and headers: the service description's blank nodes differ from call to call
    assert call(lean, environ(params, accept))[:2] == call(lean.inner, environ(params, accept))[:2]


def test_post_and_other_paths_are_not_touched(app):
    lean = fast_path(app)
    requests = [{"path": "/sparql", "method": "POST", "data": {"query": "ASK {}"}},
                {"path": "/sparql/", "query_string": {"query": "ASK {}"}},
                {"path": "/sparql", "method": "HEAD", "query_string": {"query": "ASK {}"}}]
    for kwargs in requests:
        env = EnvironBuilder(headers={"Accept": JSON}, **kwargs).get_environ()
        taken: list = []
        lean.respond = lambda env, taken=taken: taken.append(env)  # must not be asked
        try:
            answered = call(lean, env)
        finally:
            del lean.respond
        assert taken == []
        assert answered == call(lean.inner, EnvironBuilder(headers={"Accept": JSON},
                                                           **kwargs).get_environ())


def test_lean_answer_has_the_apps_headers(app):
    status, headers, body = call(fast_path(app), environ({"query": EXAMPLE}, JSON))
    names = {k.lower(): v for k, v in headers}
    assert status == "200 OK" and b'"bindings"' in body
    assert names["vary"] == "Accept"
    assert names["access-control-allow-origin"] == "*"
    assert names["x-content-type-options"] == "nosniff"
    assert names["x-frame-options"] == "DENY"
    assert "content-security-policy" in names
    assert names["content-type"] == "application/sparql-results+json; charset=utf-8"


def test_a_before_request_hook_sends_everything_to_flask(fake_data):
    from search.embedder import FakeEmbedder
    from web.app import create_app

    app = create_app({"data": fake_data, "testing": True}, embedder=FakeEmbedder())
    seen: list[str] = []
    app.before_request(lambda: seen.append("hook"))  # e.g. a rate limit added later
    lean = fast_path(app)
    assert lean.respond(environ({"query": "ASK {}"}, JSON)) is None
    status, _, body = call(lean, environ({"query": "ASK {}"}, JSON))
    assert (status, seen) == ("200 OK", ["hook"]) and b"boolean" in body


def own_app(fake_data, **config):
    """A fresh app over the fake data (the session's fake_app must not be changed)."""
    from search.embedder import FakeEmbedder
    from web.app import create_app

    app = create_app({"data": fake_data, "testing": True}, embedder=FakeEmbedder())
    app.config.update(config)
    return app


def failing_run(*_args, **_kwargs):
    """A runner failing the way no user error does (a worker that cannot start)."""
    raise RuntimeError("kan inte starta arbetaren")


def test_an_unexpected_error_gets_flasks_500(fake_data, monkeypatch, caplog):
    app = own_app(fake_data, PROPAGATE_EXCEPTIONS=False)
    monkeypatch.setattr("web.sparql.views._run", failing_run)
    lean = fast_path(app)
    env = environ({"query": "ASK {}"}, JSON)
    with caplog.at_level("ERROR", logger=app.logger.name):
        status, headers, body = call(lean, env)
    assert (status, headers, body) == call(lean.inner, environ({"query": "ASK {}"}, JSON))
    names = {k.lower(): v for k, v in headers}
    assert status.startswith("500")
    assert names["x-content-type-options"] == "nosniff" and names["x-frame-options"] == "DENY"
    assert "content-security-policy" in names and names["vary"] == "Accept"
    assert names["access-control-allow-origin"] == "*"
    logged = [r for r in caplog.records if r.name == app.logger.name]
    assert logged and logged[0].exc_info and logged[0].exc_info[0] is RuntimeError
    assert "/sparql" in logged[0].getMessage()


def test_the_apps_500_handler_and_exception_signal_serve_a_lean_error(fake_data, monkeypatch):
    from flask import got_request_exception

    app = own_app(fake_data, PROPAGATE_EXCEPTIONS=False)
    app.register_error_handler(500, lambda e: (f"eget fel: {e.original_exception}", 500))
    monkeypatch.setattr("web.sparql.views._run", failing_run)
    lean = fast_path(app)
    assert lean.respond(environ({"query": "ASK {}"}, JSON)) is not None  # lean path took it
    seen: list = []

    def receiver(sender, exception, **_extra):
        seen.append(type(exception))

    with got_request_exception.connected_to(receiver, app):
        lean_answer = call(lean, environ({"query": "ASK {}"}, JSON))
        assert lean_answer == call(lean.inner, environ({"query": "ASK {}"}, JSON))
    assert lean_answer[2] == b"eget fel: kan inte starta arbetaren"
    assert seen == [RuntimeError, RuntimeError]  # lean path, then Flask's


def test_a_failing_after_request_hook_gets_flasks_500(fake_data):
    app = own_app(fake_data, PROPAGATE_EXCEPTIONS=False)

    @app.after_request
    def broken(response):
        raise OSError("kan inte skriva")

    lean = fast_path(app)
    answered = call(lean, environ({"query": "ASK {}"}, JSON))
    assert answered[0].startswith("500")
    assert answered == call(lean.inner, environ({"query": "ASK {}"}, JSON))


def test_a_propagating_app_sees_the_error_raised(fake_data, monkeypatch):
    app = own_app(fake_data)  # testing: Flask re-raises for the test client / debugger
    monkeypatch.setattr("web.sparql.views._run", failing_run)
    lean = fast_path(app)
    for wsgi in (lean, lean.inner):
        with pytest.raises(RuntimeError, match="arbetaren"):
            call(wsgi, environ({"query": "ASK {}"}, JSON))


def add_url_defaults(app) -> None:
    app.url_defaults(lambda endpoint, values: None)


def add_appcontext_teardown(app) -> None:
    app.teardown_appcontext(lambda error: None)


def add_blueprint_teardown(app) -> None:
    app.teardown_request_funcs.setdefault("sparql", []).append(lambda error: None)


def add_after_this_request(app) -> None:
    from flask import after_this_request

    app.before_request(lambda: after_this_request(lambda response: response) and None)


@pytest.mark.parametrize("change", [
    lambda app: app.config.update(SERVER_NAME="bokslut.example.org"),
    lambda app: app.config.update(TRUSTED_HOSTS=["127.0.0.1"]),
    add_url_defaults, add_appcontext_teardown, add_blueprint_teardown, add_after_this_request,
], ids=["server-name", "trusted-hosts", "url-defaults", "teardown-appcontext",
        "blueprint-teardown", "after-this-request"])
def test_flask_answers_when_the_app_has_hooks_or_host_rules(fake_data, change):
    app = own_app(fake_data)
    lean = fast_path(app)
    assert lean.respond(environ({"query": "ASK {}"}, JSON)) is not None  # before the change
    change(app)
    assert lean.hooked() and lean.respond(environ({"query": "ASK {}"}, JSON)) is None
    assert call(lean, environ({"query": "ASK {}"}, JSON)) == call(
        lean.inner, environ({"query": "ASK {}"}, JSON))


def test_flask_answers_when_a_request_signal_has_a_receiver(fake_data):
    from flask import request_finished

    app = own_app(fake_data)
    seen: list = []

    def receiver(sender, response, **_extra):
        seen.append(response.status_code)

    lean = fast_path(app)
    with request_finished.connected_to(receiver, app):
        assert lean.respond(environ({"query": "ASK {}"}, JSON)) is None
        status, _, body = call(lean, environ({"query": "ASK {}"}, JSON))
    assert (status, seen) == ("200 OK", [200]) and b"boolean" in body
    assert lean.respond(environ({"query": "ASK {}"}, JSON)) is not None  # receiver gone
