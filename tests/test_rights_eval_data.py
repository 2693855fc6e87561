"""The rights benchmarks measure an ingested data directory, never one they build themselves."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

from search.embedder import FakeEmbedder

ROOT = Path(__file__).resolve().parents[1]


def load_rights_eval():
    """benchmarks/rights_eval.py as a module (benchmarks/ is scripts, not a package; it imports
    its sibling rights_fit.py, so benchmarks/ goes on the path)."""
    if str(ROOT / "benchmarks") not in sys.path:
        sys.path.insert(0, str(ROOT / "benchmarks"))
    spec = importlib.util.spec_from_file_location("rights_eval", ROOT / "benchmarks"
                                                  / "rights_eval.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["rights_eval"] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


R = load_rights_eval()


def test_default_data_dir_is_the_repo_roots_from_any_directory(tmp_path, monkeypatch):
    """Without --data or BOKSLUT_DATA, the repo root's data/, wherever the script runs."""
    monkeypatch.chdir(tmp_path)
    assert R.data_dir(None, env={}) == ROOT / "data"
    assert R.data_dir(None, env={"OTHER": "x"}) == ROOT / "data"


def test_data_argument_then_environment_relative_to_the_caller(tmp_path, monkeypatch):
    """--data beats BOKSLUT_DATA; a relative one is the caller's, made absolute."""
    monkeypatch.chdir(tmp_path)
    env = {"BOKSLUT_DATA": "from-env"}
    assert R.data_dir(None, env=env) == tmp_path / "from-env"
    assert R.data_dir("given", env=env) == tmp_path / "given"
    assert R.data_dir(str(tmp_path / "abs"), env={}) == tmp_path / "abs"


def test_refuses_a_directory_without_an_index_before_building_a_model(tmp_path, capsys):
    """No index: a `fel:` exit naming the directory, and nothing written there."""
    with pytest.raises(SystemExit) as exit_:
        R.load_inputs(data=tmp_path)
    message = str(exit_.value.code)
    assert message.startswith("fel: ") and str(tmp_path) in message
    assert "bokslut ingest" in message
    assert list(tmp_path.iterdir()) == []  # no model converted or exported here


def test_measures_with_the_encoder_the_index_was_built_with(fake_data, monkeypatch):
    """An ingested directory is measured with its own encoder; another encoder is refused."""
    monkeypatch.setattr(R, "embedder_for", lambda model, data: FakeEmbedder())
    inputs = R.load_inputs(data=fake_data)
    assert isinstance(inputs.embedder, FakeEmbedder)
    assert {r["group"] for r in inputs.rows} == set(R.DEVELOPMENT)  # never the blind set
    assert inputs.goals[inputs.prefix + "A-1"] == (
        "Varje barn lever i ekonomisk trygghet. "
        "En god start i livet – barn och unga har goda uppväxtvillkor.")
    assert {a.removeprefix(inputs.prefix)[0] for a in inputs.goals} == set("ABCDEFGHIJKLMNO")

    other = FakeEmbedder()
    other.fingerprint = "another-encoder"
    monkeypatch.setattr(R, "embedder_for", lambda model, data: other)
    with pytest.raises(SystemExit) as exit_:
        R.load_inputs(data=fake_data)
    assert str(exit_.value.code).startswith("fel: ")
    assert "another-encoder" in str(exit_.value.code)


def test_the_shipped_weights_and_thresholds_are_what_the_fitter_gives(built_data):
    """On a fresh ingest with the real model: the fitter's signals are the recorded ones, its
    weights are WEIGHTS and the thresholds chosen with them are CHOSEN's (slow tier)."""
    import rights_fit

    from web.pipeline.rights_learned import WEIGHTS
    from web.pipeline.rights_rank import CHOSEN

    inputs = R.load_inputs(data=built_data)
    standard, actions = R.standard_signals(inputs)
    cases = R.judged_cases(inputs, {})
    x, grades = R.design(inputs, standard, actions, cases, list(WEIGHTS))
    saved = np.load(rights_fit.DESIGN)
    assert [c.notation for c in cases] == list(saved["articles"])
    assert x == pytest.approx(saved["x"], abs=1e-3)
    fitted = rights_fit.fitted_weights(x, grades)
    assert fitted == pytest.approx(WEIGHTS, abs=0.002)
    t = R.choose(R.judged_cases(inputs, {R.FIXED_MIX[0]: R.weighted_pairs(inputs, standard,
                                                                          WEIGHTS)}))
    assert (t.direct, t.contributes, t.inferred) == (CHOSEN.direct, CHOSEN.contributes,
                                                     CHOSEN.inferred)
