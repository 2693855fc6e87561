"""The ONNX encoder: made at ingest, fp32 equal to torch, int8 close to fp32, fallbacks said."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import numpy as np
import pytest

from search.embedder import SentenceTransformerEmbedder, for_indexing, prepare_texts
from search.index_store import SearchIndex, SearchIndexError
from search.model_store import E5_DIR_NAME, ensure_e5_model
from search.onnx_encoder import OnnxEmbedder, mean_pool, precision_of, token_batches
from search.onnx_export import (
    FORMAT,
    MANIFEST,
    ONNX_FILE,
    OnnxExportError,
    describe_model,
    export_dir,
    fuse_graph,
    is_export,
)
from search.onnx_loading import load_embedder, with_query_copy
from search.onnx_nbits import NBITS_KEY
from search.onnx_quantize import QUANT_KEY, QUERY_RECIPE, RECIPES, Recipe
from web.pipeline.layout import index_dir

ROOT = Path(__file__).resolve().parents[1]
# Swedish questions as users type them: short, long, typos, no diacritics, digits, punctuation.
QUESTIONS = [
    "Vad gör kommunen för att minska barnfattigdomen i Södertälje?",
    "fritidsaktiviteter för barn med funktionsnedsättning",
    "Hur många elever i årskurs 9 är behöriga till gymnasiet och hur har andelen förändrats?",
    "trygghet i bostadsområden",
    "cykelvägsutbyggnad",
    "hjalpfond for aldre",
    "Vilka insatser stödjer barnkonventionens artikel 31 om lek, vila och fritid?",
    "ensamkommande ungdomar, boende & skola",
    "våld i nära relationer 2024",
    "Hur arbetar socialtjänsten med tidiga samordnade insatser (TSI) för familjer?",
]


def dev_queries() -> list[str]:
    """Every query text of the search tuning and held-out sets (read, never scored here)."""
    texts = []
    for name in ("search_tune.jsonl", "search_heldout.jsonl"):
        for line in (ROOT / "tests" / "data" / name).read_text("utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                texts.append(json.loads(line)["query"])
    return texts


def model_dir(data: Path) -> Path:
    """The converted e5-small directory of a data directory."""
    return data / "models" / E5_DIR_NAME


def test_a_manifest_names_its_precision_by_the_copy_modules_own_keys() -> None:
    """The export is fp32; an int8 or 4-bit copy says so under the key its module writes."""
    assert precision_of({"source": "e5"}) == "fp32"
    assert precision_of({"source": "e5", QUANT_KEY: {"format": "x"}}) == "int8"
    assert precision_of({"source": "e5", NBITS_KEY: {"format": "y"}}) == "nbits"


def test_mean_pool_ignores_padding_and_normalises() -> None:
    hidden = np.array([[[1.0, 0.0], [3.0, 0.0], [100.0, 100.0]]], dtype=np.float32)
    pooled = mean_pool(hidden, np.array([[1, 1, 0]]))
    assert np.allclose(pooled, [[1.0, 0.0]])
    assert pooled.dtype == np.float32


def test_only_plain_mean_pooling_models_are_exported(tmp_path: Path) -> None:
    (tmp_path / "1_Pooling").mkdir()
    (tmp_path / "modules.json").write_text(json.dumps([
        {"type": "sentence_transformers.models.Transformer"},
        {"type": "sentence_transformers.models.Pooling"},
        {"type": "sentence_transformers.models.Dense"}]), "utf-8")
    (tmp_path / "1_Pooling" / "config.json").write_text(json.dumps(
        {"word_embedding_dimension": 8, "pooling_mode_mean_tokens": True}), "utf-8")
    (tmp_path / "sentence_bert_config.json").write_text("{}", "utf-8")
    (tmp_path / "config.json").write_text("{}", "utf-8")
    with pytest.raises(OnnxExportError, match="Dense"):
        describe_model(tmp_path)
    (tmp_path / "modules.json").write_text(json.dumps([
        {"type": "sentence_transformers.models.Transformer"},
        {"type": "sentence_transformers.models.Pooling"}]), "utf-8")
    (tmp_path / "1_Pooling" / "config.json").write_text(json.dumps(
        {"word_embedding_dimension": 8, "pooling_mode_cls_token": True}), "utf-8")
    with pytest.raises(OnnxExportError, match="mean pooling"):
        describe_model(tmp_path)


def test_serving_sessions_spin_briefly_and_bulk_ones_never(monkeypatch) -> None:
    """The config entries each session is given: a two-thread session that does not spin is
    set to spin SERVE_SPIN_US and to stop when its run ends, spin_us 0 sets no spinning, a
    one-thread (bulk) session is set not to spin, and spinning asked for is set as such."""
    import onnxruntime as ort

    from search import onnx_encoder

    monkeypatch.setattr(ort, "InferenceSession", lambda path, options, providers: options)

    def entries(threads: int, spinning: bool = False, **spin_us: int) -> dict[str, str]:
        options = onnx_encoder._session(Path("model.onnx"), threads, spinning, **spin_us)
        found = {}
        for key in ("session.intra_op.allow_spinning", "session.intra_op.spin_duration_us",
                    "session.force_spinning_stop"):
            with contextlib.suppress(RuntimeError):  # raised for a key not set
                found[key] = options.get_session_config_entry(key)
        return found

    assert entries(2) == {"session.intra_op.allow_spinning": "1",
                          "session.intra_op.spin_duration_us": str(onnx_encoder.SERVE_SPIN_US),
                          "session.force_spinning_stop": "1"}
    assert entries(2, spin_us=0) == {"session.intra_op.allow_spinning": "0"}
    assert entries(1) == {"session.intra_op.allow_spinning": "0"}
    assert entries(2, spinning=True) == {"session.intra_op.allow_spinning": "1"}


def test_batches_hold_a_token_budget_longest_first() -> None:
    """Every row once; rows x the batch's longest within the budget unless a row alone
    exceeds it; short texts share a batch, long ones do not."""
    lengths = [100, 30, 600, 99, 98, 97, 20, 20, 20, 3]
    batches = token_batches(lengths, budget=400)
    assert sorted(i for b in batches for i in b) == list(range(len(lengths)))
    assert batches[0] == [2]  # longer than the budget: alone
    for batch in batches:
        assert [lengths[i] for i in batch] == sorted((lengths[i] for i in batch), reverse=True)
        assert len(batch) == 1 or len(batch) * lengths[batch[0]] <= 400
    assert batches[1] == [0, 3, 4, 5] and batches[2] == [1, 6, 7, 8, 9]
    assert token_batches([]) == []


def test_a_model_the_fusions_do_not_fit_keeps_its_plain_graph(tmp_path: Path) -> None:
    """Only BERT graphs are fused; any other encoder is exported unchanged (same vectors)."""
    from onnx import TensorProto, helper, save

    graph = helper.make_graph([helper.make_node("Relu", ["x"], ["y"], name="relu")], "g",
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2])])
    save(helper.make_model(graph), str(tmp_path / "plain.onnx"))
    config = {"model_type": "xlm-roberta", "num_attention_heads": 12, "hidden_size": 384}
    assert fuse_graph(tmp_path / "plain.onnx", tmp_path / "out.onnx", config) == {}
    assert (tmp_path / "out.onnx").read_bytes() == (tmp_path / "plain.onnx").read_bytes()


@pytest.fixture(scope="module")
def encoders(built_data: Path) -> tuple[OnnxEmbedder, OnnxEmbedder, SentenceTransformerEmbedder]:
    """An int8 copy (made here), the fp32 export ingest used, sentence-transformers on torch."""
    fp32 = load_embedder(model_dir(built_data), built_data, export=False, query_recipe=None)
    assert isinstance(fp32, OnnxEmbedder), "ingest should have exported the model"
    int8 = load_embedder(model_dir(built_data), built_data, recipe="int8-pc-rr")
    assert isinstance(int8, OnnxEmbedder) and (int8.precision, fp32.precision) == ("int8", "fp32")
    return int8, fp32, SentenceTransformerEmbedder(model_dir(built_data))


@pytest.mark.slow
def test_ingest_exported_the_model_into_the_data_directory(built_data: Path) -> None:
    source = describe_model(model_dir(built_data))["source"]
    folder = export_dir(built_data, source)
    assert folder.is_relative_to(built_data / "models") and is_export(folder, source)


@pytest.mark.slow
def test_fp32_query_vectors_equal_sentence_transformers(encoders) -> None:
    """fp32 export: cosine >= 0.9999 on every Swedish query, one at a time and batched."""
    _, onnx, torch_model = encoders
    texts = [*QUESTIONS, *dev_queries()]
    reference = torch_model.embed_queries(texts)
    batched = onnx.embed_queries(texts)
    single = np.vstack([onnx.embed_queries([t]) for t in texts])
    for vectors in (batched, single):
        assert vectors.shape == reference.shape and vectors.dtype == np.float32
        assert np.min(np.sum(vectors * reference, axis=1)) >= 0.9999
    assert np.allclose(np.linalg.norm(single, axis=1), 1.0, atol=1e-5)
    assert onnx.fingerprint == torch_model.fingerprint  # one vector space, one index


@pytest.mark.slow
def test_the_export_is_fused_and_its_passages_equal_sentence_transformers(
        encoders, built_data: Path) -> None:
    """Eager attention, fused per layer; the corpus's passages at cosine >= 0.9999 to torch,
    in the small length-sorted batches ingest uses."""
    _, onnx, torch_model = encoders
    folder = export_dir(built_data, describe_model(model_dir(built_data))["source"])
    manifest = json.loads((folder / MANIFEST).read_text("utf-8"))
    layers = json.loads((model_dir(built_data) / "config.json").read_text("utf-8"))
    assert manifest["format"] == FORMAT
    assert manifest["fused"]["Attention"] == layers["num_hidden_layers"]
    texts = [p["text"] for p in SearchIndex.load(index_dir(built_data)).passages]
    vectors, reference = onnx.embed_passages(texts), torch_model.embed_passages(texts)
    assert np.min(np.sum(vectors * reference, axis=1)) >= 0.9999


@pytest.mark.slow
def test_int8_query_vectors_stay_close_to_fp32(encoders) -> None:
    """The int8 copy, one query at a time as search asks: cosine >= 0.99 to fp32 on each."""
    int8, fp32, _ = encoders
    texts = [*QUESTIONS, *dev_queries()]
    mine = np.vstack([int8.embed_queries([t]) for t in texts])
    reference = np.vstack([fp32.embed_queries([t]) for t in texts])
    assert mine.dtype == np.float32 and np.allclose(np.linalg.norm(mine, axis=1), 1.0, atol=1e-5)
    assert np.min(np.sum(mine * reference, axis=1)) >= 0.99
    assert not np.array_equal(mine, reference)  # really the quantised graph


@pytest.fixture(scope="module")
def serving(built_data: Path) -> OnnxEmbedder:
    """The query-speed option: the fp32 export for passages, its int8 copy for queries."""
    embedder = load_embedder(model_dir(built_data), built_data, query_recipe="int8-pc-rr")
    assert isinstance(embedder, OnnxEmbedder)
    return embedder


@pytest.mark.slow
def test_a_query_copy_onnx_runtime_cannot_open_falls_back_to_the_export(
        built_data: Path, tmp_path: Path, capsys) -> None:
    """A damaged copy costs the queries' speed, never the export: fp32 answers, with a note."""
    folder = export_dir(built_data, describe_model(model_dir(built_data))["source"])
    damaged = tmp_path / "copy"
    damaged.mkdir()
    (damaged / MANIFEST).write_text((folder / MANIFEST).read_text("utf-8"), "utf-8")
    (damaged / ONNX_FILE).write_bytes(b"not a model")
    embedder = with_query_copy(model_dir(built_data), folder, damaged)
    assert isinstance(embedder, OnnxEmbedder) and embedder.query_precision == "fp32"
    assert "använder fp32" in capsys.readouterr().err
    assert embedder.embed_queries(["barns rätt till lek"]).shape == (1, embedder.dimension)


