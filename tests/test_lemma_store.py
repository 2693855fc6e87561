"""The lemma table's compact copy answers every lookup exactly as the packaged source does;
a missing, damaged or foreign copy is rebuilt, never trusted."""

from __future__ import annotations

from pathlib import Path

import pytest

from search import file_swap
from search.lemma_store import copy_path, parse, read_copy, read_lemma_table, source_bytes


@pytest.fixture(scope="module")
def source() -> dict[str, str]:
    """The table parsed from the packaged gzipped JSON."""
    return parse(source_bytes())


def test_the_copy_gives_the_same_table_as_the_source(source: dict[str, str],
                                                      tmp_path: Path) -> None:
    """Built on first use, then read back: every form, every lemma, nothing more."""
    built = read_lemma_table(tmp_path)
    path = copy_path(tmp_path, source_bytes())
    assert path.is_file() and [p.name for p in tmp_path.iterdir()] == [path.name]
    loaded = read_copy(path)
    assert loaded is not None and loaded is not built
    assert built == source and loaded == source and len(loaded) > 600_000
    assert read_lemma_table(tmp_path) == source


@pytest.mark.parametrize("damage", ["empty", "garbage", "truncated", "flipped"])
def test_a_damaged_copy_is_rebuilt(source: dict[str, str], tmp_path: Path, damage) -> None:
    """Any change to the file fails its checksum: parsed from the source and written whole."""
    read_lemma_table(tmp_path)
    path = copy_path(tmp_path, source_bytes())
    whole = path.read_bytes()
    broken = {"empty": b"", "garbage": b"x" * 100, "truncated": whole[: len(whole) // 2],
              "flipped": whole[:-1] + bytes([whole[-1] ^ 1])}[damage]
    path.write_bytes(broken)
    assert read_copy(path) is None
    assert read_lemma_table(tmp_path) == source and path.read_bytes() == whole


def test_another_source_has_another_copy(tmp_path: Path) -> None:
    """Keyed by the source's hash: a new spacy-lookups-data never meets the old copy."""
    assert copy_path(tmp_path, b"one") != copy_path(tmp_path, b"two")


def test_an_unwritable_folder_still_gives_the_table(source: dict[str, str], tmp_path: Path,
                                                     monkeypatch) -> None:
    """The copy is only a saving: a failed write leaves no file and no error."""
    def fail(*_args, **_kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(file_swap.os, "replace", fail)  # the copy is written through file_swap
    assert read_lemma_table(tmp_path) == source and list(tmp_path.iterdir()) == []


def test_the_copy_has_a_plain_files_mode(tmp_path: Path) -> None:
    """Readable like the other model artifacts by another user of the data directory."""
    plain = tmp_path / "plain"
    plain.write_bytes(b"")
    read_lemma_table(tmp_path)
    mode = copy_path(tmp_path, source_bytes()).stat().st_mode & 0o777
    assert mode == plain.stat().st_mode & 0o777
