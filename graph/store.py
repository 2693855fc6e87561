"""The persistent quad store: immutable Oxigraph generations on disk, the live one named by a link.

Layout of a store directory::

    current -> gen-000007   symlink, replaced atomically (rename) when a new generation is ready
    gen-000007/             the live Oxigraph directory; never opened read-write again
    gen-000006/             the previous generation, kept so in-flight readers can finish
    gen-000008.new/         a generation being built (see graph.store_writer)
    .lock                   held by the one writer

Readers resolve `current` when they open the store, so they always see one whole generation.
A long-running reader (the web server) uses LiveStore, which reads the link (one readlink
call) on every use and reopens after a swap; each SPARQL child process resolves it per query.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pyoxigraph as ox
from oxrdflib import OxigraphStore
from rdflib import Dataset

CURRENT = "current"
GEN_PREFIX = "gen-"
BUILDING_SUFFIX = ".new"


class StoreError(Exception):
    """The store is missing, busy, or could not be (re)built; the message says which and why."""


def current_generation(store_dir: str | Path) -> Path | None:
    """The live generation's directory, or None if nothing was ever published."""
    link = Path(store_dir) / CURRENT
    try:
        target = os.readlink(link)
    except (FileNotFoundError, OSError):
        return None
    return Path(store_dir) / target


def published_sidecar(store_dir: str | Path, name: str) -> Path | None:
    """The live generation's derived-files directory of this name, or None."""
    generation = current_generation(store_dir)
    if generation is None or not (generation / name).is_dir():
        return None
    return generation / name


def resolve_store_path(path: str | Path) -> Path:
    """The Oxigraph directory to open: the live generation of a store, or a plain Oxigraph dir."""
    generation = current_generation(path)
    if generation is not None:
        return generation
    if (Path(path) / "CURRENT").is_file():  # RocksDB's own marker file
        return Path(path)
    raise StoreError(f"No store at {path}: build it first (ingest the reports).")


def open_store(store_dir: str | Path) -> ox.Store:
    """The live generation, read-only (writes only ever go to a new generation)."""
    path = resolve_store_path(store_dir)
    try:
        return ox.Store.read_only(str(path))
    except OSError as error:
        raise StoreError(f"Cannot open the store at {path}: {error}") from error


def open_dataset(store_dir: str | Path) -> Dataset:
    """The live generation as a read-only rdflib Dataset (via oxrdflib); default graph = union.

    Use get_context(iri) for one graph: Dataset.graph(iri) tries to create it and fails.
    """
    return as_dataset(open_store(store_dir))


def as_dataset(store: ox.Store) -> Dataset:
    """An rdflib Dataset over an Oxigraph store; plain-string queries run in Oxigraph.

    The store's default graph already is the union of the named graphs (materialised at
    each rebuild), so rdflib must not add the named graphs to it a second time.
    """
    return Dataset(store=OxigraphStore(store=store), default_union=False)


def list_graphs(store: ox.Store | str | Path) -> list[str]:
    """The named graphs' IRIs, sorted; [] when no store has been built yet."""
    if not isinstance(store, ox.Store):
        if current_generation(store) is None and not (Path(store) / "CURRENT").is_file():
            return []
        store = open_store(store)
    return sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))


def graph_sizes(store: ox.Store) -> dict[str, int]:
    """Triples per named graph (plus '' for the default graph when it is not empty)."""
    sizes: dict[str, int] = {}
    for quad in store.quads_for_pattern(None, None, None, None):
        name = "" if isinstance(quad.graph_name, ox.DefaultGraph) else quad.graph_name.value
        sizes[name] = sizes.get(name, 0) + 1
    for name in list_graphs(store):
        sizes.setdefault(name, 0)
    return sizes


def generations(store_dir: str | Path) -> list[Path]:
    """Published generation directories, oldest first."""
    root = Path(store_dir)
    if not root.is_dir():
        return []
    found = [p for p in root.iterdir()
             if p.name.startswith(GEN_PREFIX) and not p.name.endswith(BUILDING_SUFFIX)]
    return sorted(found, key=lambda p: p.name)


class LiveStore:
    """A read-only store handle for long-running readers that follows generation swaps."""

    def __init__(self, store_dir: str | Path) -> None:
        self.store_dir = Path(store_dir)
        self._lock = threading.Lock()
        self._generation: Path | None = None
        self._store: ox.Store | None = None

    @property
    def generation(self) -> Path | None:
        """The generation currently published (it may be newer than the one open)."""
        return current_generation(self.store_dir)

    def store(self) -> ox.Store:
        """The live generation, reopened when a new one has been published since the last call."""
        generation = resolve_store_path(self.store_dir)
        with self._lock:
            if generation != self._generation or self._store is None:
                self._store = open_store(generation)
                self._generation = generation
            return self._store
