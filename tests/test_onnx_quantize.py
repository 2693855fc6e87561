"""Int8 recipes: which MatMuls they touch, the copy they make, and the fingerprint they give."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from search.onnx_export import MANIFEST, ONNX_FILE
from search.onnx_quantize import (
    RECIPES,
    Recipe,
    encoder_fingerprint,
    ensure_quantised,
    is_quantised,
    quant_dir,
    quantised_nodes,
)

ATTENTION = "/encoder/layer.0/attention/self/query/MatMul"
ATTENTION_OUT = "/encoder/layer.0/attention/output/dense/MatMul"  # not the FFN's output
FFN = "/encoder/layer.0/intermediate/dense/MatMul"
SCORES = "/encoder/layer.0/attention/self/scores/MatMul"  # activation x activation
SOURCE = "tiny:8:0123456789abcdef"


def tiny_export(folder: Path) -> Path:
    """A two-layer ONNX graph named like the exported BERT, with a manifest like ensure_export's."""
    rng = np.random.default_rng(7)
    inits = [numpy_helper.from_array(rng.normal(size=(8, 8)).astype(np.float32), name)
             for name in ("w_query", "w_out", "w_ffn")]
    nodes = [helper.make_node("MatMul", ["x", "w_query"], ["q"], name=ATTENTION),
             helper.make_node("MatMul", ["q", "w_out"], ["a"], name=ATTENTION_OUT),
             helper.make_node("MatMul", ["a", "w_ffn"], ["h"], name=FFN),
             helper.make_node("Transpose", ["x"], ["x_t"], name="/t", perm=[1, 0]),
             helper.make_node("MatMul", ["h", "x_t"], ["y"], name=SCORES)]
    graph = helper.make_graph(
        nodes, "tiny",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [4, 8])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [4, 4])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    folder.mkdir(parents=True)
    onnx.save(model, str(folder / ONNX_FILE))
    (folder / MANIFEST).write_text(json.dumps({"format": "bokslut-onnx/1", "source": SOURCE,
                                               "dimension": 8}), "utf-8")
    return folder


def ops(path: Path) -> dict[str, str]:
    """Node name -> op type of a saved graph."""
    return {n.name: n.op_type for n in onnx.load(str(path)).graph.node}


def test_recipes_pick_weight_matmuls_by_name(tmp_path: Path) -> None:
    export = tiny_export(tmp_path / "fp32")
    model = export / ONNX_FILE
    assert quantised_nodes(model, Recipe("all")) == [ATTENTION, ATTENTION_OUT, FFN]  # no scores
    assert quantised_nodes(model, RECIPES["int8-pc-rr-ffn"]) == [FFN]
    assert quantised_nodes(model, RECIPES["int8-pc-rr-noattnout"]) == [ATTENTION, FFN]
    assert quantised_nodes(model, RECIPES["int8-pc-rr-nofirst"]) == []


def test_the_copy_quantises_only_the_chosen_nodes(tmp_path: Path) -> None:
    export = tiny_export(tmp_path / "fp32")
    recipe = RECIPES["int8-pc-rr-ffn"]
    folder = ensure_quantised(export, recipe)
    assert folder == quant_dir(export, recipe) and is_quantised(folder, SOURCE, recipe)
    kinds = ops(folder / ONNX_FILE)
    assert kinds[ATTENTION] == kinds[ATTENTION_OUT] == "MatMul"
    assert list(kinds.values()).count("MatMulInteger") == 1
    manifest = json.loads((folder / MANIFEST).read_text("utf-8"))
    assert manifest["fingerprint"] == encoder_fingerprint(SOURCE, recipe) != SOURCE
    assert ensure_quantised(export, recipe) == folder  # made once


def test_the_int8_graph_stays_close_to_fp32(tmp_path: Path) -> None:
    import onnxruntime as ort

    export = tiny_export(tmp_path / "fp32")
    folder = ensure_quantised(export, RECIPES["int8-pc-rr"])
    x = np.random.default_rng(1).normal(size=(4, 8)).astype(np.float32)
    (fp32,) = ort.InferenceSession(str(export / ONNX_FILE)).run(None, {"x": x})
    (int8,) = ort.InferenceSession(str(folder / ONNX_FILE)).run(None, {"x": x})
    assert not np.array_equal(fp32, int8)  # it really is another graph
    cos = np.sum(fp32 * int8, axis=1) / np.linalg.norm(fp32, axis=1) / np.linalg.norm(int8, axis=1)
    assert cos.min() > 0.95


def test_another_recipe_or_source_is_not_this_copy(tmp_path: Path) -> None:
    export = tiny_export(tmp_path / "fp32")
    folder = ensure_quantised(export, RECIPES["int8-pc-rr-ffn"])
    assert not is_quantised(folder, SOURCE, RECIPES["int8-pc-rr"])
    assert not is_quantised(folder, "tiny:8:fedcba9876543210", RECIPES["int8-pc-rr-ffn"])
    assert encoder_fingerprint(SOURCE, RECIPES["int8-pc-rr"]) \
        != encoder_fingerprint(SOURCE, RECIPES["int8-pc-rr-ffn"])


def test_a_recipe_that_matches_nothing_is_a_clear_error(tmp_path: Path) -> None:
    from search.onnx_export import OnnxExportError

    export = tiny_export(tmp_path / "fp32")
    with pytest.raises(OnnxExportError, match="no MatMul"):
        ensure_quantised(export, Recipe("none", include="nothing-is-called-this"))
    assert not quant_dir(export, Recipe("none")).exists()
    assert [p.name for p in tmp_path.iterdir()] == ["fp32"]  # no half-made copy left
