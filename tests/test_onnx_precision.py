"""The data directory's encoder precision: recorded by ingest, read by every embedder of it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from search.embedder import FakeEmbedder
from search.index_store import SearchIndex, SearchIndexError
from search.model_store import E5_DIR_NAME, ModelSettingError
from search.onnx_encoder import OnnxEmbedder
from search.onnx_loading import load_embedder
from search.onnx_precision import (
    FP32,
    config_path,
    default_precision,
    recipe_for,
    record_precision,
    recorded_precision,
    recording,
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


def test_cli_ingest_records_the_precision_only_with_the_published_index(
        fake_data_copy: Path, monkeypatch) -> None:
    """The model is built at the precision chosen at the start (never re-read from the file
    mid-ingest), and the record appears only once the index it describes is published."""
    seen = []

    def fake_model(cfg, recipe=None):
        seen.append((recipe, config_path(fake_data_copy).exists()))
        record_precision(fake_data_copy, FP32)  # another process's record, mid-ingest
        return FakeEmbedder()

    monkeypatch.setattr("web.pipeline.recorded_ingest.ingest_embedder", fake_model)
    result = CliRunner().invoke(main, ["ingest", "--data", str(fake_data_copy)],
                                env={"BOKSLUT_ENCODER_PRECISION": "int8-pc-rr"})
    assert result.exit_code == 0, result.output
    assert "kodarens precision byts" in result.output
    assert seen == [("int8-pc-rr", False)]
    assert recorded_precision(fake_data_copy) == "int8-pc-rr"


@pytest.mark.parametrize("error", [OSError(28, "No space left on device"),
                                   OSError(5, "Input/output error")], ids=["enospc", "eio"])
def test_cli_ingest_that_fails_with_os_error_records_nothing(fake_data_copy: Path,
                                                               monkeypatch, error) -> None:
    """A full disk or a bad one mid-ingest: a `fel:` line, no traceback, the old record and
    index kept."""
    record_precision(fake_data_copy, FP32)
    manifest = (index_dir(fake_data_copy) / "manifest.json").read_bytes()

    def full_disk(cfg, recipe=None):
        raise error

    monkeypatch.setattr("web.pipeline.recorded_ingest.ingest_embedder", full_disk)
    result = CliRunner().invoke(main, ["ingest", "--data", str(fake_data_copy)],
                                env={"BOKSLUT_ENCODER_PRECISION": "int8-pc-rr"})
    assert result.exit_code != 0 and "fel:" in result.output
    assert "inget ändrades" in result.output
    assert "Traceback" not in result.output and not isinstance(result.exception, OSError)
    assert recorded_precision(fake_data_copy) == FP32
    assert (index_dir(fake_data_copy) / "manifest.json").read_bytes() == manifest


def test_ctrl_c_during_the_embedding_leaves_the_old_record(fake_data_copy: Path,
                                                           monkeypatch) -> None:
    record_precision(fake_data_copy, FP32)

    def interrupted(cfg, recipe=None):
        raise KeyboardInterrupt

    monkeypatch.setattr("web.pipeline.recorded_ingest.ingest_embedder", interrupted)
    result = CliRunner().invoke(main, ["ingest", "--data", str(fake_data_copy)],
                                env={"BOKSLUT_ENCODER_PRECISION": "int8-pc-rr"})
    assert result.exit_code != 0  # click's "Aborted!"
    assert recorded_precision(fake_data_copy) == FP32


def test_a_publish_that_fails_after_the_record_puts_the_old_record_back(tmp_path: Path) -> None:
    record_precision(tmp_path, FP32)
    with pytest.raises(KeyboardInterrupt), recording(tmp_path, "int8-pc-rr") as record:
        record()
        assert recorded_precision(tmp_path) == "int8-pc-rr"
        raise KeyboardInterrupt  # e.g. Ctrl-C during the rename
    assert recorded_precision(tmp_path) == FP32
    with pytest.raises(OSError), recording(tmp_path / "new", "int8-pc-rr") as record:
        record()
        raise OSError("rename failed")
    assert not config_path(tmp_path / "new").exists()  # a first record goes away again


@pytest.mark.slow
def test_the_embedder_follows_the_record_and_the_index_refuses_another(
        built_data: Path, tmp_path: Path) -> None:
    """A directory that records int8 embeds with the int8 copy, whose fingerprint the fp32
    index refuses; recording fp32 gives back the index's own encoder."""
    shared = built_data / "models" / "onnx"
    before = sorted(p.name for p in shared.iterdir())
    (tmp_path / "models" / "onnx").mkdir(parents=True)
    for export in shared.iterdir():  # only fp32 exports, each linked: the int8 copy is ours
        if "-int8" not in export.name:
            (tmp_path / "models" / "onnx" / export.name).symlink_to(export)
    model = built_data / "models" / E5_DIR_NAME
    record_precision(tmp_path, "int8-pc-rr")
    int8 = load_embedder(model, tmp_path)
    assert isinstance(int8, OnnxEmbedder) and int8.precision == "int8"
    assert int8.fingerprint.endswith("+onnx-int8-pc-rr")
    assert sorted(p.name for p in shared.iterdir()) == before  # nothing written into it
    assert any((tmp_path / "models" / "onnx").glob("*-int8-pc-rr/model.onnx"))
    with pytest.raises(SearchIndexError, match="bokslut ingest"):
        SearchIndex.load(index_dir(built_data), int8)
    record_precision(tmp_path, "fp32")
    fp32 = load_embedder(model, tmp_path)
    assert isinstance(fp32, OnnxEmbedder) and fp32.precision == "fp32"
    assert SearchIndex.load(index_dir(built_data), fp32).manifest["model"] == fp32.fingerprint
