"""Confinement for a forked query process: no network, bounded memory and CPU, no stray fds."""

from __future__ import annotations

import ctypes
import functools
import math
import os
import resource

_CLONE_NEWUSER = 0x10000000
_CLONE_NEWNET = 0x40000000


def isolate_network() -> bool:
    """Move this (single-threaded) process into an empty network namespace; False if not allowed.

    Defence in depth behind the SERVICE guard: pyoxigraph executes SERVICE with no switch
    to turn it off, so even a parser disagreement must not reach any host, loopback included.
    """
    libc = load_libc()
    if libc is None:
        return False
    # A user namespace makes this work without privileges; root may only need the net one.
    for flags in (_CLONE_NEWUSER | _CLONE_NEWNET, _CLONE_NEWNET):
        if libc.unshare(flags) == 0:
            return True
    return False


@functools.cache
def load_libc() -> ctypes.CDLL | None:
    """The C library, loaded once in the parent so children never take the loader's lock."""
    try:
        return ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None


def address_space() -> int:
    """This process's current virtual memory size in bytes."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def limit_memory(extra_mb: int) -> None:
    """Cap the address space at its current size plus `extra_mb`.

    The cap is relative because a forked child inherits the parent's mappings (a web
    process with an embedding model is gigabytes of address space before any query runs).
    """
    _set_limit(resource.RLIMIT_AS, address_space() + extra_mb * 1024 * 1024)


def limit_cpu(seconds: float) -> None:
    """Cap CPU time, so an orphaned child cannot outlive a parent that died."""
    _set_limit(resource.RLIMIT_CPU, math.ceil(seconds) + 2)


def _set_limit(which: int, value: int) -> None:
    """Lower a resource limit to `value` (never above an existing hard limit)."""
    _, hard = resource.getrlimit(which)
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    resource.setrlimit(which, (value, hard if hard != resource.RLIM_INFINITY else value))


def close_other_fds(keep: set[int]) -> None:
    """Close inherited descriptors (client sockets, the parent's store) except stdio and `keep`."""
    high = os.sysconf("SC_OPEN_MAX")
    low = 3
    for fd in sorted(keep | {high}):
        if fd > low:
            os.closerange(low, fd)
        low = max(low, fd + 1)
