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
