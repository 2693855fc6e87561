"""Vectors of texts that ship with the software, built once per model beside its export.

Some texts ingest embeds do not come from the report at all: the domain gate's off-topic bank
(search/offtopic_bank.txt), the rights articles' queries built from the ontology alone
(ontology/rights.ttl: title, definition, scope note) and the query adapter's judged
development queries (search/adapter_queries.jsonl, embedded when the index holds their
passages: web.pipeline.ingest_vectors.shipped_texts names them all). Their vectors
depend only on the model and the text, so they are kept in
`<data>/models/vectors/<model fingerprint>[-<export>].npz`, next to the model's ONNX export,
and every later ingest into that data directory reuses them.
An ONNX export's vectors are keyed by a hash of its manifest too: a re-export after a change
to the encoder (FORMAT, max_seq_length, prompts) keeps the model's fingerprint but never
reuses vectors the old export embedded.

Keyed by text, never by article or line: a changed text is simply not found and is embedded
again, and the file then holds the texts of the current software only. Another model has
another file. The file is written beside and renamed into place, so a crash never leaves a
half-written one; a damaged one is said and rebuilt, never an error.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np

from search.onnx_export import MANIFEST, file_safe
from search.text_vectors import TextVectors, TextVectorsError

Vectors = dict[str, dict[str, np.ndarray]]  # prompt kind -> text -> vector


def shipped_dir(data_dir: Path) -> Path:
    """The folder of every model's shipped-text vectors (remove it for a strict ingest)."""
    return Path(data_dir) / "models" / "vectors"


def export_of(embedder: object) -> Path | None:
    """The ONNX export folder an embedder (or the one a Remembered wraps) embeds passages
    with; None for the torch or fake ones."""
    export = getattr(embedder, "export", None)
    if export is None:
        export = getattr(getattr(embedder, "inner", None), "export", None)
    return Path(export) if isinstance(export, (str, Path)) else None


def shipped_path(data_dir: Path, fingerprint: str, export: Path | None = None) -> Path:
    """Where the shipped texts' vectors of one model (embedded with `export`) live."""
    name = file_safe(fingerprint)
    if export is not None:
        try:
            manifest = (Path(export) / MANIFEST).read_bytes()
        except OSError:
            manifest = b"unreadable"  # such an export fails to load anyway; never its vectors
        name += "-" + hashlib.sha256(manifest).hexdigest()[:16]
    return shipped_dir(data_dir) / f"{name}.npz"


def load_shipped(data_dir: Path, fingerprint: str, note: Callable[[str], None],
                 export: Path | None = None) -> Vectors:
    """The saved vectors of this model's shipped texts (none yet, or unreadable: empty)."""
    path = shipped_path(data_dir, fingerprint, export)
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
    (texts the software no longer has are dropped; a wanted text neither saved nor embedded,
    such as the adapter's queries in another report's ingest, is not kept)."""
    out: Vectors = {}
    for kind, texts in wanted.items():
        have = {**embedded.get(kind, {}), **saved.get(kind, {})}
        out[kind] = {t: have[t] for t in dict.fromkeys(texts) if t in have}
    return out


def save_shipped(data_dir: Path, fingerprint: str, saved: Vectors, vectors: Vectors,
                 note: Callable[[str], None], export: Path | None = None) -> bool:
    """Write `vectors` when they differ from what was saved; True when written. A models
    directory that cannot be written is said, not an error: the cache is only a saving."""
    if {k: set(v) for k, v in vectors.items() if v} == {k: set(v) for k, v in saved.items() if v}:
        return False
    path = shipped_path(data_dir, fingerprint, export)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        TextVectors(fingerprint, vectors).write(path)
    except OSError as exc:
        note(f"obs: vektorer för programmets egna texter kunde inte sparas ({exc})")
        return False
    return True
