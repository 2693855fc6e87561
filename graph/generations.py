"""The store directory's files: the writer lock, generation names, the atomic swap, pruning,
leftovers of crashed writers, and what a failed build says."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

from graph.store import BUILDING_SUFFIX, CURRENT, GEN_PREFIX, StoreError, generations

_DISK_FULL = (errno.ENOSPC, errno.EFBIG, errno.EDQUOT)


def failure_message(root: Path, error: BaseException) -> str:
    """Why a build failed, in words a user can act on; the live store is always unchanged."""
    if is_disk_full(error):
        return (f"disken är full (eller filstorleksgränsen nådd) när en ny lagergeneration "
                f"skrevs i {root}; frigör utrymme och försök igen. Det tidigare lagret är "
                "oförändrat.")
    return f"Could not build a new store in {root}: {error}. The previous store is unchanged."


def is_disk_full(error: BaseException) -> bool:
    """True for out-of-space errors, also those RocksDB or faiss report as plain text."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, OSError) and seen.errno in _DISK_FULL:
            return True
        text = str(seen).lower()
        if any(s in text for s in ("no space left", "file too large", "quota exceeded")):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def remove_leftovers(store_dir: str | Path) -> bool:
    """Delete half-built generations of a crashed writer, unless a writer is at work now.

    Called when a program starts; returns False when another process holds the lock.
    """
    root = Path(store_dir)
    if not root.is_dir():
        return True
    try:
        with writer_lock(root):
            remove_leftovers_locked(root)
    except StoreError:
        return False
    return True


@contextlib.contextmanager
def writer_lock(root: Path) -> Iterator[None]:
    """Hold the store's writer lock, or fail at once if another build holds it."""
    with open(root / ".lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise StoreError(f"Another process is writing to {root}; try again later.") from None
        yield


def link_tree(source: Path, target: Path) -> None:
    """Copy a directory by hard links (files are never edited in place), else by copying."""
    try:
        shutil.copytree(source, target, copy_function=os.link)
    except OSError:
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(source, target)


def next_number(root: Path) -> int:
    """One more than the highest generation number ever used here."""
    numbers = [int(p.name[len(GEN_PREFIX):].removesuffix(BUILDING_SUFFIX))
               for p in root.iterdir() if p.name.startswith(GEN_PREFIX)]
    return max(numbers, default=0) + 1


def remove_leftovers_locked(root: Path) -> None:
    """Delete half-built generations left by a crashed writer (safe: we hold the lock)."""
    for path in root.glob(f"{GEN_PREFIX}*{BUILDING_SUFFIX}"):
        shutil.rmtree(path, ignore_errors=True)
    (root / f".{CURRENT}.tmp").unlink(missing_ok=True)


def check_released(building: Path) -> None:
    """Refuse to publish a store this process still has open (readers would see it change)."""
    fd_dir = Path("/proc/self/fd")
    if not fd_dir.is_dir():
        return
    prefix = str(building.resolve()) + os.sep
    for fd in fd_dir.iterdir():
        with contextlib.suppress(OSError):
            if os.readlink(fd).startswith(prefix):
                raise StoreError("The new store is still open (a reference to builder.store or "
                                 "builder.dataset() outlived the build), so it was not published.")


def publish(root: Path, name: str) -> None:
    """Point `current` at a generation with one atomic rename."""
    tmp = root / f".{CURRENT}.tmp"
    tmp.unlink(missing_ok=True)
    os.symlink(name, tmp)
    os.replace(tmp, root / CURRENT)


def fsync_dir(root: Path) -> None:
    """Make the swap durable."""
    fd = os.open(root, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def prune(root: Path, keep: set[str]) -> None:
    """Delete generations older than the previous one (queries are bounded, so none use them)."""
    for path in generations(root):
        if path.name not in keep:
            shutil.rmtree(path, ignore_errors=True)
