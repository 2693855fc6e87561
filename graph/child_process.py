"""One query worker process: start it, exchange a message under a deadline, kill it."""

from __future__ import annotations

import json
import math
import os
import select
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from typing import IO

from graph.worker_protocol import LENGTH_SIZE, frame_length, write_frame

_STDERR_KEEP = 8192
_HEADER_LIMIT = 1 << 20
_READ_AHEAD = 1 << 16  # a pipe's default capacity


class WorkerStopped(Exception):
    """The exchange did not finish: `reason` is 'deadline', 'size' or 'gone' (the worker died)."""

    def __init__(self, reason: str, crash: str | None = None, delivered: bool = True) -> None:
        super().__init__(f"{reason}: {crash or ''}")
        self.reason = reason
        self.crash = crash
        self.delivered = delivered


@dataclass
class WorkerProcess:
    """A running worker: its process, the stderr file, and its greeting."""

    proc: subprocess.Popen
    stderr: IO[bytes]
    hello: dict = field(default_factory=dict)

    def stop(self) -> None:
        """Kill the worker (it may be in the middle of a query) and reap it."""
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout, self.stderr):
            if stream is not None:
                stream.close()

    def crash_message(self) -> str:
        """How the worker ended, with the last lines it wrote to stderr (e.g. an allocation)."""
        try:
            status = self.proc.wait(timeout=2)
        except subprocess.TimeoutExpired:  # it closed its pipe but lives on: end it
            os.kill(self.proc.pid, signal.SIGKILL)
            status = self.proc.wait()
        how = (f"killed by {signal.Signals(-status).name}" if status < 0
               else f"exit status {status}")
        size = self.stderr.seek(0, os.SEEK_END)
        self.stderr.seek(max(0, size - _STDERR_KEEP))
        lines = self.stderr.read().decode("utf-8", "replace").strip().splitlines()
        return f"{how}: {' | '.join(lines[-4:])}" if lines else how  # the last words say why


def start_worker(command: list[str], env: dict[str, str], timeout: float) -> WorkerProcess:
    """Start a worker and read its greeting (which says whether isolation holds)."""
    # a file, not a pipe: a chatty worker never blocks on it; closed by WorkerProcess.stop
    stderr = tempfile.TemporaryFile()  # noqa: SIM115
    proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=stderr, env=env, close_fds=True)
    os.set_blocking(proc.stdout.fileno(), False)  # read as it arrives (_Reader)
    worker = WorkerProcess(proc, stderr)
    try:
        worker.hello, _ = read_message(worker, time.monotonic() + timeout, _HEADER_LIMIT)
    except WorkerStopped:
        worker.stop()
        raise
    return worker


def exchange(worker: WorkerProcess, request: dict, deadline: float,
             max_body: int) -> tuple[dict, bytes]:
    """Send one request and read the answer; WorkerStopped at the deadline, on size or death."""
    try:
        write_frame(worker.proc.stdin.fileno(), json.dumps(request).encode("utf-8"))
    except (BrokenPipeError, OSError):
        raise WorkerStopped("gone", worker.crash_message(), delivered=False) from None
    return read_message(worker, deadline, max_body)


def read_message(worker: WorkerProcess, deadline: float, max_body: int) -> tuple[dict, bytes]:
    """A header frame and a body frame from the worker."""
    reader = _Reader(worker, deadline)
    header = json.loads(reader.frame(_HEADER_LIMIT))
    return header, reader.frame(max_body)


class _Reader:
    """One message's bytes as they arrive, never past the deadline or a frame's size limit.

    The pipe is non-blocking and read in large pieces: a worker writes its whole answer at
    once, so a reply usually takes one wait and one or two reads, where a read per field and
    a poll before each cost the server's busy thread a dozen system calls. Reading ahead is
    safe: a worker sends nothing after its answer until it gets the next request.
    """

    def __init__(self, worker: WorkerProcess, deadline: float) -> None:
        self.worker = worker
        self.fd = worker.proc.stdout.fileno()
        self.deadline = deadline
        self.buffer = bytearray()
        self.poller: select.poll | None = None

    def frame(self, limit: int) -> bytes:
        """The next frame's payload; WorkerStopped('size') if it announces more than `limit`."""
        size = frame_length(self.take(LENGTH_SIZE))
        if size > limit:
            raise WorkerStopped("size")
        return self.take(size)

    def take(self, size: int) -> bytes:
        """Exactly `size` bytes."""
        while len(self.buffer) < size:
            self._read(size - len(self.buffer))
        data = bytes(memoryview(self.buffer)[:size])
        del self.buffer[:size]
        return data

    def _read(self, wanted: int) -> None:
        """Whatever has arrived (at least a byte), waiting at most until the deadline."""
        while True:
            try:
                chunk = os.read(self.fd, max(wanted, _READ_AHEAD))
            except BlockingIOError:
                self._wait()
                continue
            if not chunk:
                raise WorkerStopped("gone", self.worker.crash_message())
            self.buffer += chunk
            return

    def _wait(self) -> None:
        """Until the pipe has data (or closed); WorkerStopped('deadline') when time is up."""
        if self.poller is None:
            self.poller = select.poll()
            self.poller.register(self.fd, select.POLLIN | select.POLLHUP | select.POLLERR)
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise WorkerStopped("deadline")
        self.poller.poll(math.ceil(remaining * 1000))
