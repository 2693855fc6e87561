"""The data directory's encoder precision: recorded by ingest, read by every embedder of it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from corpus import ReportError
from search.index_store import SearchIndex, SearchIndexError
from search.model_store import E5_DIR_NAME, ModelSettingError
from search.onnx_encoder import OnnxEmbedder, load_embedder
from search.onnx_precision import (
    FP32,
    config_path,
    default_precision,
    recipe_for,
    record_precision,
    recorded_precision,
)
from search.onnx_quantize import CHOSEN
from web.cli.main import main
from web.pipeline.layout import index_dir


def test_an_unrecorded_directory_runs_the_project_default(tmp_path: Path) -> None:
    assert default_precision() == (CHOSEN or FP32)
    assert recorded_precision(tmp_path) == default_precision()
    assert recipe_for(tmp_path) == CHOSEN


def test_recording_a_recipe_says_the_index_is_rebuilt_once(tmp_path: Path) -> None:
    note = record_precision(tmp_path, "int8-pc-rr")
    assert note is not None and "int8-pc-rr" in note and "byggs om" in note
    assert recorded_precision(tmp_path) == "int8-pc-rr" and recipe_for(tmp_path) == "int8-pc-rr"
    assert record_precision(tmp_path, "int8-pc-rr") is None  # no change, no note
    assert record_precision(tmp_path, "") is None  # empty keeps the directory's
    assert recipe_for(tmp_path) == "int8-pc-rr"
    assert "fp32" in (record_precision(tmp_path, " fp32 ") or "")
    assert recipe_for(tmp_path) is None
    assert json.loads(config_path(tmp_path).read_text("utf-8")) == {"precision": "fp32"}


def test_an_unknown_precision_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    with pytest.raises(ModelSettingError, match=r"finns inte.*int8-pc-rr"):
        record_precision(tmp_path, "int4")
    assert not config_path(tmp_path).exists()


@pytest.mark.parametrize("content", ["{not json", '["int8-pc-rr"]', '{"precision": "int4"}'])
def test_a_damaged_record_falls_back_to_the_default(tmp_path: Path, content: str) -> None:
    """The fingerprint check then decides whether the saved index still fits."""
    config_path(tmp_path).parent.mkdir(parents=True)
    config_path(tmp_path).write_text(content, "utf-8")
    assert recorded_precision(tmp_path) == default_precision()


def test_cli_ingest_refuses_a_bad_setting_without_a_traceback(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["ingest", "--data", str(tmp_path)],
                                env={"BOKSLUT_ENCODER_PRECISION": "int4"})
    assert result.exit_code != 0 and "fel:" in result.output and "int4" in result.output
    assert "Traceback" not in result.output and not config_path(tmp_path).exists()


def test_cli_ingest_records_the_setting_and_restores_it_on_failure(tmp_path: Path,
                                                                   monkeypatch) -> None:
    """A failed ingest leaves the index on its old encoder, so the record goes back too."""
    seen = []

    def fake_ingest(*args, **kwargs):
        seen.append(recorded_precision(tmp_path))
        if len(seen) == 2:
            raise ReportError("rapport.txt", "trasig rapport")
        return type("R", (), {"reports": [], "passages": 0, "index_status": "built",
                              "seconds": {}})()

    monkeypatch.setattr("web.cli.graph.ingest", fake_ingest)
    env = {"BOKSLUT_ENCODER_PRECISION": "int8-pc-rr"}
    first = CliRunner().invoke(main, ["ingest", "--data", str(tmp_path)], env=env)
    assert first.exit_code == 0 and "kodarens precision byts" in first.output
    assert seen == ["int8-pc-rr"]
    env = {"BOKSLUT_ENCODER_PRECISION": "fp32"}
    second = CliRunner().invoke(main, ["ingest", "--data", str(tmp_path)], env=env)
    assert second.exit_code != 0 and "inget ändrades" in second.output
    assert seen == ["int8-pc-rr", "fp32"] and recorded_precision(tmp_path) == "int8-pc-rr"


@pytest.mark.slow
def test_the_embedder_follows_the_record_and_the_index_refuses_another(
        built_data: Path, tmp_path: Path) -> None:
    """A directory that records int8 embeds with the int8 copy, whose fingerprint the fp32
    index refuses; recording fp32 gives back the index's own encoder."""
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "onnx").symlink_to(built_data / "models" / "onnx")
    model = built_data / "models" / E5_DIR_NAME
    record_precision(tmp_path, "int8-pc-rr")
    int8 = load_embedder(model, tmp_path)
    assert isinstance(int8, OnnxEmbedder) and int8.precision == "int8"
    assert int8.fingerprint.endswith("+onnx-int8-pc-rr")
    with pytest.raises(SearchIndexError, match="bokslut ingest"):
        SearchIndex.load(index_dir(built_data), int8)
    record_precision(tmp_path, "fp32")
    fp32 = load_embedder(model, tmp_path)
    assert isinstance(fp32, OnnxEmbedder) and fp32.precision == "fp32"
    assert SearchIndex.load(index_dir(built_data), fp32).manifest["model"] == fp32.fingerprint
