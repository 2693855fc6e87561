"""The `bokslut` commands as a user runs them: real subprocesses on the built data directory."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Dataset, Graph

BOKSLUT = str(Path(sys.executable).parent / "bokslut")
CRC31 = ('SELECT ?goal ?title WHERE { ?article bk:instrument/skos:notation "CRC" ; '
         'bk:articleNumber 31 . ?action bk:supportsRight ?article ; bk:goal/bk:letter ?goal ; '
         'skos:prefLabel ?title . } ORDER BY ?goal ?title')


def run(*args: str, data: Path | None = None, stdin: str | None = None,
        env: dict | None = None) -> subprocess.CompletedProcess:
    """Run the console script and capture its output."""
    extra = ["--data", str(data)] if data else []
    return subprocess.run([BOKSLUT, *args, *extra], capture_output=True, text=True,
                          input=stdin, env={**os.environ, **(env or {})}, timeout=600)


@pytest.fixture()
def own_data(built_data: Path, tmp_path: Path) -> Path:
    """A private copy of the built data directory, for commands that change it."""
    target = tmp_path / "data"
    shutil.copytree(built_data, target, symlinks=True)
    return target


def test_sparql_table_json_csv(built_data: Path) -> None:
    """The policy officer's question, in three formats."""
    table = run("sparql", CRC31, data=built_data)
    assert table.returncode == 0 and "Arenor för fritid" in table.stdout
    result = json.loads(run("sparql", CRC31, "--format", "json", data=built_data).stdout)
    goals = [b["goal"]["value"] for b in result["results"]["bindings"]]
    assert sorted(set(goals)) == ["A", "B", "C", "L", "M"] and len(goals) == 14
    rows = list(csv.DictReader(io.StringIO(
        run("sparql", CRC31, "--format", "csv", data=built_data).stdout)))
    assert len(rows) == 14


def test_sparql_from_stdin_and_construct_as_turtle(built_data: Path) -> None:
    """'-' reads the query from standard input; CONSTRUCT prints Turtle."""
    query = ("CONSTRUCT { ?g skos:prefLabel ?l } WHERE { ?g a bk:Goal ; skos:prefLabel ?l }")
    out = run("sparql", "-", "--format", "ttl", data=built_data, stdin=query)
    assert out.returncode == 0
    assert len(Graph().parse(data=out.stdout, format="turtle")) == 15


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { SERVICE <http://127.0.0.1:9/x> { ?s ?p ?o } }",
    "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
    "INSERT DATA { <a:b> <a:c> <a:d> }",
    "SELECT * WHERE { ?s ?p }",
])
def test_sparql_refusals_are_clear_errors(built_data: Path, query: str) -> None:
    """Refused or malformed queries: exit 1, a message, no traceback."""
    out = run("sparql", query, data=built_data)
    assert out.returncode == 1 and out.stderr.startswith("fel: ")
    assert "Traceback" not in out.stderr


def test_sparql_row_cap_is_reported(built_data: Path) -> None:
    """A capped result says so on stderr."""
    out = run("sparql", "SELECT ?s WHERE { ?s a bk:Passage }", "--format", "csv",
              data=built_data, env={"BOKSLUT_SPARQL_ROW_CAP": "5"})
    assert len(out.stdout.strip().splitlines()) == 6
    assert "5" in out.stderr and "obs:" in out.stderr


def test_export_trig_keeps_named_graphs(built_data: Path, tmp_path: Path) -> None:
    """TriG export parses back with every named graph."""
    target = tmp_path / "dump.trig"
    assert run("export", "--format", "trig", "-o", str(target), data=built_data).returncode == 0
    dataset = Dataset()
    dataset.parse(target, format="trig")
    names = {str(g.identifier) for g in dataset.graphs()}
    assert "https://w3id.org/bokslut/id/graf/rapport/sodertalje-2025" in names
    assert "https://w3id.org/bokslut/id/graf/kurerat" in names


def test_export_one_report_as_ntriples(built_data: Path) -> None:
    """--report limits the export to one report's graph."""
    out = run("export", "--format", "nt", "--report", "rapport/sodertalje-2025", data=built_data)
    graph = Graph().parse(data=out.stdout, format="nt")
    assert 6000 < len(graph) < 8000


def test_validate_passes_and_reports_label_conflicts(built_data: Path) -> None:
    """The real data conforms; the report's different wordings of an article are warnings."""
    out = run("validate", data=built_data)
    assert out.returncode == 0, out.stdout
    assert "0 överträdelser" in out.stdout
    assert "rattighet/crc/6" in out.stdout and "rattighet/udhr/26" in out.stdout


