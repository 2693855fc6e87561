"""Format names, media types and the CLI's text table."""

from __future__ import annotations

import json

import pytest

from graph.formats import (
    format_for_media_type,
    format_name,
    media_type,
    render_table,
    result_kind,
)


def test_names_and_aliases() -> None:
    assert format_name("JSON", "select") == "json"
    assert format_name("turtle", "graph") == "ttl"
    assert format_name("n-quads", "dataset") == "nq"
    with pytest.raises(ValueError, match="choose one of: ttl, nt, jsonld, rdfxml"):
        format_name("csv", "graph")


def test_media_types_both_ways() -> None:
    assert media_type("tsv") == "text/tab-separated-values"
    assert media_type("jsonld") == "application/ld+json"
    assert format_for_media_type("application/sparql-results+json; charset=utf-8",
                                 "select") == "json"
    assert format_for_media_type("application/json", "graph") == "jsonld"
    assert format_for_media_type("text/turtle", "graph") == "ttl"
    assert format_for_media_type("image/png", "select") is None


def test_result_kind() -> None:
    assert result_kind("ASK") == "select"
    assert result_kind("describe") == "graph"


def test_table_renders_terms_readably() -> None:
    body = json.dumps({"head": {"vars": ["s", "label", "n"]}, "results": {"bindings": [
        {"s": {"type": "uri", "value": "https://w3id.org/bokslut/def#Goal"},
         "label": {"type": "literal", "value": "Trygg\nuppväxt", "xml:lang": "sv"},
         "n": {"type": "literal", "value": "3",
               "datatype": "http://www.w3.org/2001/XMLSchema#integer"}},
        {"s": {"type": "bnode", "value": "b0"},
         "n": {"type": "literal", "value": "2025-01-01",
               "datatype": "http://www.w3.org/2001/XMLSchema#date"}},
    ]}}).encode()
    table = render_table(body, {"bk": "https://w3id.org/bokslut/def#",
                                "xsd": "http://www.w3.org/2001/XMLSchema#"})
    lines = table.splitlines()
    assert [c.strip() for c in lines[1].split("|")[1:4]] == ["?s", "?label", "?n"]
    assert len({len(line) for line in lines[:-1]}) == 1  # columns line up
    assert "bk:Goal" in lines[3] and "Trygg uppväxt@sv" in lines[3] and "| 3 " in lines[3]
    assert "_:b0" in lines[4] and "2025-01-01^^xsd:date" in lines[4]
    assert lines[-1] == "2 rows"


def test_table_of_a_boolean_and_long_cells() -> None:
    assert render_table(b'{"head":{},"boolean":false}') == "false\n"
    body = json.dumps({"head": {"vars": ["t"]}, "results": {"bindings": [
        {"t": {"type": "literal", "value": "x" * 100}}]}}).encode()
    assert "x" * 59 + "…" in render_table(body)
