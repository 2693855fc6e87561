"""The ONNX query encoder: made at ingest, same vectors as sentence-transformers, torch fallback."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from search.embedder import SentenceTransformerEmbedder
from search.engine import embedder_for
from search.index_store import SearchIndex
from search.model_store import E5_DIR_NAME, ensure_e5_model
from search.onnx_encoder import OnnxEmbedder, load_embedder, mean_pool
from search.onnx_export import (
    MANIFEST,
    ONNX_FILE,
    OnnxExportError,
    describe_model,
    export_dir,
    is_export,
)
from web.pipeline.layout import index_dir
from web.settings import resolve

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


@pytest.fixture(scope="module")
def encoders(built_data: Path) -> tuple[OnnxEmbedder, SentenceTransformerEmbedder]:
    """The embedder ingest used (ONNX) and sentence-transformers on the same directory."""
    onnx = embedder_for(resolve({"data": built_data})["embed_model"], str(built_data))
    assert isinstance(onnx, OnnxEmbedder), "ingest should have exported the model"
    return onnx, SentenceTransformerEmbedder(model_dir(built_data))


@pytest.mark.slow
def test_ingest_exported_the_model_into_the_data_directory(built_data: Path) -> None:
    source = describe_model(model_dir(built_data))["source"]
    folder = export_dir(built_data, source)
    assert folder.is_relative_to(built_data / "models") and is_export(folder, source)


@pytest.mark.slow
def test_query_vectors_equal_sentence_transformers(encoders) -> None:
    """fp32 export: cosine ≥ 0.9999 on every Swedish query, one at a time and batched."""
    onnx, torch_model = encoders
    texts = [*QUESTIONS, *dev_queries()]
    reference = torch_model.embed_queries(texts)
    batched = onnx.embed_queries(texts)
    single = np.vstack([onnx.embed_queries([t]) for t in texts])
    for vectors in (batched, single):
        assert vectors.shape == reference.shape and vectors.dtype == np.float32
        assert np.min(np.sum(vectors * reference, axis=1)) >= 0.9999
    assert np.allclose(np.linalg.norm(single, axis=1), 1.0, atol=1e-5)


@pytest.mark.slow
def test_passage_vectors_equal_the_index(encoders, built_data: Path) -> None:
    """Passages of very different lengths, in input order, match sentence-transformers."""
    onnx, torch_model = encoders
    passages = SearchIndex.load(index_dir(built_data)).passages
    texts = [p["text"] for p in passages[::9]]
    mine, reference = onnx.embed_passages(texts), torch_model.embed_passages(texts)
    assert np.min(np.sum(mine * reference, axis=1)) >= 0.9999
    assert onnx.fingerprint == torch_model.fingerprint  # one vector space, one index


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
