"""The API's description (/api/openapi.json) and a health check (/api/health)."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, jsonify

from graph import StoreError
from web.api.openapi import document
from web.downloads.void import union_triples
from web.pipeline.layout import index_dir
from web.services import services

bp = Blueprint("api", __name__)


@bp.after_request
def open_to_programs(response: Response) -> Response:
    """The description and health are public and read-only: any page may read them."""
    response.headers.setdefault("Access-Control-Allow-Origin", "*")
    return response


@bp.get("/api/openapi.json")
def openapi() -> Response:
    """The OpenAPI 3.0 document for the search API, the SPARQL endpoint and the downloads."""
    return jsonify(document())


def store_status() -> dict[str, Any] | None:
    """The live store's generation, named graphs and size (None when nothing is built)."""
    generation = services().live.generation
    if generation is None:
        return None
    try:
        graphs, triples = generation_figures(generation)
    except StoreError:
        return None
    return {"generation": generation.name, "graphs": graphs, "triples": triples}


@lru_cache(maxsize=16)
def generation_figures(generation: Path) -> tuple[int, int]:
    """Named graphs and distinct triples of a generation (generations never change)."""
    store = services().store()
    return len(store.list_graphs()), union_triples(store)


def index_status() -> dict[str, Any] | None:
    """The saved search index's passage count and model (None when there is no index)."""
    manifest = index_dir(services().data) / "manifest.json"
    try:
        saved = json.loads(manifest.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return {"passages": saved.get("passages"), "model": saved.get("model_name")}


@bp.get("/api/health")
def health() -> tuple[Response, int]:
    """200 when the store and the search index are in place, else 503 saying which is missing."""
    store, index = store_status(), index_status()
    ready = store is not None and index is not None
    body = {"status": "ok" if ready else "unavailable", "store": store or {}, "index": index or {}}
    if not ready:
        missing = [name for name, part in (("kunskapsgraf", store), ("sökindex", index))
                   if part is None]
        body["message"] = "Saknas: " + ", ".join(missing) + ". Kör bokslut ingest."
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    return response, 200 if ready else 503
