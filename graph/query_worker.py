"""A pre-started query worker: leave the network once, then answer framed requests for ever.

Started by graph.query_pool through graph/worker_start.py [--allow-unisolated]. Its
first message says which isolation holds; without any (and without the override) it stops
there, so no query ever runs unisolated by accident. Each request carries the generation
to read: the worker reopens the store when the `current` link has moved.
"""

from __future__ import annotations

import json
import os
import sys

from graph.sandbox import address_space, cap_cpu, cap_memory, isolate, uncap
from graph.worker_protocol import ProtocolEnd, read_frame, write_message

# rdflib's grammar recurses once per triple pattern: the default limit stops at ~80 patterns.
# A deeper stack only risks this disposable worker; 32 KB of flat patterns needs about this.
_RECURSION_LIMIT = 100_000
# A fresh worker now and then bounds slow growth (fragmentation, caches); _MAX_GROWTH bounds
# memory. A start costs ~0.5 s of CPU: every 2000 queries that was 0.25 ms per query.
_MAX_SERVED = 10_000
_MAX_GROWTH = 1 << 30  # bytes of address space over the starting size before it retires


class Worker:
    """The worker's state between requests: the open generation and its named graphs."""

    def __init__(self) -> None:
        self.path: str | None = None
        self.store = None
        self.known: list[str] = []
        self.served = 0
        self.start_size = address_space()

    def open(self, path: str | None) -> None:
        """Open `path` read-only unless it is the generation already open."""
        import pyoxigraph as ox

        if path is None or path == self.path:
            return
        self.store = None  # release the old generation before opening the new one
        self.store = ox.Store.read_only(path)
        self.known = [g.value for g in self.store.named_graphs() if isinstance(g, ox.NamedNode)]
        self.path = path

    def handle(self, request: dict) -> tuple[dict, bytes]:
        """One request's answer; `recycle` in the header asks the pool for a fresh worker."""
        from graph.query_executor import (
            Job,
            ResultTooBig,
            checked_header,
            evaluate,
            refusal_header,
            vet,
        )
        from graph.query_guard import QueryRefused

        job = Job.from_json(request)
        self.served += 1
        try:
            self.open(job.store)
            cap_memory(job.memory_mb)
            cap_cpu(job.timeout)
            if job.op == "check":
                known = self.known if job.known_graphs is None else job.known_graphs
                header, body = checked_header(vet(job, known)), b""
            else:
                header, body = evaluate(self.store, self.known, job)
        except QueryRefused as refused:
            header, body = refusal_header(refused), b""
        except MemoryError:
            header, body = {"ok": False, "error": "memory", "recycle": True}, b""
        except RecursionError:
            header, body = {"ok": False, "error": "refused",
                            "message": "The query is nested too deeply to evaluate."}, b""
        except ResultTooBig:
            header, body = {"ok": False, "error": "too_big"}, b""
        except Exception as error:  # reported to the caller; the worker stays usable
            header = {"ok": False, "error": "failed", "message": f"{type(error).__name__}: {error}"}
            body = b""
        finally:
            uncap()
        if self.served >= _MAX_SERVED or address_space() - self.start_size > _MAX_GROWTH:
            header["recycle"] = True
        return header, body


def main(argv: list[str]) -> int:
    """Isolate, greet, then serve requests until the pool closes the pipe."""
    isolation = isolate()  # first, while this process is single-threaded
    allowed = isolation.holds or "--allow-unisolated" in argv
    protocol_out = os.dup(1)
    os.dup2(2, 1)  # a stray print must never corrupt the protocol
    write_message(protocol_out, {"ok": allowed, "isolation": isolation.describe(),
                                 "netns": isolation.netns, "seccomp": isolation.seccomp,
                                 "pid": os.getpid()})
    if not allowed:
        return 3
    sys.setrecursionlimit(_RECURSION_LIMIT)
    from graph.query_guard import check_query

    check_query("ASK {}", ())  # build the grammar before the first real query
    worker = Worker()
    while True:
        try:
            request = json.loads(read_frame(0).decode("utf-8"))  # faster than from bytes
        except (ProtocolEnd, ValueError):
            return 0
        header, body = worker.handle(request)
        write_message(protocol_out, header, body)
        if header.get("recycle"):
            return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
