"""The data directory's layout, in one place: the store, its generations' search index, and
where the graph is served from (the BOKSLUT_STORE setting)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from graph import StoreLocation, published_sidecar

INDEX = "index"  # the search index: a sidecar of every store generation


def store_dir(data_dir: Path) -> Path:
    """Where the quad store's generations live."""
    return Path(data_dir) / "store"


def store_location(settings: Mapping[str, Any]) -> StoreLocation:
    """The embedded store of the data directory, or the external server BOKSLUT_STORE names."""
    return StoreLocation.parse(store_dir(settings["data"]), settings.get("store"),
                               settings.get("store_query_path") or "/query",
                               settings.get("store_update_path") or "/update")


def index_home(data_dir: Path) -> Path:
    """The directory whose `index/` is the live search index: the live store generation,
    so store and index always change together (before that layout: the data directory)."""
    sidecar = published_sidecar(store_dir(data_dir), INDEX)
    return sidecar.parent if sidecar is not None else Path(data_dir)


def index_dir(data_dir: Path) -> Path:
    """The live search index's directory (it may not exist before the first ingest)."""
    return index_home(data_dir) / INDEX
