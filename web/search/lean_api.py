"""GET /api/search from a program, answered without Flask's request machinery.

The request's own work is the query encoder (about 11 ms on a quiet host) and the searcher
around it; Flask's request and app contexts, routing, signals and the page cache's generation
check (file-system look-ups; search answers are never cached) add about as much again as the
JSON. This layer (web.api.lean_wsgi) answers a valid search with the view's own SearchForm
methods and the app's after-request hooks, so the response is the one Flask would send; a bad
parameter, a missing index and every other request go on to Flask, which words those errors.
"""

from __future__ import annotations

from flask import Flask, Response

from search.index_store import SearchIndexError
from web.api.lean_wsgi import Environ, LeanGetPath
from web.search.views import SearchForm, bp

PATH = "/api/search"


class SearchLeanPath(LeanGetPath):
    """WSGI middleware: a valid GET /api/search?q=… here, all else to the wrapped app."""

    path = PATH
    blueprint = bp.name

    def respond(self, environ: Environ) -> Response | None:
        """The finished 200, or None when Flask's view should answer (a 400 or 503)."""
        if self.hooked():
            return None  # Flask vets the Host header / runs hooks this layer would skip
        form = SearchForm.parse(self.flask_app.request_class(environ).args)
        if form.api_errors() is not None:
            return None
        services = self.flask_app.extensions["bokslut"]

        def answer() -> Response | None:
            try:
                return form.api_response(services)
            except SearchIndexError:
                return None  # the view's JSON 503, not the blueprint's HTML one

        return self.finished(environ, answer)


def init_app(app: Flask) -> None:
    """Put the lean path in front of the page cache (search answers are never cached)."""
    app.wsgi_app = SearchLeanPath(app, app.wsgi_app)  # type: ignore[method-assign]
