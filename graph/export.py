"""Export the store: the dataset with graph names (TriG, N-Quads) or a union of graphs."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

import pyoxigraph as ox

from corpus.ids import DEFAULT_BASE_IRI
from graph.formats import DATASET_FORMATS, GRAPH_FORMATS, ox_rdf_format
from graph.store import StoreError, list_graphs, open_store

EXPORT_PREFIXES: dict[str, str] = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "qb": "http://purl.org/linked-data/cube#",
    "sdmx-dimension": "http://purl.org/linked-data/sdmx/2009/dimension#",
    "sdmx-measure": "http://purl.org/linked-data/sdmx/2009/measure#",
    "sdmx-code": "http://purl.org/linked-data/sdmx/2009/code#",
    "bk": "https://w3id.org/bokslut/def#",
    "id": DEFAULT_BASE_IRI,
}


def export(
    store_dir: str | Path,
    fmt: str,
    graphs: Iterable[str] | None = None,
    prefixes: Mapping[str, str] | None = None,
) -> bytes:
    """Serialize the live store: trig|nq keep graph names, ttl|nt|jsonld|rdfxml give the union."""
    check_format(fmt)
    store = open_store(store_dir)
    return serialize_quads(_quads(store, _graph_names(store, graphs)), fmt, prefixes)


def check_format(fmt: str) -> None:
    """ValueError listing the choices unless `fmt` is an export format."""
    if fmt not in DATASET_FORMATS and fmt not in GRAPH_FORMATS:
        choices = ", ".join([*DATASET_FORMATS, *GRAPH_FORMATS])
        raise ValueError(f"Unknown export format {fmt!r}; choose one of: {choices}")


def serialize_quads(quads: Iterable[ox.Quad], fmt: str,
                    prefixes: Mapping[str, str] | None = None) -> bytes:
    """Quads of named graphs as a dataset (trig, nq) or as their union (the other formats)."""
    check_format(fmt)
    prefixes = dict(EXPORT_PREFIXES if prefixes is None else prefixes)
    rdf_format = ox_rdf_format(fmt)
    if fmt in DATASET_FORMATS:
        return _serialize(quads, rdf_format, prefixes)
    # The same triple may sit in several graphs; the union holds it once, in stable order.
    triples = dict.fromkeys(quad.triple for quad in quads)
    return _serialize(triples, rdf_format, prefixes)


def select_graphs(known: Iterable[str], graphs: Iterable[str] | None) -> list[str] | None:
    """The requested graphs (None means all); unknown graphs are an error."""
    if graphs is None:
        return None
    wanted = list(graphs)
    unknown = [g for g in wanted if g not in set(known)]
    if unknown:
        raise StoreError(f"Not in the store: {', '.join(unknown)}")
    return wanted


def _graph_names(store: ox.Store, graphs: Iterable[str] | None) -> list[ox.NamedNode] | None:
    """The requested graphs as NamedNodes (None means all)."""
    wanted = select_graphs(list_graphs(store), graphs)
    return None if wanted is None else [ox.NamedNode(g) for g in wanted]


def _quads(store: ox.Store, names: list[ox.NamedNode] | None) -> Iterator[ox.Quad]:
    """Quads of the given graphs, or of every named graph (the default graph is their union,
    derived, so it is not exported again)."""
    if names is None:
        return (q for q in store.quads_for_pattern(None, None, None, None)
                if not isinstance(q.graph_name, ox.DefaultGraph))
    return itertools.chain.from_iterable(
        store.quads_for_pattern(None, None, None, name) for name in names)


def _serialize(items: Iterable, rdf_format: ox.RdfFormat, prefixes: dict[str, str]) -> bytes:
    """Oxigraph serialization, prefixes only where the format has them."""
    if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.RDF_XML):
        return ox.serialize(items, format=rdf_format, prefixes=prefixes) or b""
    return ox.serialize(items, format=rdf_format) or b""
