"""Frames between the server and its query workers: a 4-byte length, then that many bytes."""

from __future__ import annotations

import json
import os
import struct

_LENGTH = struct.Struct(">I")
MAX_REQUEST = 1 << 20  # a request is a query (≤ 32 KB) and a few settings


class ProtocolEnd(Exception):
    """The other side closed the pipe (or sent something that is not a frame)."""


def write_frame(fd: int, payload: bytes) -> None:
    """Write one frame, all of it."""
    data = memoryview(_LENGTH.pack(len(payload)) + payload)
    while data:
        data = data[os.write(fd, data):]


def write_message(fd: int, header: dict, body: bytes = b"") -> None:
    """A JSON header frame followed by a body frame, in one write when the pipe takes it
    (two writes would wake the reader twice, once before the body is there)."""
    head = json.dumps(header).encode("utf-8")
    parts = [_LENGTH.pack(len(head)), head, _LENGTH.pack(len(body)), body]
    written = os.writev(fd, parts)
    for part in parts:  # a full pipe took only the first `written` bytes: send the rest
        if written >= len(part):
            written -= len(part)
            continue
        data = memoryview(part)[written:]
        written = 0
        while data:
            data = data[os.write(fd, data):]


def read_exact(fd: int, size: int) -> bytes:
    """Exactly `size` bytes, blocking; ProtocolEnd at end of file."""
    parts, left = [], size
    while left:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            raise ProtocolEnd("pipe closed")
        parts.append(chunk)
        left -= len(chunk)
    return b"".join(parts)


def read_frame(fd: int, limit: int = MAX_REQUEST) -> bytes:
    """One frame, blocking (the worker's side); ProtocolEnd when closed or oversized."""
    (size,) = _LENGTH.unpack(read_exact(fd, _LENGTH.size))
    if size > limit:
        raise ProtocolEnd(f"frame of {size} bytes is over the limit")
    return read_exact(fd, size)


def frame_length(prefix: bytes) -> int:
    """The payload length announced by a frame's first four bytes."""
    return _LENGTH.unpack(prefix)[0]


LENGTH_SIZE = _LENGTH.size
