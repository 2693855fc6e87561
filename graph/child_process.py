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
    fd = worker.proc.stdout.fileno()
    header = json.loads(_read_frame(worker, fd, deadline, _HEADER_LIMIT))
    return header, _read_frame(worker, fd, deadline, max_body)


def _read_frame(worker: WorkerProcess, fd: int, deadline: float, limit: int) -> bytes:
    """One frame, read as it arrives, never past the deadline or the size limit."""
    size = frame_length(_read_until(worker, fd, LENGTH_SIZE, deadline))
    if size > limit:
        raise WorkerStopped("size")
    return _read_until(worker, fd, size, deadline)


def _read_until(worker: WorkerProcess, fd: int, size: int, deadline: float) -> bytes:
    """Exactly `size` bytes from `fd`, waiting at most until `deadline`."""
    parts: list[bytes] = []
    left = size
    poller = select.poll()
    poller.register(fd, select.POLLIN | select.POLLHUP | select.POLLERR)
    while left:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise WorkerStopped("deadline")
        if not poller.poll(math.ceil(remaining * 1000)):
            continue
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            raise WorkerStopped("gone", worker.crash_message())
        parts.append(chunk)
        left -= len(chunk)
    return b"".join(parts)