@pytest.mark.slow
def test_search_runs_exact_queries_by_default(built_data: Path) -> None:
    """Neither int8 nor 4-bit queries showed a gain worth their moves on the dev parts, so
    search keeps fp32 queries: its serving embedder (a fresh one, not the process-wide cached
    one other tests share) opens the export's serving session only."""
    embedder = load_embedder(model_dir(built_data), built_data)
    assert QUERY_RECIPE is None and embedder.query_precision == "fp32"
    assert set(embedder._sessions) == {"serve"}
    bulk = for_indexing(embedder)
    assert bulk.bulk and bulk.query_precision == "fp32" and for_indexing(bulk) is bulk


@pytest.mark.slow
def test_int8_queries_stay_in_the_fp32_index_space(serving, encoders, built_data) -> None:
    """Queries on int8 stay within cosine 0.99 of fp32; passages and fingerprint are fp32's."""
    _, fp32, _ = encoders
    texts = [*QUESTIONS, *dev_queries()]
    fast = np.vstack([serving.embed_queries([t]) for t in texts])
    exact = np.vstack([fp32.embed_queries([t]) for t in texts])
    assert (serving.precision, serving.query_precision) == ("fp32", "int8")
    assert np.min(np.sum(fast * exact, axis=1)) >= 0.99 and not np.array_equal(fast, exact)
    assert serving.fingerprint == fp32.fingerprint
    np.testing.assert_array_equal(serving.embed_passages(texts[:5]), fp32.embed_passages(texts[:5]))
    SearchIndex.load(index_dir(built_data), serving)  # the fp32 index accepts it


