"""GET /sparql from a program, answered without Flask's request machinery.

A program's query is most of the endpoint's traffic, and the server's own CPU per request
limits its throughput (every worker runs beside it on the same cores). Flask's request
context, routing, and the page cache's generation check (two filesystem look-ups; /sparql is
never cached) cost about as much as the rest of the request in this process. This WSGI layer
takes only the plain case (GET, a query, a non-HTML format) and answers it with the view's
own function (web.sparql.views.answer) and the app's own after-request hooks, so the response
is the one Flask would send; everything else goes on to Flask unchanged.
"""

from __future__ import annotations

from flask import Flask, Request, Response

from web.api.lean_wsgi import Environ, LeanGetPath, WsgiApp
from web.sparql.negotiation import choose
from web.sparql.protocol import ProtocolError, read_request
from web.sparql.query_string import parse_query_string
from web.sparql.views import Caller, answer, bp

PATH = "/sparql"
# what request.base_url is made of (with no TRUSTED_HOSTS set)
_URL_PARTS = ("wsgi.url_scheme", "HTTP_HOST", "SERVER_NAME", "SERVER_PORT", "SCRIPT_NAME",
              "PATH_INFO")
_KEPT_URLS = 64


class SparqlFastPath(LeanGetPath):
    """WSGI middleware: a program's GET /sparql?query=… here, all else to the wrapped app."""

    path = PATH
    blueprint = bp.name

    def __init__(self, flask_app: Flask, inner: WsgiApp) -> None:
        super().__init__(flask_app, inner)
        self._base_urls: dict[tuple, str] = {}

    def respond(self, environ: Environ) -> Response | None:
        """The finished response, or None when Flask's view should answer (editor page,
        service description, malformed parameters: the view words those errors)."""
        if self.hooked():
            return None  # Flask vets the Host header / runs hooks this layer would skip
        request = self.flask_app.request_class(environ)
        args = parse_query_string(request.query_string)
        if args is None or "query" not in args:
            return None
        accept = request.headers.get("Accept")
        try:
            choice = choose(accept, args.get("format"))
            asked = read_request(request, args)
        except (ValueError, ProtocolError):
            return None
        if choice.html or asked.query is None:
            return None
        services = self.flask_app.extensions["bokslut"]
        return self.finished(environ, lambda: answer(
            services, Caller(self.base_url(request), request.remote_addr), choice, asked, accept))

    def base_url(self, request: Request) -> str:
        """`request.base_url`, kept per host and path: clients repeat them, and werkzeug
        rebuilds the URL (host checks, IRI decoding) each time."""
        environ = request.environ
        key = tuple(environ.get(name) for name in _URL_PARTS)
        url = self._base_urls.get(key)
        if url is None:
            if len(self._base_urls) >= _KEPT_URLS:  # Host is the client's to choose
                self._base_urls.clear()
            url = self._base_urls[key] = request.base_url
        return url


def init_app(app: Flask) -> None:
    """Put the lean path in front of everything else (the page cache included)."""
    app.wsgi_app = SparqlFastPath(app, app.wsgi_app)  # type: ignore[method-assign]
