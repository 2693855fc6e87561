"""One persistent worker thread that runs a query's lexical work beside its encoder call.

ONNX Runtime releases the GIL while it runs the encoder (8-15 ms for a question on the
two-core host), and the query's BM25 search, rights recognition and lexical match (about
0.6 ms of Python) do not depend on its vector: the caller hands them to this thread and then
runs the encoder itself, so they run while it waits in ONNX Runtime, not after it (the time
outside the encoder call went from 2.3 to 1.6 ms p50; bench_search.txt, round 9). The thread
is used only when it is free: a search that finds it busy (the web's other threads searching
at the same time) does the work itself, after its encoder call, as before. So under load
nothing queues behind it (/api/search at 16 connections, this overlap with single-text
tokenizing against e59b830: 0.923x and 1.094x in two runs under changing load, 1.00x pooled;
bench_search.txt, section 3), and the results are the same either way: the same calls on the
same inputs.
"""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class Job(Generic[T]):
    """A call handed to the worker; result() waits for it (and re-raises its error)."""

    def __init__(self, call: Callable[[], T]) -> None:
        self.call = call
        self._done = threading.Lock()
        self._done.acquire()  # released by finish(), after the call has returned or raised
        self._value: T | None = None
        self._error: BaseException | None = None

    def run(self) -> None:
        """Make the call (in the worker), keeping its value or its error."""
        try:
            self._value = self.call()
        except BaseException as error:  # handed to the caller, which re-raises it
            self._error = error

    def finish(self) -> None:
        """Wake the caller waiting in result()."""
        self._done.release()

    def result(self) -> T:
        """The call's value once it has returned; its exception if it raised."""
        with self._done:
            pass
        if self._error is not None:
            raise self._error
        return self._value  # type: ignore[return-value]


class Beside:
    """A single daemon thread taking one job at a time, started on first use (and again in
    a forked child, which inherits the state but not the thread)."""

    def __init__(self) -> None:
        self._free = threading.Lock()  # held from a job's hand-over until it is done
        self._jobs: queue.SimpleQueue[Job]  # made with its thread, in _ensure_thread
        self._pid: int | None = None
        self._start_lock = threading.Lock()

    def submit(self, call: Callable[[], T]) -> Job[T] | None:
        """The call, started on the worker; None when the worker is busy (run it yourself)."""
        if not self._free.acquire(blocking=False):
            return None
        try:
            self._ensure_thread()
        except BaseException:
            self._free.release()
            raise
        job = Job(call)
        self._jobs.put(job)
        return job

    def _ensure_thread(self) -> None:
        """Start the worker unless this process already has it."""
        with self._start_lock:
            if self._pid != os.getpid():
                self._jobs = queue.SimpleQueue()
                threading.Thread(target=self._work, args=(self._jobs,), daemon=True,
                                 name="search-beside").start()
                self._pid = os.getpid()

    def _work(self, jobs: queue.SimpleQueue[Job]) -> None:
        """Run jobs forever, one at a time, freeing the worker after each."""
        while True:
            job = jobs.get()
            try:
                job.run()
            finally:
                # free before the caller wakes: its next query finds the worker free, not busy
                self._free.release()
                job.finish()


def _after_fork(worker: Beside) -> Callable[[], None]:
    """A fork's child gets a free worker (a parent's job in flight holds no child's lock)."""
    def reset() -> None:
        """New locks in the child: free, and no parent thread's hold on them."""
        worker._free = threading.Lock()
        worker._start_lock = threading.Lock()
    return reset


BESIDE = Beside()  # the process's one worker: searchers share it, so it never oversubscribes
os.register_at_fork(after_in_child=_after_fork(BESIDE))
