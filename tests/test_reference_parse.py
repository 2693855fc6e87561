"""The ontology files parsed by Oxigraph give the triples rdflib's Turtle parser gives."""

from __future__ import annotations

import pytest
from rdflib import BNode, Graph
from rdflib.compare import isomorphic

from graph.rdf_terms import to_ox
from graph.reference import (
    CURATED_FILES,
    ONTOLOGY_FILES,
    REFERENCE_FILES,
    load_files,
    ontology_dir,
    project_graphs,
)

BASES = ("https://w3id.org/bokslut/id/", "http://localhost:5000/x/")


def rdflib_parse(names: tuple[str, ...], base: str) -> Graph:
    """The files as rdflib's own Turtle parser reads them (the former route)."""
    graph = Graph()
    for name in names:
        graph.parse(ontology_dir() / name, format="turtle", publicID=base)
    return graph


@pytest.mark.parametrize("base", BASES)
@pytest.mark.parametrize("names", [ONTOLOGY_FILES, REFERENCE_FILES, CURATED_FILES,
                                   ("shapes.ttl",)])
def test_oxigraph_parse_equals_rdflib(names: tuple[str, ...], base: str) -> None:
    """Same triples: equal sets where no blank node takes part (terms compared as stored),
    isomorphic as a whole, relative IRIs resolved against the configured base."""
    ours, theirs = load_files(names, base), rdflib_parse(names, base)
    assert len(ours) == len(theirs) > 50
    assert isomorphic(ours, theirs)

    def ground(graph: Graph) -> set:
        return {tuple(map(to_ox, t)) for t in graph if not any(isinstance(x, BNode) for x in t)}

    assert ground(ours) == ground(theirs) and len(ground(ours)) > 50
    if names == REFERENCE_FILES:
        assert any(str(s).startswith(base) for s in ours.subjects())


def test_project_graphs_use_the_same_parse() -> None:
    """The three project graphs ingest writes equal rdflib's parse of their files."""
    graphs = project_graphs(BASES[0])
    for names in (ONTOLOGY_FILES, REFERENCE_FILES, CURATED_FILES):
        assert any(isomorphic(g, rdflib_parse(names, BASES[0])) for g in graphs.values())
