"""The Swedish lemma table, read from a compact copy kept beside the other model artifacts.

spacy-lookups-data ships the table as gzipped JSON; parsing it costs about 1.5 s CPU in every
ingest. The parsed dict in marshal form loads in less than half that (benchmarks/bench_lemma.py).
The copy is named by a hash of the source file and the Python version (marshal's format is
Python's own), carries a checksum of its payload, and is written beside and renamed into
place: a missing, damaged or outdated copy is rebuilt from the source, never trusted.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import marshal
import sys
from importlib import resources
from pathlib import Path

from search.file_swap import write_swapped

SOURCE = ("spacy_lookups_data", "data/sv_lemma_lookup.json.gz")
_DIGEST = 32  # bytes of sha256 before the marshal payload


def source_bytes(source: tuple[str, str] = SOURCE) -> bytes:
    """A packaged gzipped JSON table (by default the Swedish one)."""
    package, name = source
    return (resources.files(package) / name).read_bytes()


def parse(raw: bytes) -> dict[str, str]:
    """Form -> lemma from the packaged file (entries whose lemma is not a string dropped)."""
    table = json.loads(gzip.decompress(raw))
    return {form: lemma for form, lemma in table.items() if isinstance(lemma, str)}


def copy_path(folder: Path, raw: bytes) -> Path:
    """Where the compact copy of this source lives for this Python."""
    key = hashlib.sha256(raw).hexdigest()[:16]
    return Path(folder) / f"sv_lemma-{key}-py{sys.version_info[0]}{sys.version_info[1]}.marshal"


def read_copy(path: Path) -> dict[str, str] | None:
    """The table in a compact copy, or None when missing, damaged or not a table."""
    try:
        blob = path.read_bytes()
        payload = blob[_DIGEST:]
        if len(blob) <= _DIGEST or hashlib.sha256(payload).digest() != blob[:_DIGEST]:
            return None
        table = marshal.loads(payload)
    except (OSError, ValueError, EOFError, TypeError):
        return None
    return table if isinstance(table, dict) else None


def write_copy(path: Path, table: dict[str, str]) -> None:
    """Write the compact copy beside and rename it in (a failure leaves no file: only a saving)."""
    payload = marshal.dumps(table)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_swapped(path, lambda out: out.write(hashlib.sha256(payload).digest() + payload))
    except OSError:
        pass


def read_lemma_table(folder: Path | None) -> dict[str, str]:
    """The table: from `folder`'s compact copy when whole, else parsed (and the copy written)."""
    raw = source_bytes()
    if folder is None:
        return parse(raw)
    path = copy_path(folder, raw)
    table = read_copy(path)
    if table is None:
        table = parse(raw)
        write_copy(path, table)
    return table
