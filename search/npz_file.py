"""One way to read a saved part of the search index: a NumPy .npz file, or none.

A missing file is None (an index saved before that part existed); a damaged one is a
ValueError naming the file, which SearchIndex.load turns into "run 'bokslut ingest'".
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import numpy as np

T = TypeVar("T")


def read_npz(path: Path, read: Callable[[np.lib.npyio.NpzFile], T]) -> T | None:
    """`read` applied to the open file at `path`; None when there is no such file."""
    if not path.is_file():
        return None
    try:
        with np.load(path, allow_pickle=False) as data:
            return read(data)
    except (OSError, KeyError, EOFError, ValueError, TypeError, zipfile.BadZipFile) as exc:
        raise ValueError(f"{path}: {exc}") from None
