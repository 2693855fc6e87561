"""`bokslut serve`: build the data directory if it is empty, then run the web application."""

from __future__ import annotations

import errno
import signal
import socket
import time
from pathlib import Path
from types import FrameType
from typing import Any

import click

from corpus import ReportError
from graph import (
    StoreError,
    StoreLocation,
    open_reader,
    published_generation,
    push_live,
    tidy,
)
from search.embedder import ModelSettingError
from web.cli.common import data_option, fail, settings
from web.pipeline.ingest import bundled_reports, index_dir, store_dir
from web.pipeline.layout import store_location
from web.pipeline.recorded_ingest import ingest_recorded

DEFAULT_THREADS = 8


def needs_ingest(data: Path) -> bool:
    """True when the data directory has no published store or no saved search index."""
    index_manifest = index_dir(Path(data)) / "manifest.json"
    return published_generation(store_dir(data)) is None or not index_manifest.is_file()


def ingest_bundled(cfg: dict[str, Any], location: StoreLocation) -> None:
    """Build store and index from the bundled corpus, printing progress (the same path as
    `bokslut ingest`, so the encoder precision is recorded with the index)."""
    click.echo(f"{cfg['data']}: ingen data ännu, läser in de medföljande boksluten …")
    started = time.perf_counter()
    try:
        ingest_recorded(cfg, bundled_reports(), lambda message: click.echo(f"  {message}"),
                        location)
    except (ReportError, StoreError, ModelSettingError) as exc:
        fail(f"inläsningen misslyckades: {exc}")
    except OSError as exc:
        fail(f"inläsningen misslyckades: {exc.strerror or exc}")
    click.echo(f"inläsningen klar på {time.perf_counter() - started:.0f} s")


def prepare_store(cfg: dict[str, Any]) -> StoreLocation:
    """Where the graph lives (a bad BOKSLUT_STORE is a user error); remove what a crashed
    writer left there and give an empty external server the local data."""
    try:
        location = store_location(cfg)
        tidy(location)
        if location.remote and not needs_ingest(cfg["data"]) \
                and not open_reader(location).list_graphs():
            click.echo(f"{location.endpoint}: tomt lager, publicerar den lokala generationen …")
            push_live(location)
    except (StoreError, ValueError) as exc:
        fail(str(exc))
    return location


def bind_problem(host: str, port: int) -> str | None:
    """Why the server could not listen on host:port (None when it can)."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM)[0]
    except (socket.gaierror, UnicodeError) as exc:
        return f"okänd värd {host!r}: {exc}"
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            return describe_bind_error(host, port, exc)
    return None


def describe_bind_error(host: str, port: int, exc: OSError) -> str:
    """A Swedish explanation of a failed bind."""
    if exc.errno == errno.EADDRINUSE:
        return (f"porten {port} på {host} är upptagen (kör servern redan?); "
                f"välj en annan med --port eller BOKSLUT_PORT")
    if exc.errno == errno.EADDRNOTAVAIL:
        return f"adressen {host} hör inte till den här datorn; använd t.ex. 127.0.0.1"
    if exc.errno == errno.EACCES:
        return f"ingen behörighet att lyssna på port {port}; välj en port över 1024"
    return f"kan inte lyssna på {host}:{port}: {exc.strerror or exc}"


def warm_up(app: Any) -> None:
    """Open the store, load the search model and start the SPARQL workers now, so the first
    request is not slow."""
    from graph import PoolConfig, shared_pool
    from web.services import services

    click.echo("laddar kunskapsgrafen och sökmodellen …")
    with app.app_context():
        services().store()
        searcher = services().searcher()
        searcher.prepare()  # typo/accent tables, the report's spellings, snippet spans: once
        searcher.search("uppvärmning", 1)  # the encoder's first run allocates its buffers
        shared_pool(PoolConfig.from_settings(services().settings)).start()


class Stopped(SystemExit):
    """SIGTERM arrived: leave the serving loop and close the server.

    A SystemExit, because the signal may land while waitress's loop is inside a channel's
    handler, and its loop swallows any Exception there (it logs it and closes that channel),
    so an Exception would leave the server running.
    """


def stop_on_sigterm() -> None:
    """Turn SIGTERM into a normal exit so the server shuts down cleanly."""
    def handler(signum: int, frame: FrameType | None) -> None:
        raise Stopped

    signal.signal(signal.SIGTERM, handler)


def run_waitress(app: Any, host: str, port: int, threads: int) -> None:
    """Serve with waitress (the production server) until SIGTERM or Ctrl+C."""
    from waitress import create_server

    from web.cli.log_limits import limit_queue_warnings

    limit_queue_warnings()
    try:
        server = create_server(app, host=host, port=port, threads=threads, ident="bokslut")
    except OSError as exc:
        fail(describe_bind_error(host, port, exc))
    click.echo(f"Bokslutsgrafen på http://{host}:{port}/ (waitress, {threads} trådar); "
               "avsluta med Ctrl+C")
    try:
        server.run()
    except Stopped:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a second SIGTERM ends it at once
        drain(server)
        raise
    finally:
        server.close()


def drain(server: Any, seconds: float = 10.0) -> None:
    """Stop accepting, then keep the loop running until answers in progress are written.

    Closing waitress at once would close its wake-up pipe under worker threads that are
    still finishing a request (they then log "Bad file descriptor").
    """
    from waitress import wasyncore

    server.accepting = False
    dispatcher = server.task_dispatcher
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and (
            dispatcher.active_count > 0 or dispatcher.queue
            or any(getattr(c, "total_outbufs_len", 0) for c in list(server._map.values()))):
        wasyncore.loop(timeout=0.05, map=server._map, count=1)


def run_dev(app: Any, host: str, port: int) -> None:
    """Serve with Flask's development server (reloader off, so signals reach this process)."""
    click.echo(f"Bokslutsgrafen på http://{host}:{port}/ (Flasks utvecklingsserver; "
               "inte för produktion)")
    app.run(host=host, port=port, debug=False, use_reloader=False, threaded=True)


@click.command("serve")
@click.option("--host", default=None, help="Host to bind (BOKSLUT_HOST, default 127.0.0.1).")
@click.option("--port", type=click.IntRange(1, 65535), default=None,
              help="Port to listen on (BOKSLUT_PORT, default 5000).")
@click.option("--production/--dev", default=True, show_default=True,
              help="waitress (production, default) or Flask's development server.")
@click.option("--threads", type=click.IntRange(1, 64), default=DEFAULT_THREADS,
              show_default=True, help="Worker threads of the production server.")
@data_option
def serve_cmd(host: str | None, port: int | None, production: bool, threads: int,
              data: Path | None) -> None:
    """Run the web application (ingests the bundled reports first if there is no data)."""
    cfg = settings(data=data, host=host, port=port)
    problem = bind_problem(cfg["host"], cfg["port"])
    if problem:
        fail(problem)
    location = prepare_store(cfg)
    if needs_ingest(cfg["data"]):
        ingest_bundled(cfg, location)
    from web.app import create_app

    app = create_app(cfg)
    stop_on_sigterm()
    try:
        warm_up(app)
        if production:
            run_waitress(app, cfg["host"], cfg["port"], threads)
        else:
            run_dev(app, cfg["host"], cfg["port"])
    except (KeyboardInterrupt, Stopped):
        pass
    click.echo("servern avslutad")


COMMANDS = (serve_cmd,)
