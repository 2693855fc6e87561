"""The Flask application factory: one blueprint per URL area, settings made explicit."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response

from search.embedder import Embedder
from web import cache as page_cache
from web import filters
from web import services as services_module
from web.blueprints import BLUEPRINTS
from web.search import lean_api as search_lean_path
from web.settings import resolve
from web.sparql import fast_path as sparql_fast_path

MAX_REQUEST_BYTES = 64 * 1024  # queries are capped at 32 KB; forms need a little more


def create_app(test_config: dict[str, Any] | None = None,
               embedder: Embedder | None = None) -> Flask:
    """Build the app from resolved settings; test_config overrides settings by name."""
    settings = resolve(test_config or {})
    app = Flask(__name__)
    app.config.update(MAX_CONTENT_LENGTH=MAX_REQUEST_BYTES, JSON_SORT_KEYS=False,
                      BOKSLUT=settings, TESTING=bool((test_config or {}).get("testing")))
    services_module.init_app(app, settings, embedder)
    filters.init_app(app)
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    app.after_request(security_headers)
    page_cache.init_app(app)  # pages are built once per data generation
    if settings["lean_search"]:
        search_lean_path.init_app(app)  # a valid GET /api/search skips Flask's machinery
    sparql_fast_path.init_app(app)  # a program's GET /sparql skips Flask's machinery
    return app


def security_headers(response: Response) -> Response:
    """No sniffing, no framing, only our own assets."""
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'")
    return response