def test_validate_fails_on_broken_data(own_data: Path, tmp_path: Path) -> None:
    """A goal without its letter, loaded as auxiliary data, is a violation."""
    broken = tmp_path / "broken.ttl"
    broken.write_text("@prefix bk: <https://w3id.org/bokslut/def#> .\n"
                      "<https://example.org/mal/X> a bk:Goal .\n", encoding="utf-8")
    assert run("load", str(broken), "--graph", "https://example.org/g/trasig",
               data=own_data).returncode == 0
    out = run("validate", data=own_data)
    assert out.returncode == 1
    assert "Violation: https://example.org/mal/X" in out.stdout


def test_load_and_unload_an_auxiliary_graph(own_data: Path, tmp_path: Path) -> None:
    """Load adds a named graph that SPARQL sees; unload removes it."""
    extra = tmp_path / "extra.jsonld"
    extra.write_text(json.dumps({"@id": "https://example.org/x",
                                 "https://example.org/p": "hej"}), encoding="utf-8")
    graph = "https://example.org/g/extra"
    assert run("load", str(extra), "--graph", graph, data=own_data).returncode == 0
    ask = f"ASK {{ GRAPH <{graph}> {{ <https://example.org/x> ?p \"hej\" }} }}"
    assert "true" in run("sparql", ask, "--format", "json", data=own_data).stdout
    assert run("unload", "--graph", graph, data=own_data).returncode == 0
    assert run("unload", "--graph", graph, data=own_data).returncode == 1


def test_load_refuses_the_projects_own_graphs(own_data: Path, tmp_path: Path) -> None:
    """A report or reference graph cannot be overwritten with an auxiliary file."""
    extra = tmp_path / "extra.ttl"
    extra.write_text("<https://example.org/x> <https://example.org/p> 1 .\n", encoding="utf-8")
    for graph in ("https://w3id.org/bokslut/id/graf/referens",
                  "https://w3id.org/bokslut/id/graf/rapport/sodertalje-2025"):
        out = run("load", str(extra), "--graph", graph, data=own_data)
        assert out.returncode == 1 and "egna grafer" in out.stderr


def test_load_refuses_remote_jsonld_contexts(own_data: Path, tmp_path: Path) -> None:
    """JSON-LD naming a remote @context is refused without fetching it."""
    extra = tmp_path / "remote.jsonld"
    extra.write_text(json.dumps({"@context": "http://127.0.0.1:9/context.jsonld",
                                 "@id": "https://example.org/x", "name": "x"}),
                     encoding="utf-8")
    out = run("load", str(extra), "--graph", "https://example.org/g/remote", data=own_data)
    assert out.returncode == 1 and "fel:" in out.stderr and "Traceback" not in out.stderr


def test_ingest_of_a_bad_file_is_a_clear_error(own_data: Path, tmp_path: Path) -> None:
    """A bad report: exit 1, the file and what was expected, nothing changed."""
    bad = tmp_path / "inte-ett-bokslut.txt"
    bad.write_text("Hej\n", encoding="utf-8")
    out = run("ingest", str(bad), data=own_data)
    assert out.returncode == 1 and str(bad) in out.stderr and "inget ändrades" in out.stderr


def test_search_json_and_queries_file(built_data: Path, tmp_path: Path) -> None:
    """--json has the documented fields; --queries prints one JSON object per line."""
    out = run("search", "Bostad först", "--json", "--k", "3", data=built_data)
    payload = json.loads(out.stdout)
    assert payload["query"] == "Bostad först"
    first = payload["results"][0]
    assert set(first) == {"rank", "score", "text", "snippet", "passage", "report", "year",
                          "goal", "goal_area", "heading", "page", "kind"}
    assert first["goal"] == "J" and first["goal_area"] == 4
    queries = tmp_path / "q.txt"
    queries.write_text("ensamhet bland äldre\n\nvåld i nära relationer\n", encoding="utf-8")
    lines = run("search", "--queries", str(queries), "--goal", "O", data=built_data)
    objects = [json.loads(line) for line in lines.stdout.splitlines()]
    assert [o["query"] for o in objects] == ["ensamhet bland äldre", "våld i nära relationer"]
    assert all(r["goal"] == "O" for o in objects for r in o["results"])


def test_eval_prints_the_margin_with_its_interval(built_data: Path, tmp_path: Path) -> None:
    dev = Path(__file__).parent / "data" / "search_heldout.jsonl"
    lines = [line for line in dev.read_text("utf-8").splitlines() if '"indicator"' in line]
    subset = tmp_path / "indicators.jsonl"
    subset.write_text("\n".join(lines) + "\n", "utf-8")
    done = run("eval", "--dev-set", str(subset), data=built_data)
    assert done.returncode == 0, done.stderr
    block = done.stdout.split("paired bootstrap", 1)[1]
    row = next(line.split() for line in block.splitlines() if line.split()[:1] == ["indicator"])
    # type, n, hybrid, side, side's value, margin, [low, high], ahead
    assert row[1] == str(len(lines)) and row[3] in {"bm25", "dense"}
    low, high = float(row[6].strip("[,")), float(row[7].strip("]"))
    assert low <= float(row[5]) <= high
