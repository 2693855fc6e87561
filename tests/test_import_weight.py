"""What a process pays to import the reader: spaCy's tokenizer, never torch."""

from __future__ import annotations

import subprocess
import sys

import pytest

PROBE = """
import sys
import corpus
assert "torch" not in sys.modules, "reading a report imported torch"
print(len(corpus.initiatives.nlp()("Hej. Programmet Ung fritid startade 2025.")))
import torch  # still importable afterwards, for the model conversion and export
import thinc.compat
print(torch.zeros(2).shape[0], thinc.compat.has_torch)
"""


@pytest.mark.slow
def test_the_reader_loads_spacy_without_torch() -> None:
    """A fresh interpreter: corpus imports spaCy, torch stays out until asked for."""
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                          timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    tokens, rest = done.stdout.split("\n", 1)
    assert int(tokens) >= 8 and rest.split() == ["2", "False"]