@pytest.mark.slow
def test_ingest_embeds_with_exact_queries(serving, encoders) -> None:
    """for_indexing gives fp32 queries, so the graph and index never depend on the fast side."""
    _, fp32, _ = encoders
    exact = for_indexing(serving)
    assert exact is not serving and exact.query_precision == "fp32"
    np.testing.assert_array_equal(exact.embed_queries(QUESTIONS[:3]),
                                  fp32.embed_queries(QUESTIONS[:3]))
    assert serving.query_precision == "int8" and not serving.bulk


@pytest.mark.slow
def test_the_index_holds_the_fp32_vectors(encoders, built_data: Path) -> None:
    """Passages embedded again by the fp32 export meet their indexed vectors (order kept)."""
    int8, fp32, _ = encoders
    index = SearchIndex.load(index_dir(built_data), fp32)
    rows = list(range(0, len(index.passages), 9))
    texts = [index.passages[i]["text"] for i in rows]
    stored = np.vstack([index.dense.vector(i) for i in rows])
    assert np.min(np.sum(fp32.embed_passages(texts) * stored, axis=1)) >= 0.9999
    # int8 activations are quantised per batch: other batch-mates move a vector a little
    assert np.min(np.sum(int8.embed_passages(texts) * stored, axis=1)) >= 0.99
    assert index.manifest["model"] == fp32.fingerprint
    assert int8.fingerprint == f"{fp32.fingerprint}+onnx-int8-pc-rr"


