"""Files written beside and renamed in: all or nothing, with the directory's usual mode."""

from __future__ import annotations

import pytest

from search.file_swap import write_swapped, write_text_swapped


def test_the_file_has_a_plain_files_mode_and_its_content(tmp_path):
    plain = tmp_path / "plain.txt"
    plain.write_text("x")
    target = tmp_path / "swapped.txt"
    write_text_swapped(target, "hej då")
    assert target.read_text("utf-8") == "hej då"
    assert target.stat().st_mode == plain.stat().st_mode
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plain.txt", "swapped.txt"]


def test_a_failed_write_keeps_the_old_file_and_leaves_nothing(tmp_path):
    target = tmp_path / "data.bin"
    target.write_bytes(b"old")

    def half_then_fail(out):
        out.write(b"new, half")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        write_swapped(target, half_then_fail)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["data.bin"]
