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

from collections.abc import Callable, Iterable
from itertools import chain
from typing import Any

from flask import Flask, Request, Response
from flask.signals import (
    appcontext_popped,
    appcontext_pushed,
    appcontext_tearing_down,
    request_finished,
    request_started,
    request_tearing_down,
)

from web.sparql.negotiation import choose
from web.sparql.protocol import ProtocolError, read_request
from web.sparql.query_string import parse_query_string
from web.sparql.views import Caller, answer, bp

Environ = dict[str, Any]
StartResponse = Callable[..., Any]
WsgiApp = Callable[[Environ, StartResponse], Iterable[bytes]]
PATH = "/sparql"
# what request.base_url is made of (with no TRUSTED_HOSTS set)
_URL_PARTS = ("wsgi.url_scheme", "HTTP_HOST", "SERVER_NAME", "SERVER_PORT", "SCRIPT_NAME",
              "PATH_INFO")
_KEPT_URLS = 64
# signals Flask sends around every request; the lean path sends none of them
_REQUEST_SIGNALS = (request_started, request_finished, request_tearing_down, appcontext_pushed,
                    appcontext_tearing_down, appcontext_popped)


class SparqlFastPath:
    """WSGI middleware: a program's GET /sparql?query=… here, all else to the wrapped app."""

    def __init__(self, flask_app: Flask, inner: WsgiApp) -> None:
        self.flask_app = flask_app
        self.inner = inner
        self._base_urls: dict[tuple, str] = {}

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        response = None
        if environ.get("REQUEST_METHOD") == "GET" and environ.get("PATH_INFO") == PATH:
            response = self.respond(environ)
        if response is None:
            return self.inner(environ, start_response)
        return response(environ, start_response)

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
        try:
            response = answer(services, Caller(self.base_url(request), request.remote_addr),
                              choice, asked, accept)
        except Exception as error:  # a worker that cannot start, MemoryError, a bug
            return self.flask_error(environ, error, in_view=True)
        try:
            return self.finish(response)
        except Exception as error:  # an after-request hook failed
            return self.flask_error(environ, error, in_view=False)

    def hooked(self) -> bool:
        """True when Flask must answer: a host check (TRUSTED_HOSTS, SERVER_NAME) or request
        hooks besides after_request (a before_request limit, a teardown, URL defaults, a
        signal receiver), which only Flask runs. after_this_request needs no check: only
        code in Flask's request context can register one (a before_request hook, sent to Flask
        here, or the view, whose answer() runs here without a context and so cannot)."""
        app = self.flask_app
        if app.config["TRUSTED_HOSTS"] is not None or app.config["SERVER_NAME"]:
            return True
        if app.teardown_appcontext_funcs or any(s.receivers for s in _REQUEST_SIGNALS):
            return True
        return any(registry.get(name) for registry in (
            app.before_request_funcs, app.url_value_preprocessors, app.teardown_request_funcs,
            app.url_default_functions) for name in (None, bp.name))

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

    def finish(self, response: Response) -> Response:
        """The after-request hooks Flask would run for this blueprint, in Flask's order."""
        funcs = self.flask_app.after_request_funcs
        for func in chain(reversed(funcs.get(bp.name, [])), reversed(funcs.get(None, []))):
            response = func(response)
        return response


    def flask_error(self, environ: Environ, error: Exception, *, in_view: bool) -> Response:
        """Flask's own answer to an error raised on the lean path, as if the view (in_view)
        or the response's finishing had raised it: in a request context, through the app's
        error handlers, its logging (app.logger, with the traceback), the after-request hooks
        and the teardowns; re-raised when the app propagates exceptions (testing, debug)."""
        app = self.flask_app
        ctx = app.request_context(environ)
        unhandled: BaseException | None = None
        try:
            ctx.push()
            try:
                try:
                    raise error
                except Exception as raised:
                    if not in_view:
                        raise
                    value = app.handle_user_exception(raised)  # the app's handler, or re-raised
                return app.finalize_request(value)
            except Exception as failure:
                unhandled = failure
                return app.handle_exception(failure)  # logs it and builds the 500
        finally:
            ctx.pop(unhandled)


def init_app(app: Flask) -> None:
    """Put the lean path in front of everything else (the page cache included)."""
    app.wsgi_app = SparqlFastPath(app, app.wsgi_app)  # type: ignore[method-assign]
