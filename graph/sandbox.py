"""Confinement for a query worker: no network (two mechanisms, fail closed), bounded memory/CPU."""

from __future__ import annotations

import math
import os
import resource
from dataclasses import dataclass

from graph.seccomp import deny_network, load_libc

__all__ = ["Isolation", "address_space", "cap_cpu", "cap_memory", "isolate", "load_libc",
           "uncap"]

_CLONE_NEWUSER = 0x10000000
_CLONE_NEWNET = 0x40000000


@dataclass(frozen=True)
class Isolation:
    """Which mechanisms keep this process off the network."""

    netns: bool
    seccomp: bool

    @property
    def holds(self) -> bool:
        """True when at least one mechanism is in force."""
        return self.netns or self.seccomp

    def describe(self) -> str:
        """'netns+seccomp', 'seccomp', … or 'none'."""
        parts = [name for name, on in (("netns", self.netns), ("seccomp", self.seccomp)) if on]
        return "+".join(parts) or "none"


def isolate() -> Isolation:
    """Leave the network for good: an empty network namespace, then a seccomp filter.

    Call it first in a single-threaded process (unshare of a user namespace needs that).
    Defence in depth behind the SERVICE guard: pyoxigraph executes SERVICE with no switch
    to turn it off, so even a parser disagreement must not reach any host, loopback included.
    Both are tried; either one alone keeps the process off the network.
    """
    return Isolation(netns=enter_network_namespace(), seccomp=deny_network())


def enter_network_namespace() -> bool:
    """Move into a new, empty network namespace; False if not allowed here."""
    libc = load_libc()
    if libc is None:
        return False
    # A user namespace makes this work without privileges; root may only need the net one.
    for flags in (_CLONE_NEWUSER | _CLONE_NEWNET, _CLONE_NEWNET):
        if libc.unshare(flags) == 0:
            return True
    return False


_STATM: dict[int, int] = {}  # pid -> an open /proc/<pid>/statm (a worker reads it per query)


def address_space() -> int:
    """This process's current virtual memory size in bytes."""
    pid = os.getpid()  # a forked child must not read its parent's file
    if pid not in _STATM:
        _STATM.clear()
        _STATM[pid] = os.open(f"/proc/{pid}/statm", os.O_RDONLY | os.O_CLOEXEC)
    # /proc regenerates the line on every read at offset 0: no reopen needed
    return int(os.pread(_STATM[pid], 256, 0).split()[0]) * os.sysconf("SC_PAGE_SIZE")


def cap_memory(extra_mb: int) -> None:
    """Cap the address space at its current size plus `extra_mb` (soft limit, for one query)."""
    _set_soft(resource.RLIMIT_AS, address_space() + extra_mb * 1024 * 1024)


def cap_cpu(seconds: float) -> None:
    """Cap CPU time at what is used so far plus `seconds` (+2): an orphaned worker still stops."""
    used = resource.getrusage(resource.RUSAGE_SELF)
    _set_soft(resource.RLIMIT_CPU, math.ceil(used.ru_utime + used.ru_stime + seconds) + 2)


def uncap() -> None:
    """Lift the per-query soft limits again (up to the hard limits) between queries."""
    for which in (resource.RLIMIT_AS, resource.RLIMIT_CPU):
        _, hard = resource.getrlimit(which)
        resource.setrlimit(which, (hard, hard))


def _set_soft(which: int, value: int) -> None:
    """Lower a soft limit to `value` (never above the hard limit, which stays as it is)."""
    _, hard = resource.getrlimit(which)
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    resource.setrlimit(which, (value, hard))
