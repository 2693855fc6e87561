"""The one write interface: a rebuild of the next generation, published to the configured
backend, plus the few whole operations the CLI needs (load, unload, drop, push, tidy)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pyoxigraph as ox

from graph.generations import remove_leftovers
from graph.location import StoreLocation
from graph.remote import RemoteReader
from graph.remote_publish import push_generation
from graph.store import StoreError, current_generation
from graph.store_writer import StoreBuilder
from graph.store_writer import rebuild as rebuild_local

# Auxiliary files people may load: the formats without remote fetches or entity expansion.
# RDF/XML is refused: its entity expansion makes a small file cost gigabytes.
LOADABLE = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES,
            "trig": ox.RdfFormat.TRIG, "nq": ox.RdfFormat.N_QUADS,
            "jsonld": ox.RdfFormat.JSON_LD}
MAX_LOAD_BYTES = 256 * 1024 * 1024


@contextlib.contextmanager
def rebuild(location: StoreLocation) -> Iterator[StoreBuilder]:
    """Hold the one writer lock, build the next generation, publish it if the block succeeds
    (to the external server first when there is one, then the local swap)."""
    push = None
    if location.remote:
        push = partial(_push, location)
    with rebuild_local(location.directory, push) as builder:
        yield builder


def load_graph(location: StoreLocation, graph_iri: str, path: Path) -> int:
    """Replace a named graph with an auxiliary file's triples (TriG/N-Quads graphs merged)."""
    triples = read_auxiliary(path)
    with rebuild(location) as builder:
        return builder.replace_graph(graph_iri, triples)


def drop_graph(location: StoreLocation, graph_iri: str) -> bool:
    """Remove a named graph; False when it was not there (nothing is published then)."""
    with rebuild(location) as builder:
        return builder.drop_graph(graph_iri)


def push_live(location: StoreLocation) -> int:
    """Copy the live local generation to the external server (e.g. a freshly started one)."""
    generation = current_generation(location.directory)
    if not location.remote or generation is None:
        raise StoreError("Nothing to push: no external store configured or nothing ingested.")
    return push_generation(location, generation, RemoteReader(location).list_graphs())


def tidy(location: StoreLocation) -> bool:
    """Remove what a crashed writer left behind (at start-up); False if a writer is busy."""
    return remove_leftovers(location.directory)


def read_auxiliary(path: Path) -> list[tuple[ox.NamedNode | ox.BlankNode, ox.NamedNode, object]]:
    """The triples of a trusted auxiliary file, or StoreError saying why it is refused."""
    suffix = path.suffix.lstrip(".").lower()
    if suffix in ("rdf", "owl", "xml"):
        raise StoreError(f"{path}: RDF/XML tas inte emot (entitetsexpansion kan kosta "
                         "gigabyte minne); konvertera till Turtle eller N-Triples först")
    fmt = LOADABLE.get({"turtle": "ttl", "json": "jsonld"}.get(suffix, suffix))
    if fmt is None:
        raise StoreError(f"{path}: okänt format; förväntade .ttl, .nt, .trig, .nq eller .jsonld")
    try:
        if path.stat().st_size > MAX_LOAD_BYTES:
            raise StoreError(f"{path}: större än {MAX_LOAD_BYTES // 2**20} MB")
        return [(q.subject, q.predicate, q.object) for q in ox.parse(path=str(path), format=fmt)]
    except (SyntaxError, ValueError, OSError) as error:
        raise StoreError(f"{path}: kunde inte läsas som {suffix}: {error}") from None


def _push(location: StoreLocation, generation: Path) -> None:
    """The rebuild's push step: the server gets the new generation before the local swap."""
    push_generation(location, generation, RemoteReader(location).list_graphs())
