"""Fork a function into a child process, collect its output, and kill it at a deadline."""

from __future__ import annotations

import math
import os
import select
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import NoReturn

from graph.sandbox import close_other_fds

_STDERR_KEEP = 8192
_CHUNK = 1 << 16


@dataclass(frozen=True)
class Outcome:
    """How a forked child ended: its output, stderr tail, wait status, and why it was stopped."""

    output: bytes
    stderr: bytes
    status: int
    timed_out: bool = False
    too_big: bool = False

    def crash_message(self) -> str | None:
        """A short description when the child did not exit cleanly, else None."""
        if os.WIFEXITED(self.status) and os.WEXITSTATUS(self.status) == 0:
            return None
        if os.WIFSIGNALED(self.status):
            how = f"killed by {signal.Signals(os.WTERMSIG(self.status)).name}"
        else:
            how = f"exit status {os.waitstatus_to_exitcode(self.status)}"
        detail = self.stderr.decode("utf-8", "replace").strip().splitlines()
        return f"{how}: {detail[0]}" if detail else how


def run_forked(work: Callable[[], bytes], timeout: float, max_output: int) -> Outcome:
    """Run `work` in a forked child; its return value is the output. Kills at `timeout`."""
    deadline = time.monotonic() + timeout
    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        _child(work, out_w, err_w)
    os.close(out_w)
    os.close(err_w)
    try:
        output, stderr, stopped = _collect(out_r, err_r, deadline, max_output)
        if stopped:
            os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        pid = 0
    finally:
        if pid:  # an exception (e.g. KeyboardInterrupt) while waiting: never leave it running
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        os.close(out_r)
        os.close(err_r)
    return Outcome(output, stderr, status, timed_out=stopped == "deadline",
                   too_big=stopped == "size")


def _child(work: Callable[[], bytes], out_w: int, err_w: int) -> NoReturn:
    """The child: run `work`, write its bytes, and exit without running the parent's cleanups."""
    code = 1
    try:
        os.dup2(err_w, 2)
        close_other_fds({out_w})
        data = memoryview(work())
        while data:
            data = data[os.write(out_w, data):]
        code = 0
    except BaseException as error:
        # stderr is our pipe: the parent reads this to tell a memory failure from a bug.
        os.write(2, f"{type(error).__name__}: {error}\n".encode("utf-8", "replace"))
    finally:
        os._exit(code)


def _collect(out_r: int, err_r: int, deadline: float, max_output: int
             ) -> tuple[bytes, bytes, str | None]:
    """Read both pipes to EOF; stop early at the deadline or when output exceeds max_output."""
    poller = select.poll()
    for fd in (out_r, err_r):
        poller.register(fd, select.POLLIN | select.POLLHUP | select.POLLERR)
    output: list[bytes] = []
    size = 0
    stderr = b""
    open_fds = {out_r, err_r}
    while open_fds:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return b"".join(output), stderr, "deadline"
        for fd, _ in poller.poll(math.ceil(remaining * 1000)):
            chunk = os.read(fd, _CHUNK)
            if not chunk:
                poller.unregister(fd)
                open_fds.discard(fd)
            elif fd == err_r:
                stderr += chunk[: _STDERR_KEEP - len(stderr)]  # the first lines say why
            else:
                output.append(chunk)
                size += len(chunk)
                if size > max_output:
                    return b"".join(output), stderr, "size"
    return b"".join(output), stderr, None