@pytest.mark.slow
def test_an_index_is_never_searched_with_another_encoder(encoders, built_data) -> None:
    """fp32 and torch share a fingerprint; the int8 copy does not, and is refused."""
    int8, fp32, torch_model = encoders
    assert fp32.fingerprint == torch_model.fingerprint != int8.fingerprint
    with pytest.raises(SearchIndexError, match="bokslut ingest"):
        SearchIndex.load(index_dir(built_data), int8)


@pytest.mark.slow
def test_a_failed_quantisation_falls_back_to_fp32(built_data: Path, monkeypatch, capsys) -> None:
    monkeypatch.setitem(RECIPES, "broken", Recipe("broken", include="no-node-is-called-this"))
    embedder = load_embedder(model_dir(built_data), built_data, recipe="broken")
    assert isinstance(embedder, OnnxEmbedder) and embedder.precision == "fp32"
    assert "använder fp32" in capsys.readouterr().err
    leftovers = [p.name for p in (built_data / "models" / "onnx").iterdir() if "broken" in p.name]
    assert leftovers == []


@pytest.mark.slow
def test_without_an_export_torch_answers(tmp_path: Path, capsys) -> None:
    """No export and none allowed: sentence-transformers; a damaged export: the same, said."""
    source_dir = ensure_e5_model(tmp_path)
    embedder = load_embedder(source_dir, tmp_path, export=False)
    assert isinstance(embedder, SentenceTransformerEmbedder)
    description = describe_model(source_dir)
    broken = export_dir(tmp_path, description["source"])
    broken.mkdir(parents=True)
    (broken / MANIFEST).write_text(json.dumps(description), "utf-8")
    (broken / ONNX_FILE).write_bytes(b"not an onnx graph")
    assert is_export(broken, description["source"])
    embedder = load_embedder(source_dir, tmp_path, export=False)
    assert isinstance(embedder, SentenceTransformerEmbedder)
    assert "använder torch" in capsys.readouterr().err
    vector = embedder.embed_queries([QUESTIONS[0]])
    assert vector.shape == (1, embedder.dimension)


@pytest.mark.slow
def test_bulk_vectors_are_the_serving_sessions_bit_for_bit(encoders, built_data) -> None:
    """Batches side by side on one-thread runs give exactly the two-thread session's vectors,
    in input order, queries and passages alike; ingest's embedder opens only that session."""
    _, fp32, _ = encoders
    passages = SearchIndex.load(index_dir(built_data)).passages[::10]
    texts = [*QUESTIONS, *dev_queries()[:40], *(p["text"] for p in passages)]
    bulk = load_embedder(model_dir(built_data), built_data, export=False, bulk=True)
    assert isinstance(bulk, OnnxEmbedder) and set(bulk._sessions) == {"bulk"}
    assert len(token_batches([len(e.ids) for e in bulk.tokenizer.encode_batch(texts)])) > 2
    serve = fp32.session
    for prompt in (fp32.query_prompt, fp32.passage_prompt):
        np.testing.assert_array_equal(bulk._encode(texts, prompt),
                                      fp32._encode(texts, prompt, session=serve))
    np.testing.assert_array_equal(bulk.embed_queries(QUESTIONS), fp32.embed_queries(QUESTIONS))
    assert set(bulk._sessions) == {"bulk"} and for_indexing(bulk) is bulk


@pytest.mark.slow
def test_one_query_gets_the_batch_calls_ids_and_vector(encoders) -> None:
    """A single text skips the tokenizer's batch call (and its thread pool): the same ids,
    and the same vector bit for bit as the batch path gives it."""
    _, fp32, _ = encoders
    for text in prepare_texts([*QUESTIONS, *dev_queries()[:40]]):
        prompted = fp32.query_prompt + text
        batch = fp32.tokenizer.encode_batch([prompted])
        assert fp32.tokenizer.encode(prompted).ids == batch[0].ids
        np.testing.assert_array_equal(fp32.embed_queries([text]),
                                      fp32._batch(batch, fp32.query_session()))
