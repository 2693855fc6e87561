"""Shared data for the SPARQL tests: a small on-disk store and a loopback canary server."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyoxigraph as ox

from graph.store_writer import rebuild

EX = "http://example.org/"
G_ROWS, G_BULK = EX + "graph/rows", EX + "graph/bulk"
PREFIX = f"PREFIX ex: <{EX}>\n"


def build_store(root: Path) -> Path:
    """A store with 20 rows in one graph and 10,000 filler triples in another."""
    rows = [(ox.NamedNode(f"{EX}row/{i}"), ox.NamedNode(EX + "n"), ox.Literal(str(i),
             datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")))
            for i in range(20)]
    bulk = ((ox.NamedNode(f"{EX}b/{i % 500}"), ox.NamedNode(f"{EX}p/{i % 7}"),
             ox.Literal(f"värde {i}", language="sv")) for i in range(10_000))
    with rebuild(root) as builder:
        builder.replace_graph(G_ROWS, rows)
        builder.replace_graph(G_BULK, bulk)
    return root


class Canary:
    """A loopback HTTP server that records every request it receives."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        canary = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                canary.requests.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "application/sparql-results+json")
                self.end_headers()
                self.wfile.write(b'{"head":{"vars":[]},"results":{"bindings":[{}]}}')

            do_POST = do_GET

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/x"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        """Stop serving and release the port."""
        self.server.shutdown()
        self.server.server_close()


SERVICE_PROBE = """
import pyoxigraph as ox
from graph.sandbox import isolate
isolation = isolate()
try:
    list(ox.Store().query("SELECT * WHERE { SERVICE <%s> { ?s ?p ?o } }"))
except OSError:
    print(isolation.describe(), "blocked")
else:
    print(isolation.describe(), "reached")
"""


def service_probe(url: str, before: str = "") -> str:
    """A script for a fresh interpreter: isolate() as query processes do, then let Oxigraph
    itself run SERVICE against `url`; prints the isolation and `blocked` or `reached`."""
    return before + SERVICE_PROBE % url
