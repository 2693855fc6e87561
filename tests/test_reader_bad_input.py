"""Bad input: clear ReportErrors (file, line, what was expected), and harmless encodings.

Every bad file is derived from the real report text in a temporary directory.
"""

from __future__ import annotations

import json
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from corpus.errors import ReportError
from corpus.reader import read_report
from tests.conftest import REPORT_PATH
from web.cli.parse_summary import report_json

TEXT = REPORT_PATH.read_text(encoding="utf-8")
LINES = TEXT.split("\n")
BOKSLUT = Path(sys.executable).parent / "bokslut"


def write(tmp_path: Path, name: str, data: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8", newline="")
    else:
        path.write_bytes(data)
    return path


def read_error(path: Path, strict: bool = False) -> ReportError:
    with pytest.raises(ReportError) as info:
        read_report(path, strict=strict)
    assert str(path) in str(info.value)
    return info.value


def line_of(prefix: str) -> int:
    """1-based line of the raw row or heading starting with prefix (not the TOC line)."""
    hits = [n for n, line in enumerate(LINES, start=1)
            if line.startswith(prefix) and not line.rstrip().split("\t")[-1].isdigit()]
    assert len(hits) == 1, prefix
    return hits[0]


def bad_row_text() -> tuple[str, int]:
    """The report with one indicator row missing a tab (Källa and Jämförelse run together)."""
    line = line_of("Andel barn i familjer med låg ekonomisk standard\t")
    lines = list(LINES)
    lines[line - 1] = lines[line - 1].replace("\tSCB\t", "\tSCB ", 1)
    assert lines[line - 1].count("\t") == 4
    return "\n".join(lines), line


def truncated_text() -> tuple[str, int]:
    """The report cut in the middle of Målområde 4."""
    start, end = line_of("Målområde 4:"), line_of("Målområde 5:")
    cut = (start + end) // 2
    return "\n".join(LINES[:cut]), cut


def comparable(report) -> dict:
    """The whole record tree, without what depends on the file's name and bytes."""
    tree = report_json(report)
    for key in ("path", "file_name", "sha256"):
        tree.pop(key)
    return tree


@pytest.fixture(scope="module")
def original(report) -> dict:
    return comparable(report)


def test_missing_file(tmp_path):
    error = read_error(tmp_path / "finns-inte.txt")
    assert "not found" in error.message


def test_empty_file(tmp_path):
    error = read_error(write(tmp_path, "tom.txt", b"\n  \n"))
    assert "empty" in error.message


def test_not_utf8(tmp_path):
    error = read_error(write(tmp_path, "latin1.txt", TEXT.encode("latin-1", errors="replace")))
    assert "UTF-8" in error.message
    assert error.line == 5  # "Södertälje" on line 5 holds the first non-ASCII byte


def test_readme_is_not_a_bokslut(tmp_path):
    readme = "# Bokslutsgrafen\n\nKunskapsgraf och semantisk sökning.\n\n## Install\n\nmake\n"
    error = read_error(write(tmp_path, "README.md", readme))
    assert "table of contents" in error.message


def test_toc_without_goal_areas_is_not_a_bokslut(tmp_path):
    first_area = line_of("Målområde 1:")
    error = read_error(write(tmp_path, "bara-intro.txt", "\n".join(LINES[:first_area - 1])))
    assert "not a bokslut" in error.message
    assert "Målområde" in error.message


def test_row_with_wrong_number_of_cells(tmp_path):
    """Strict reading refuses it; the default keeps everything else (tests/test_reader_noise)."""
    text, line = bad_row_text()
    path = write(tmp_path, "fel-rad.txt", text)
    assert [s.line for s in read_report(path).skipped] == [line]
    error = read_error(path, strict=True)
    assert error.line == line
    assert str(error).startswith(f"{path}:{line}: ")
    assert "expected 6" in error.message


def test_truncated_report(tmp_path):
    text, cut = truncated_text()
    error = read_error(write(tmp_path, "avklippt.txt", text))
    assert "truncated" in error.message
    assert "Mål K" in error.message and "Målområde 5" in error.message
    assert error.line == cut


@pytest.mark.parametrize(("name", "encode"), [
    ("crlf.txt", lambda t: t.replace("\n", "\r\n").encode("utf-8")),
    ("nfd.txt", lambda t: unicodedata.normalize("NFD", t).encode("utf-8")),
    ("bom.txt", lambda t: b"\xef\xbb\xbf" + t.encode("utf-8")),
])
def test_harmless_encodings_read_identically(tmp_path, report, original, name, encode):
    data = encode(TEXT)
    assert data != TEXT.encode("utf-8")
    variant = read_report(write(tmp_path, name, data))
    assert comparable(variant) == original
    assert len(variant.indicators) == 73
    assert [i.observations for i in variant.indicators] == [
        i.observations for i in report.indicators]
    titles = [variant.title, *(a.title for a in variant.goal_areas),
              *(g.title for g in variant.goals)]
    assert all(unicodedata.is_normalized("NFC", t) for t in titles)
    assert variant.goal_areas[4].title == ("Ett välmående Södertälje – god och jämlik hälsa "
                                           "genom livet")


# --- the command line, as a real subprocess ------------------------------------------------

def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    assert BOKSLUT.exists(), BOKSLUT
    return subprocess.run([str(BOKSLUT), "parse", *args], capture_output=True, text=True,
                          timeout=120, check=False)


@pytest.mark.slow  # a `bokslut` process per file
def test_cli_bad_files_fail_cleanly(tmp_path):
    row_text, row_line = bad_row_text()
    cut_text, cut = truncated_text()
    cases = [
        (write(tmp_path, "fel-rad.txt", row_text), row_line),
        (write(tmp_path, "avklippt.txt", cut_text), cut),
        (write(tmp_path, "latin1.txt", TEXT.encode("latin-1", errors="replace")), 5),
        (tmp_path / "finns-inte.txt", None),
    ]
    for path, line in cases:
        result = run_cli(str(path))
        assert result.returncode != 0, path  # 2 with a warning for the skipped row, else 1
        assert "Traceback" not in result.stderr + result.stdout
        where = f"{path}:{line}" if line else str(path)
        assert where in result.stderr, result.stderr


@pytest.mark.slow  # a `bokslut` process
def test_cli_summary_of_the_real_report():
    result = run_cli(str(REPORT_PATH))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for label, count in [("målområden", 6), ("mål", 15), ("rättigheter", 35),
                         ("utvecklingsomr.", 29), ("tematiska avsnitt", 45),
                         ("indikatorer", 73), ("ej tolkade celler", 0)]:
        assert any(line.split() == [*label.split(), str(count)] for line in out.splitlines()), \
            (label, out)
    assert "ej tolkade celler 0" in out
    assert "Traceback" not in result.stderr


@pytest.mark.slow  # a `bokslut` process
def test_cli_json():
    result = run_cli(str(REPORT_PATH), "--json")
    assert result.returncode == 0, result.stderr
    tree = json.loads(result.stdout)
    goals = [g for area in tree["goal_areas"] for g in area["goals"]]
    assert [g["letter"] for g in goals] == list("ABCDEFGHIJKLMNO")
    assert goals[0]["indicators"][0]["observations"][0]["value"] == "9.1"
    assert tree["unparsed"] == []
