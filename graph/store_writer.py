"""Change the store atomically: copy the live generation, change the copy, then swap it in.

A generation may carry *sidecars*: directories of derived files (the search index) that must
always describe the same data as the quads. They live inside the generation directory, are
carried over to the next generation by hard links, and are published by the same rename.
"""

from __future__ import annotations

import contextlib
import gc
import os
import shutil
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset, Graph
from rdflib.graph import ConjunctiveGraph
from rdflib.term import Node

from graph.generations import (
    check_released,
    failure_message,
    fsync_dir,
    link_tree,
    next_number,
    prune,
    publish,
    remove_leftovers_locked,
    writer_lock,
)
from graph.rdf_terms import ox_graph_name, to_ox
from graph.store import (
    BUILDING_SUFFIX,
    GEN_PREFIX,
    StoreError,
    as_dataset,
    current_generation,
    list_graphs,
)

Triples = Graph | Iterable[tuple[Node, Node, Node]]

# Tests set this to stop the process at a named step (fault injection); None in production.
fault_hook: Callable[[str], None] | None = None


def checkpoint(step: str) -> None:
    """A named step of a rebuild, where a test may simulate a crash."""
    if fault_hook is not None:
        fault_hook(step)


class StoreBuilder:
    """A private, writable copy of the store that becomes live only when the build succeeds."""

    def __init__(self, store: ox.Store, directory: Path | None = None,
                 previous: Path | None = None) -> None:
        self._store: ox.Store | None = store
        self.directory = directory
        self.previous = previous

    @property
    def store(self) -> ox.Store:
        """The Oxigraph store being built (do not keep references past the build)."""
        if self._store is None:
            raise StoreError("This build has finished; start a new one.")
        return self._store

    def replace_graph(self, graph_iri: str, triples: Triples) -> int:
        """Make a named graph hold exactly these triples; returns how many it now holds."""
        if isinstance(triples, Dataset | ConjunctiveGraph):
            raise TypeError("Pass one graph's triples, not a dataset")
        name = ox_graph_name(graph_iri)
        self.drop_graph(graph_iri)
        self.store.add_graph(name)
        self.store.bulk_extend(
            ox.Quad(to_ox(s), to_ox(p), to_ox(o), name) for s, p, o in triples)
        return self._count(name)

    def load_file(self, graph_iri: str, path: str | Path, fmt: ox.RdfFormat | None = None) -> int:
        """Replace a named graph with a trusted project file's triples (Turtle, N-Triples, ...)."""
        name = ox_graph_name(graph_iri)
        fmt = fmt or ox.RdfFormat.from_extension(Path(path).suffix.lstrip("."))
        if fmt is None or fmt.supports_datasets:
            raise StoreError(f"{path}: expected a triples file (.ttl, .nt, .rdf)")
        self.drop_graph(graph_iri)
        self.store.add_graph(name)
        self.store.bulk_load(path=str(path), format=fmt, to_graph=name)
        return self._count(name)

    def drop_graph(self, graph_iri: str) -> bool:
        """Remove a named graph and its triples; False if it was not there."""
        name = ox_graph_name(graph_iri)
        if not self.store.contains_named_graph(name):
            return False
        self.store.remove_graph(name)
        return True

    def refresh_union(self) -> int:
        """Make the default graph the set union of every named graph; returns its size.

        SPARQL merges the graphs of a dataset as a set, but Oxigraph's union default graph
        keeps one copy per graph, so a triple shared by two reports (a mål's label) would
        count twice. The union is therefore materialised once per generation.
        """
        default = ox.DefaultGraph()
        self.store.clear_graph(default)
        union = {q.triple for q in self.store.quads_for_pattern(None, None, None, None)
                 if not isinstance(q.graph_name, ox.DefaultGraph)}
        self.store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, default)
                               for t in union)
        return len(union)

    def select(self, query: str, bindings: Mapping[str, Node] | None = None, *,
               trusted: bool = True) -> list[dict]:
        """Rows of the project's own SELECT over the store being built (default graph: the
        union only after the build; name graphs explicitly). Only trusted text comes here."""
        if not trusted:
            raise ValueError("the store being built answers only the project's own queries")
        from graph.embedded import run_trusted  # the read side builds on this module

        rows = run_trusted(self.store, query, bindings)
        if not isinstance(rows, list):
            raise TypeError("select needs a SELECT query")
        return rows

    def list_graphs(self) -> list[str]:
        """The named graphs of the store being built."""
        return list_graphs(self.store)

    def dataset(self) -> Dataset:
        """The store being built as an rdflib Dataset (e.g. to validate before the swap)."""
        return as_dataset(self.store)

    def copy_from(self, generation: Path) -> None:
        """Start from every quad and every sidecar of a published generation."""
        source = ox.Store.read_only(str(generation))
        self.store.bulk_extend(source.quads_for_pattern(None, None, None, None))
        del source
        if self.directory is not None:
            for side in generation.iterdir():
                if side.is_dir():  # Oxigraph keeps only plain files at the top
                    link_tree(side, self.directory / side.name)

    def sidecar(self, name: str) -> Path:
        """The directory for derived files published with this generation (carried-over copy
        of the previous one's, if any; replace files, never edit them: they are hard links)."""
        if self.directory is None:
            raise StoreError("This build has no generation directory for derived files.")
        return self.directory / name

    def previous_sidecar(self, name: str) -> Path | None:
        """The live generation's copy of a sidecar, or None when it has none."""
        if self.previous is None or not (self.previous / name).is_dir():
            return None
        return self.previous / name

    def abandon(self) -> None:
        """Drop the store without flushing (the build failed; its directory is deleted)."""
        self._store = None
        gc.collect()

    def close(self) -> None:
        """Flush and release the store so its directory can be published."""
        if self._store is not None:
            self._store.optimize()  # fewer files: each query process opens the store afresh
            self._store.flush()
            self._store = None
            gc.collect()

    def _count(self, name: ox.NamedNode) -> int:
        """Triples in one named graph."""
        return sum(1 for _ in self.store.quads_for_pattern(None, None, None, name))


