"""A hand-built seccomp filter that keeps a process off the network, installed through prctl.

Works without privileges (after PR_SET_NO_NEW_PRIVS), so it holds where network namespaces
are denied (Docker's default profile, some CI runners). The filter makes `socket()` fail
with EPERM for every family except AF_UNIX, and `io_uring_setup` too (io_uring can open
sockets without the socket system call). System calls of a foreign ABI (i386, x32), which
could reach `socketcall`, kill the process.
"""

from __future__ import annotations

import ctypes
import errno
import functools
import platform
import socket
from collections.abc import Iterable
from dataclasses import dataclass

_PR_SET_NO_NEW_PRIVS = 38
_PR_SET_SECCOMP = 22
_SECCOMP_MODE_FILTER = 2

_RET_ALLOW = 0x7FFF0000
_RET_ERRNO = 0x00050000
_RET_KILL_PROCESS = 0x80000000
_LD_ABS = 0x20  # BPF_LD | BPF_W | BPF_ABS
_JEQ = 0x15  # BPF_JMP | BPF_JEQ | BPF_K
_JGE = 0x35  # BPF_JMP | BPF_JGE | BPF_K
_RET = 0x06  # BPF_RET | BPF_K
_NR, _ARCH, _ARG0 = 0, 4, 16  # offsets in struct seccomp_data (arg0's low 32 bits)
_X32_BIT = 0x40000000


@dataclass(frozen=True)
class Abi:
    """Audit architecture and the system call numbers the filter needs."""

    arch: int
    calls: dict[str, int]


ABIS = {
    "x86_64": Abi(0xC000003E, {"socket": 41, "io_uring_setup": 425, "unshare": 272,
                               "seccomp": 317, "prctl": 157}),
    "aarch64": Abi(0xC00000B7, {"socket": 198, "io_uring_setup": 425, "unshare": 97,
                                "seccomp": 277, "prctl": 167}),
}


@dataclass(frozen=True)
class Rule:
    """Fail system call `name` with EPERM: always, or when arg0 is (or is not) in `values`."""

    name: str
    values: tuple[int, ...] = ()
    unless: bool = False  # True: EPERM unless arg0 is one of `values`


NO_NETWORK = (Rule("socket", (socket.AF_UNIX,), unless=True), Rule("io_uring_setup"))


class _Instruction(ctypes.Structure):
    _fields_ = [("code", ctypes.c_ushort), ("jt", ctypes.c_ubyte),
                ("jf", ctypes.c_ubyte), ("k", ctypes.c_uint32)]


class _Program(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_Instruction))]


def program(rules: Iterable[Rule], abi: Abi) -> list[tuple[int, int, int, int]]:
    """The BPF program (code, jt, jf, k) for `rules` on `abi`; anything unnamed is allowed."""
    eperm = _RET_ERRNO | errno.EPERM
    code = [(_LD_ABS, 0, 0, _ARCH), (_JEQ, 1, 0, abi.arch), (_RET, 0, 0, _RET_KILL_PROCESS),
            (_LD_ABS, 0, 0, _NR), (_JGE, 0, 1, _X32_BIT), (_RET, 0, 0, _RET_KILL_PROCESS)]
    for rule in rules:
        block = _rule_block(rule, eperm)
        code.append((_LD_ABS, 0, 0, _NR))
        code.append((_JEQ, 0, len(block), abi.calls[rule.name]))
        code.extend(block)
    code.append((_RET, 0, 0, _RET_ALLOW))
    return code


def _rule_block(rule: Rule, eperm: int) -> list[tuple[int, int, int, int]]:
    """What runs once the call number matched: compare arg0, then allow or fail."""
    if not rule.values:
        return [(_RET, 0, 0, eperm)]
    hit, miss = (_RET_ALLOW, eperm) if rule.unless else (eperm, _RET_ALLOW)
    count = len(rule.values)
    block = [(_LD_ABS, 0, 0, _ARG0)]
    # each comparison jumps over the remaining ones and the "miss" return to the "hit" return
    block += [(_JEQ, count - i, 0, value) for i, value in enumerate(rule.values)]
    return [*block, (_RET, 0, 0, miss), (_RET, 0, 0, hit)]


@functools.cache
def load_libc() -> ctypes.CDLL | None:
    """The C library (loaded once, before any fork, so children never take the loader's lock)."""
    try:
        return ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None


def current_abi() -> Abi | None:
    """The filter's view of this machine, or None on an architecture it does not know."""
    return ABIS.get(platform.machine())


def install(rules: Iterable[Rule]) -> bool:
    """Install a filter for this process and its future threads and children; False if refused."""
    abi, libc = current_abi(), load_libc()
    if abi is None or libc is None:
        return False
    code = program(rules, abi)
    array = (_Instruction * len(code))(*[_Instruction(*op) for op in code])
    prog = _Program(len(code), array)
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, ctypes.c_ulong(1), ctypes.c_ulong(0),
                  ctypes.c_ulong(0), ctypes.c_ulong(0)) != 0:
        return False
    return libc.prctl(_PR_SET_SECCOMP, ctypes.c_ulong(_SECCOMP_MODE_FILTER),
                      ctypes.byref(prog), ctypes.c_ulong(0), ctypes.c_ulong(0)) == 0


def deny_network() -> bool:
    """Install the no-network filter and prove it: an AF_INET socket must now be refused."""
    if not install(NO_NETWORK):
        return False
    try:
        socket.socket(socket.AF_INET, socket.SOCK_STREAM).close()
    except PermissionError:
        return True
    return False
