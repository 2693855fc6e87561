"""The rights benchmarks measure an ingested data directory, never one they build themselves."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from search.embedder import FakeEmbedder

ROOT = Path(__file__).resolve().parents[1]


def load_rights_eval() -> ModuleType:
    """benchmarks/rights_eval.py as a module (benchmarks/ is scripts, not a package)."""
    spec = importlib.util.spec_from_file_location("rights_eval", ROOT / "benchmarks"
                                                  / "rights_eval.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["rights_eval"] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


R = load_rights_eval()


def test_default_data_dir_is_the_repo_roots_from_any_directory(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without --data or BOKSLUT_DATA, the repo root's data/, wherever the script runs."""
    monkeypatch.chdir(tmp_path)
    assert R.data_dir(None, env={}) == ROOT / "data"
    assert R.data_dir(None, env={"OTHER": "x"}) == ROOT / "data"


def test_data_argument_then_environment_relative_to_the_caller(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """--data beats BOKSLUT_DATA; a relative one is the caller's, made absolute."""
    monkeypatch.chdir(tmp_path)
    env = {"BOKSLUT_DATA": "from-env"}
    assert R.data_dir(None, env=env) == tmp_path / "from-env"
    assert R.data_dir("given", env=env) == tmp_path / "given"
    assert R.data_dir(str(tmp_path / "abs"), env={}) == tmp_path / "abs"


def test_refuses_a_directory_without_an_index_before_building_a_model(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """No index: a `fel:` exit naming the directory, and nothing written there."""
    with pytest.raises(SystemExit) as exit_:
        R.load_inputs(data=tmp_path)
    message = str(exit_.value.code)
    assert message.startswith("fel: ") and str(tmp_path) in message
    assert "bokslut ingest" in message
    assert list(tmp_path.iterdir()) == []  # no model converted or exported here


def test_measures_with_the_encoder_the_index_was_built_with(
        fake_data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An ingested directory is measured with its own encoder; another encoder is refused."""
    monkeypatch.setattr(R, "embedder_for", lambda model, data: FakeEmbedder())
    inputs = R.load_inputs(data=fake_data)
    assert isinstance(inputs.embedder, FakeEmbedder)
    assert {r["group"] for r in inputs.rows} == set(R.DEVELOPMENT)  # never the blind set

    other = FakeEmbedder()
    other.fingerprint = "another-encoder"
    monkeypatch.setattr(R, "embedder_for", lambda model, data: other)
    with pytest.raises(SystemExit) as exit_:
        R.load_inputs(data=fake_data)
    assert str(exit_.value.code).startswith("fel: ")
    assert "another-encoder" in str(exit_.value.code)


def test_the_blind_sets_are_read_only_when_asked(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without --blind no blind file is even looked at; with it both sets' rows join, named,
    and a missing one is a clear error naming it."""
    ten, eleven = tmp_path / "rights_judged_ten.jsonl", tmp_path / "rights_judged_eleven.jsonl"
    monkeypatch.setitem(R.JUDGED, "blind10", ten)  # not there yet: reading it would fail
    monkeypatch.setitem(R.JUDGED, "blind11", eleven)
    assert {r["group"] for r in R.judged_rows()} == set(R.DEVELOPMENT)
    row = '# how it was judged\n{"article": "CRC 99", "action": "A-1", "grade": 2}\n'
    ten.write_text(row, encoding="utf-8")
    with pytest.raises(FileNotFoundError, match="blind11") as missing:
        R.judged_rows(blind=True)
    assert "blind10" not in str(missing.value)
    eleven.write_text(row.replace("CRC 99", "CRC 98"), encoding="utf-8")
    rows = R.judged_rows(blind=True)
    assert [r for r in rows if r["group"] not in R.DEVELOPMENT] == [
        {"article": "CRC 99", "action": "A-1", "grade": 2, "group": "blind10"},
        {"article": "CRC 98", "action": "A-1", "grade": 2, "group": "blind11"}]
    assert set(R.JUDGED) == {*R.DEVELOPMENT, "blind10", "blind11"}


def test_each_blind_set_is_reported_apart_and_then_together(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """One block per blind set with its articles, then one with both sets' means only."""
    monkeypatch.setattr(R, "measure", lambda c, t: (0.5, 0.2))
    monkeypatch.setattr(R, "ranking", lambda c, t: [])
    cases = [R.Case(n, g, {"A-1": 2}, set(), {}, "")
             for n, g in (("CRC 1", "blind10"), ("CRC 2", "blind11"), ("CRC 3", "blind11"))]
    R.blind_sets(sys.stdout, cases, R.CHOSEN)
    out = capsys.readouterr().out
    titles = [line for line in out.splitlines() if line.startswith("Blind set")]
    assert [t.split(",")[0] for t in titles] == [
        "Blind set blind10", "Blind set blind11",
        "Blind sets blind10 + blind11 together (3 articles)"]
    together = out[out.index("Blind sets"):]
    assert "CRC 1" not in together and "mean, 3 articles" in together
    assert "mean, blind10 set" in together and "mean, blind11 set" in together


def case(grades: dict[str, int], stated: set[str] = frozenset()) -> object:
    """A judged article without scored pairs (enough for the link counts)."""
    return R.Case("CRC 99", "judged", grades, set(stated), {}, "")


def test_links_are_counted_per_class_with_their_grades_and_the_recall(
        capsys: pytest.CaptureFixture[str]) -> None:
    """Per class: links, share graded >= 1 and >= 2; recall over the grade >= 2 pairs."""
    graded = case({"A-1": 3, "A-2": 0, "B-1": 1, "B-2": 2, "C-1": 2})
    R.links_summary(sys.stdout, [(graded, [("A-1", "direkt"), ("B-1", "härledd"),
                                           ("A-2", "härledd"), ("B-2", "härledd")])])
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["direkt", "1", "links,", "grade", ">=", "1:", "1.000,",
                                "grade", ">=", "2:", "1.000"]
    assert lines[1].split()[:2] == ["härledd", "3"] and "0.667" in lines[1]
    assert lines[1].endswith("0.333")
    assert lines[2].endswith("2/3 = 0.667")  # C-1 (grade 2) got no link
    assert len(lines) == 3  # classes without links are left out


def test_the_p5_ceiling_is_what_the_grades_allow(capsys: pytest.CaptureFixture[str]) -> None:
    """min(1, grade >= 2 actions / 5) per article, averaged: 2/5 and 1 give 0.7."""
    few = case({"A-1": 2, "A-2": 3, "A-3": 1})
    many = case({f"A-{i}": 2 for i in range(7)})
    R.ceiling(sys.stdout, [few, many])
    assert capsys.readouterr().out.rstrip().endswith(": 0.700")
