"""Vectors of texts that ship with the software, built once per model beside its export.

Some texts ingest embeds do not come from the report at all: the domain gate's off-topic bank
(search/offtopic_bank.txt) and the rights articles' queries built from the ontology alone
(ontology/rights.ttl: title, definition, scope note). Their vectors depend only on the model
and the text, so they are kept in `<data>/models/vectors/<model fingerprint>.npz`, next to the
model's ONNX export, and every later ingest into that data directory reuses them.

Keyed by text, never by article or line: a changed text is simply not found and is embedded
again, and the file then holds the texts of the current software only. Another model has
another file. The file is written beside and renamed into place, so a crash never leaves a
half-written one; a damaged one is said and rebuilt, never an error.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np

from search.text_vectors import TextVectors, TextVectorsError

Vectors = dict[str, dict[str, np.ndarray]]  # prompt kind -> text -> vector


def shipped_dir(data_dir: Path) -> Path:
    """The folder of every model's shipped-text vectors (remove it for a strict ingest)."""
    return Path(data_dir) / "models" / "vectors"


def shipped_path(data_dir: Path, fingerprint: str) -> Path:
    """Where the shipped texts' vectors of one model live."""
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in fingerprint)
    return shipped_dir(data_dir) / f"{safe}.npz"


def load_shipped(data_dir: Path, fingerprint: str, note: Callable[[str], None]) -> Vectors:
    """The saved vectors of this model's shipped texts (none yet, or unreadable: empty)."""
    path = shipped_path(data_dir, fingerprint)
    try:
        saved = TextVectors.read(path)
    except FileNotFoundError:
        return {}
    except TextVectorsError as exc:
        note(f"obs: sparade vektorer för programmets egna texter kunde inte läsas ({exc}); "
             "de bäddas in igen och sparas på nytt")
        return {}
    return saved.kinds if saved.model == fingerprint else {}


def updated(saved: Vectors, embedded: Vectors, wanted: dict[str, Iterable[str]]) -> Vectors:
    """Each kind's wanted texts with a vector: the saved one, else the one just embedded
    (texts the software no longer has are dropped)."""
    out: Vectors = {}
    for kind, texts in wanted.items():
        have = {**embedded.get(kind, {}), **saved.get(kind, {})}
        out[kind] = {t: have[t] for t in dict.fromkeys(texts) if t in have}
    return out


def save_shipped(data_dir: Path, fingerprint: str, saved: Vectors, vectors: Vectors,
                 note: Callable[[str], None]) -> bool:
    """Write `vectors` when they differ from what was saved; True when written. A models
    directory that cannot be written is said, not an error: the cache is only a saving."""
    if {k: set(v) for k, v in vectors.items() if v} == {k: set(v) for k, v in saved.items() if v}:
        return False
    path = shipped_path(data_dir, fingerprint)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        TextVectors(fingerprint, vectors).write(path)
    except OSError as exc:
        note(f"obs: vektorer för programmets egna texter kunde inte sparas ({exc})")
        return False
    return True
