"""Frames between the server and a query worker: header and body arrive whole, in order."""

from __future__ import annotations

import json
import os
import threading

import pytest

from graph.worker_protocol import ProtocolEnd, read_frame, write_message


@pytest.mark.parametrize("size", [0, 11, 200_000, 3_000_000])  # up to many pipe buffers
def test_a_message_arrives_whole(size: int) -> None:
    body = bytes(i % 251 for i in range(size))
    read_end, write_end = os.pipe()
    try:
        writer = threading.Thread(target=write_message,
                                  args=(write_end, {"ok": True, "rows": size}, body))
        writer.start()  # a body over the pipe's buffer is written in several parts
        header = json.loads(read_frame(read_end))
        received = read_frame(read_end, limit=size)
        writer.join()
    finally:
        os.close(read_end)
        os.close(write_end)
    assert header == {"ok": True, "rows": size}
    assert received == body


def test_an_oversized_frame_ends_the_exchange() -> None:
    read_end, write_end = os.pipe()
    try:
        write_message(write_end, {"ok": True}, b"x" * 100)
        read_frame(read_end)
        with pytest.raises(ProtocolEnd, match="over the limit"):
            read_frame(read_end, limit=99)
    finally:
        os.close(read_end)
        os.close(write_end)
