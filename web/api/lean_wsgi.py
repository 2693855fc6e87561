"""What every lean GET path shares: answer a program's plain request without Flask's machinery.

A lean path is WSGI middleware for one URL. It answers the plain case with the view's own
function and the app's own after-request hooks, so the response is the one Flask would send,
and hands everything else (other methods and paths, anything it does not recognise) to the
wrapped app unchanged. An app that vets the Host header or has request hooks or signal
receivers is always answered by Flask, and an error raised on the lean path gets Flask's own
answer (its handlers, logging, hooks). Used by GET /sparql (web.sparql.fast_path) and GET
/api/search (web.search.lean_api).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from itertools import chain
from typing import Any

from flask import Flask, Response
from flask.signals import (
    appcontext_popped,
    appcontext_pushed,
    appcontext_tearing_down,
    request_finished,
    request_started,
    request_tearing_down,
)

Environ = dict[str, Any]
StartResponse = Callable[..., Any]
WsgiApp = Callable[[Environ, StartResponse], Iterable[bytes]]
# signals Flask sends around every request; a lean path sends none of them
_REQUEST_SIGNALS = (request_started, request_finished, request_tearing_down, appcontext_pushed,
                    appcontext_tearing_down, appcontext_popped)


class LeanGetPath(ABC):
    """WSGI middleware: GET `path` may be answered by `respond`, all else by the wrapped app."""

    path = ""  # the one PATH_INFO this layer looks at
    blueprint = ""  # the name of the blueprint whose view owns that path

    def __init__(self, flask_app: Flask, inner: WsgiApp) -> None:
        self.flask_app = flask_app
        self.inner = inner

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        response = None
        if environ.get("REQUEST_METHOD") == "GET" and environ.get("PATH_INFO") == self.path:
            response = self.respond(environ)
        if response is None:
            return self.inner(environ, start_response)
        return response(environ, start_response)

    @abstractmethod
    def respond(self, environ: Environ) -> Response | None:
        """The finished response, or None when Flask's view should answer."""

    def hooked(self) -> bool:
        """True when Flask must answer: a host check (TRUSTED_HOSTS, SERVER_NAME) or request
        hooks besides after_request (a before_request limit, a teardown, URL defaults, a
        signal receiver), which only Flask runs. after_this_request needs no check: only
        code in Flask's request context can register one (a before_request hook, sent to Flask
        here, or the view, whose function runs here without a context and so cannot)."""
        app = self.flask_app
        if app.config["TRUSTED_HOSTS"] is not None or app.config["SERVER_NAME"]:
            return True
        if app.teardown_appcontext_funcs or any(s.receivers for s in _REQUEST_SIGNALS):
            return True
        return any(registry.get(name) for registry in (
            app.before_request_funcs, app.url_value_preprocessors, app.teardown_request_funcs,
            app.url_default_functions) for name in (None, self.blueprint))

    def finished(self, environ: Environ,
                 answer: Callable[[], Response | None]) -> Response | None:
        """The view's response (`answer()`) after the after-request hooks; an error raised
        by either gets Flask's own answer. None (from `answer()`): Flask's view answers."""
        try:
            response = answer()
        except Exception as error:  # a worker that cannot start, MemoryError, a bug
            return self.flask_error(environ, error, in_view=True)
        if response is None:
            return None
        try:
            return self.finish(response)
        except Exception as error:  # an after-request hook failed
            return self.flask_error(environ, error, in_view=False)

    def finish(self, response: Response) -> Response:
        """The after-request hooks Flask would run for this blueprint, in Flask's order."""
        funcs = self.flask_app.after_request_funcs
        for func in chain(reversed(funcs.get(self.blueprint, [])), reversed(funcs.get(None, []))):
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