@contextlib.contextmanager
def rebuild(store_dir: str | Path,
            push: Callable[[Path], None] | None = None) -> Iterator[StoreBuilder]:
    """Build the next generation from the live one; publish it only if the block succeeds.

    `push`, if given, copies the finished generation to an external server before the
    local swap (a failed push publishes nothing).
    """
    root = Path(store_dir)
    root.mkdir(parents=True, exist_ok=True)
    with writer_lock(root):
        remove_leftovers_locked(root)
        previous = current_generation(root)
        building = root / f"{GEN_PREFIX}{next_number(root):06d}{BUILDING_SUFFIX}"
        final = root / building.name.removesuffix(BUILDING_SUFFIX)
        builder: StoreBuilder | None = None
        try:
            builder = StoreBuilder(ox.Store(str(building)), building, previous)
            if previous is not None:
                builder.copy_from(previous)
            checkpoint("copied")
            yield builder
            builder.refresh_union()
            builder.close()
            checkpoint("closed")
            if push is not None:
                push(building)
                checkpoint("pushed")
            check_released(building)
            os.rename(building, final)
            checkpoint("renamed")
            publish(root, final.name)
        except BaseException as error:
            # cleanup must not raise: a second error here used to hide the first and leave debris
            with contextlib.suppress(Exception):
                if builder is not None:
                    builder.abandon()
            for path in (building, final):
                shutil.rmtree(path, ignore_errors=True)
            if not isinstance(error, Exception):
                raise
            raise StoreError(failure_message(root, error)) from error
        checkpoint("published")
        with contextlib.suppress(OSError):  # the swap is done; tidying may fail on a full disk
            fsync_dir(root)
            prune(root, keep={final.name, previous.name if previous else ""})


def replace_graph(store_dir: str | Path, graph_iri: str, triples: Triples) -> int:
    """Replace one named graph in a new generation and publish it; returns its triple count."""
    with rebuild(store_dir) as builder:
        return builder.replace_graph(graph_iri, triples)


def drop_graph(store_dir: str | Path, graph_iri: str) -> bool:
    """Remove one named graph in a new generation and publish it; False if it was not there."""
    with rebuild(store_dir) as builder:
        return builder.drop_graph(graph_iri)
