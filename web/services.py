"""What the app's views use: the graph's read interface, the search engine, settings. Built once
per app."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask, current_app

from graph import GraphReader, Limits, open_reader
from search.embedder import Embedder
from search.engine import open_searcher
from search.hybrid import HybridSearcher
from search.model_store import resolve_model
from search.onnx_loading import load_embedder
from search.onnx_precision import recipe_of, recorded_precision
from web.pipeline.layout import INDEX, index_home, store_dir, store_location


@dataclass
class Services:
    """Handles to the data, opened lazily so the app starts fast and follows re-ingests."""

    settings: dict[str, Any]
    embedder: Embedder | None = None
    graph: GraphReader = field(init=False)
    _fixed: bool = field(default=False, init=False)  # an injected embedder is kept as is
    _precision: str = field(default="", init=False)  # the recorded precision it was built at
    _searcher: HybridSearcher | None = field(default=None, init=False)
    _index_stamp: tuple[str, float] = field(default=("", -1.0), init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False)

    def __post_init__(self) -> None:
        self.graph = open_reader(store_location(self.settings), Limits.from_settings(self.settings))
        self._fixed = self.embedder is not None

    @property
    def data(self) -> Path:
        """The data directory."""
        return Path(self.settings["data"])

    @property
    def base(self) -> str:
        """The base IRI of instance data."""
        return str(self.settings["base_iri"])

    @property
    def store_path(self) -> Path:
        """The local store directory (a cache key; the graph may be served elsewhere)."""
        return store_dir(self.data)

    @property
    def live(self) -> GraphReader:
        """The read interface (its `.generation` is the published generation's directory)."""
        return self.graph

    def store(self) -> GraphReader:
        """The read interface over the configured backend (follows re-ingests)."""
        return self.graph

    def searcher(self) -> HybridSearcher:
        """The hybrid searcher, reloaded when the saved index changes."""
        home = index_home(self.data)  # the live store generation: it changes with each ingest
        manifest = home / INDEX / "manifest.json"
        stamp = (str(home), manifest.stat().st_mtime if manifest.exists() else -1.0)
        with self._lock:
            if self._searcher is None or stamp != self._index_stamp:
                swap = self._searcher is not None
                self._searcher = open_searcher(home, self._embedder())
                self._index_stamp = stamp
                if swap:  # a re-ingest: its tables are built beside the requests, not in one
                    threading.Thread(target=self._searcher.prepare, daemon=True,
                                     name="prepare-searcher").start()
            return self._searcher

    def _embedder(self) -> Embedder:
        """The query encoder, rebuilt when a re-ingest recorded another precision (the new
        index is embedded with that encoder and refuses the old one)."""
        if self._fixed and self.embedder is not None:
            return self.embedder
        precision = recorded_precision(self.data)  # read once: the encoder is built at it
        if self.embedder is None or precision != self._precision:
            self.embedder = load_embedder(resolve_model(self.settings["embed_model"], self.data),
                                          self.data, recipe=recipe_of(precision))
        self._precision = precision
        return self.embedder


def services() -> Services:
    """The current app's services."""
    return current_app.extensions["bokslut"]


def init_app(app: Flask, settings: dict[str, Any], embedder: Embedder | None = None) -> None:
    """Attach services to an app (an embedder may be injected, e.g. a fake in unit tests)."""
    app.extensions["bokslut"] = Services(settings, embedder)
