"""The graph commands at their edges: auxiliary formats refused, a full disk, leftovers."""

from __future__ import annotations

import resource
import subprocess
import sys
from pathlib import Path

import pytest

BOKSLUT = str(Path(sys.executable).with_name("bokslut"))
GRAPH = "https://example.org/graf/extra"

pytestmark = pytest.mark.slow  # a `bokslut` process per step


def bokslut(*args: str, limit_bytes: int | None = None) -> subprocess.CompletedProcess:
    """Run the CLI; optionally with a file-size limit that stands in for a full disk."""
    def limit() -> None:
        if limit_bytes is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit_bytes, limit_bytes))
    return subprocess.run([BOKSLUT, *args], capture_output=True, text=True, timeout=300,
                          preexec_fn=limit)


def turtle(path: Path, n: int) -> Path:
    """A Turtle file of n triples."""
    lines = [f'<https://example.org/s{i}> <https://example.org/p> "{"v" * 60} {i}" .'
             for i in range(n)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_rdf_xml_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    """RDF/XML's entity expansion made a 749-byte file ask for 2.4 GB: it is not accepted."""
    rdf = tmp_path / "bomb.rdf"
    rdf.write_text('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">]>'
                   '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>',
                   encoding="utf-8")
    done = bokslut("load", str(rdf), "--graph", GRAPH, "--data", str(tmp_path / "data"))
    assert done.returncode == 1
    assert done.stderr.startswith("fel: ") and "RDF/XML tas inte emot" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "data" / "store" / "current").exists()


def test_load_and_unload_an_auxiliary_graph(tmp_path: Path) -> None:
    data = str(tmp_path / "data")
    done = bokslut("load", str(turtle(tmp_path / "x.ttl", 3)), "--graph", GRAPH, "--data", data)
    assert done.returncode == 0 and "3 tripler" in done.stdout, done.stderr
    done = bokslut("sparql", f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{GRAPH}> {{ ?s ?p ?o }} }}",
                   "--format", "csv", "--data", data)
    assert done.stdout.split() == ["n", "3"], done.stderr
    assert bokslut("unload", "--graph", GRAPH, "--data", data).returncode == 0
    done = bokslut("unload", "--graph", GRAPH, "--data", data)
    assert done.returncode == 1 and done.stderr.startswith("fel: ")


def test_a_full_disk_is_a_clear_error_and_leaves_no_debris(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert bokslut("load", str(turtle(tmp_path / "small.ttl", 3)), "--graph", GRAPH,
                   "--data", str(data)).returncode == 0
    live = sorted(p.name for p in (data / "store").iterdir())
    big = turtle(tmp_path / "big.ttl", 20000)
    done = bokslut("load", str(big), "--graph", GRAPH + "2", "--data", str(data),
                   limit_bytes=100_000)
    assert done.returncode == 1
    assert done.stderr.startswith("fel: ") and "disken är full" in done.stderr
    assert "Traceback" not in done.stderr
    assert sorted(p.name for p in (data / "store").iterdir()) == live
