"""Ingest and removal at the data directory's recorded encoder precision (for the CLI's
`ingest`, `remove` and `serve`)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from corpus.unstructured import Metadata
from graph import StoreLocation
from search.embedder import Embedder
from search.engine import embedder_for
from search.model_store import resolve_model
from search.onnx_loading import RECORDED, load_embedder
from search.onnx_precision import change_note, chosen_precision, recipe_of
from web.pipeline.ingest import IngestResult, ingest


def ingest_recorded(cfg: dict, targets: list[Path], progress: Callable[[str], None],
                    location: StoreLocation, given: Metadata | None = None) -> IngestResult:
    """Ingest at the encoder precision chosen now (BOKSLUT_ENCODER_PRECISION, else the
    directory's record): the model is built at it, and it is recorded with the index."""
    precision = chosen_precision(cfg["data"], cfg["encoder_precision"])
    note = change_note(cfg["data"], precision)
    if note:
        progress(f"obs: {note}")
    return ingest(targets, cfg["data"], cfg["base_iri"],
                  lambda: ingest_embedder(cfg, recipe_of(precision)), progress=progress,
                  location=location, given=given, precision=precision)


def ingest_embedder(cfg: dict, recipe: str | None = RECORDED) -> Embedder:
    """The model for ingest and removal, opened for bulk work (at `recipe` when given)."""
    if recipe == RECORDED:
        return embedder_for(cfg["embed_model"], str(cfg["data"]), bulk=True)
    data = Path(cfg["data"])
    return load_embedder(resolve_model(cfg["embed_model"], data), data, recipe=recipe, bulk=True)
