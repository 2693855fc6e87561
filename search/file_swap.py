"""One way to write a file of the data directory: beside it, then renamed into place.

A reader (or a second writer) sees the old file or the new one, never half of one. The
temporary name is unique per process and thread, and it is created with open(), so the file
gets the directory's usual mode (umask applied), not the 0600 of mkstemp.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO


def write_swapped(path: Path, write: Callable[[BinaryIO], None]) -> None:
    """Call `write` on a file beside `path`, then rename it to `path` (no leftover on failure)."""
    path = Path(path)
    tmp = path.with_name(f"{path.name}.{os.getpid()}-{threading.get_ident()}.tmp")
    try:
        with open(tmp, "wb") as out:
            write(out)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_text_swapped(path: Path, text: str) -> None:
    """write_swapped() for UTF-8 text."""
    write_swapped(path, lambda out: out.write(text.encode("utf-8")))
