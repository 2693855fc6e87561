"""A pool of pre-started, sandboxed query workers with a bounded queue and a per-client cap.

Each worker isolates itself once at start (graph.query_worker) and then takes queries over a
pipe. A worker that misses its deadline is killed and a fresh one is started in the
background, so the other workers keep answering. When every worker is busy and the queue
is full, or one client already holds its share, the caller is told at once (PoolBusy).
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
from collections import Counter

from graph.child_process import WorkerProcess, WorkerStopped, exchange, start_worker
from graph.pool_config import (
    UNISOLATED,
    IsolationUnavailable,
    PoolBusy,
    PoolConfig,
    worker_command,
    worker_env,
)

__all__ = ["IsolationUnavailable", "PoolBusy", "PoolConfig", "WorkerPool", "shared_pool",
           "worker_command"]

log = logging.getLogger(__name__)
_STARTUP_TIMEOUT = 60.0
_SPARES = 1


class WorkerPool:
    """Pre-started workers shared by every thread of this process."""

    def __init__(self, config: PoolConfig, command: list[str] | None = None) -> None:
        self.config = config
        self.command = command or worker_command(config.allow_unisolated)
        self._cond = threading.Condition()
        self._idle: list[WorkerProcess] = []
        self._spares: list[WorkerProcess] = []  # started, waiting to replace a killed worker
        self._busy = 0  # workers running a request
        self._alive = 0  # running or starting, spares included
        self._waiting = 0
        self._admitted = 0  # requests holding or waiting for a worker
        self._clients: Counter[str] = Counter()
        self._unavailable: str | None = None
        self._start_error: str | None = None
        self._closed = False
        self.isolation: str | None = None  # what the workers reported, e.g. "netns+seccomp"
        self._started = False  # a worker has come up at least once

    def start(self) -> None:
        """Start the workers now (else the first query does)."""
        with self._cond:
            self._fill()

    def stats(self) -> dict[str, int]:
        """Workers idle and alive (running or starting), requests waiting: for health checks."""
        with self._cond:
            return {"idle": len(self._idle), "busy": self._busy, "spare": len(self._spares),
                    "alive": self._alive, "waiting": self._waiting, "admitted": self._admitted}

    def run(self, request: dict, timeout: float, max_body: int,
            client: str | None = None) -> tuple[dict, bytes]:
        """One request on a free worker; PoolBusy, IsolationUnavailable or WorkerStopped.

        Waiting for a worker and running on it are bounded by `timeout` each: a wait that
        runs out is "busy", a run that runs out is a timeout. Before the first worker is up
        the wait may last as long as a start takes.
        """
        self._admit(client)
        try:
            for _attempt in range(2):  # once more if an idle worker had died unseen
                wait = timeout if self._started else max(timeout, _STARTUP_TIMEOUT)
                worker = self._acquire(time.monotonic() + wait)
                try:
                    header, body = exchange(worker, request, time.monotonic() + timeout,
                                            max_body)
                except WorkerStopped as stopped:
                    self._retire(worker)
                    if stopped.delivered:
                        raise
                    continue
                if header.get("recycle"):
                    self._retire(worker)
                else:
                    self._release(worker)
                return header, body
            raise WorkerStopped("gone", "the query workers keep dying")
        finally:
            with self._cond:
                self._admitted -= 1
                if client is not None:
                    self._clients[client] -= 1
                    if self._clients[client] <= 0:
                        del self._clients[client]

    def _admit(self, client: str | None) -> None:
        """Refuse at once when the pool cannot take this request."""
        with self._cond:
            if self._unavailable:
                raise IsolationUnavailable(self._unavailable)
            if client is not None and self._clients[client] >= self.config.per_client:
                raise PoolBusy(f"This client already has {self.config.per_client} queries "
                               "running or waiting; wait for them to finish.", per_client=True)
            # workers still starting count as free: the first queries wait for them
            if self._admitted >= self.config.workers + self.config.queue:
                raise PoolBusy("Every query worker is busy and the queue is full.")
            self._admitted += 1
            if client is not None:
                self._clients[client] += 1

    def _acquire(self, deadline: float) -> WorkerProcess:
        """An idle worker, waiting at most until `deadline`."""
        with self._cond:
            self._fill()
            self._waiting += 1
            try:
                while not self._idle:
                    if self._unavailable:
                        raise IsolationUnavailable(self._unavailable)
                    if self._start_error and self._alive == 0:
                        raise WorkerStopped("gone", self._start_error, delivered=False)
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        raise PoolBusy("No query worker became free in time.")
                    self._cond.wait(remaining)
                self._busy += 1
                return self._idle.pop()
            finally:
                self._waiting -= 1

    def _release(self, worker: WorkerProcess) -> None:
        """Put a worker back after its request."""
        with self._cond:
            self._busy -= 1
            self._place(worker)

    def _place(self, worker: WorkerProcess) -> None:
        """A ready worker joins the idle ones, or the spares when the pool is full (lock held)."""
        if self._closed:
            worker.stop()
            self._alive -= 1
        elif len(self._idle) + self._busy < self.config.workers:
            self._idle.append(worker)
            self._cond.notify()
        else:
            self._spares.append(worker)

    def _retire(self, worker: WorkerProcess) -> None:
        """Kill a worker (deadline, crash, recycling); a spare takes its place at once and a
        new spare starts in the background (a start takes seconds on a loaded machine)."""
        worker.stop()
        with self._cond:
            self._busy -= 1
            self._alive -= 1
            if self._spares:
                self._place(self._spares.pop())
            self._fill()

    def _fill(self) -> None:
        """Start workers in the background up to the pool size and one spare (lock held)."""
        while (not self._closed and not self._unavailable
               and self._alive < self.config.workers + _SPARES):
            self._alive += 1
            threading.Thread(target=self._start_one, daemon=True, name="query-worker").start()

    def _start_one(self) -> None:
        """Start one worker; record why when it cannot run queries."""
        try:
            worker = start_worker(self.command, worker_env(), _STARTUP_TIMEOUT)
        except (OSError, WorkerStopped, ValueError) as error:
            with self._cond:
                self._alive -= 1
                self._start_error = f"a query worker could not start: {error}"
                log.error(self._start_error)
                self._cond.notify_all()
            return
        with self._cond:
            self._start_error = None
            self._started = True
            self.isolation = str(worker.hello.get("isolation"))
            if not worker.hello.get("ok"):
                self._unavailable = UNISOLATED
                log.error("SPARQL: %s", UNISOLATED)
            elif worker.hello.get("isolation") == "none":
                log.critical("SPARQL QUERIES RUN WITHOUT NETWORK ISOLATION "
                             "(sparql_allow_unisolated is on): SERVICE is stopped by the "
                             "guard alone.")
        if self._unavailable:
            worker.stop()
            with self._cond:
                self._alive -= 1
                self._cond.notify_all()
            return
        with self._cond:
            self._place(worker)

    def close(self) -> None:
        """Stop every idle and spare worker; busy ones stop when their query ends."""
        with self._cond:
            self._closed = True
            idle, self._idle = self._idle + self._spares, []
            self._spares = []
            self._alive -= len(idle)
        for worker in idle:
            worker.stop()


_POOLS: dict[tuple[PoolConfig, tuple[str, ...]], WorkerPool] = {}
_POOLS_LOCK = threading.Lock()


def shared_pool(config: PoolConfig, command: list[str] | None = None) -> WorkerPool:
    """The one pool of this process for `config` (created on first use, closed at exit)."""
    key = (config, tuple(command or ()))
    with _POOLS_LOCK:
        if key not in _POOLS:
            _POOLS[key] = WorkerPool(config, command)
        return _POOLS[key]


@atexit.register
def _close_pools() -> None:
    """Stop the workers when this process ends (they would also stop on end of file)."""
    for pool in list(_POOLS.values()):
        pool.close()
