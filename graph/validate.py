"""SHACL validation of the whole store (all named graphs together) against ontology/shapes.ttl."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox
from pyshacl import validate
from rdflib import Graph
from rdflib.namespace import RDF, SH

from graph.rdf_terms import from_ox
from graph.reference import ontology_dir


@dataclass(frozen=True)
class Finding:
    """One SHACL result, readable."""

    severity: str  # "Violation" | "Warning" | "Info"
    focus: str
    path: str
    message: str


def union_graph(store: ox.Store) -> Graph:
    """Every triple of every named graph, as one rdflib graph."""
    graph = Graph()
    for quad in store.quads_for_pattern(None, None, None, None):
        graph.add((from_ox(quad.subject), from_ox(quad.predicate), from_ox(quad.object)))
    return graph


def findings(data: Graph) -> list[Finding]:
    """Validate data against the project's shapes and list every result."""
    shapes = Graph().parse(ontology_dir() / "shapes.ttl", format="turtle")
    _, report, _ = validate(data, shacl_graph=shapes, inference="none", allow_warnings=False)
    out = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        severity = str(report.value(result, SH.resultSeverity)).rsplit("#", 1)[-1]
        messages = [str(m) for m in report.objects(result, SH.resultMessage)]
        out.append(Finding(severity, str(report.value(result, SH.focusNode)),
                           str(report.value(result, SH.resultPath) or ""),
                           "; ".join(messages) or "constraint not met"))
    return sorted(out, key=lambda f: (f.severity != "Violation", f.focus, f.path))


def violations(found: list[Finding]) -> list[Finding]:
    """Only the results that make the data invalid."""
    return [f for f in found if f.severity == "Violation"]
