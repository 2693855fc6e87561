"""Which encoder a data directory gets: its ONNX export (made once), the int8 or 4-bit copy
its recipes name, or torch's when none of them can be used (each fallback noted on stderr)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from search.embedder import Embedder, SentenceTransformerEmbedder
from search.onnx_encoder import OnnxEmbedder
from search.onnx_export import MANIFEST, ensure_export
from search.onnx_nbits import NBITS_RECIPES, nbits_copy
from search.onnx_precision import recipe_for
from search.onnx_quantize import (
    QUERY_RECIPE,
    RECIPES,
    Recipe,
    ensure_quantised,
    is_quantised,
    quant_dir,
)

RECORDED = "recorded"  # load_embedder's default recipe: the data directory's own


def load_embedder(model_dir: Path, data_dir: Path, export: bool = True,
                  recipe: str | None = RECORDED,
                  query_recipe: str | None = QUERY_RECIPE, bulk: bool = False) -> Embedder:
    """The ONNX embedder, made in the data dir if allowed; else torch's.

    `recipe` (int8 on both sides; by default the one the data directory records, see
    search/onnx_precision.py) changes the fingerprint, so its index is refused by the
    others; `query_recipe` (int8 or 4-bit, search/onnx_nbits.py) only speeds up queries
    against the fp32 index. Each falls back to fp32 with a note on stderr. `bulk`: for
    ingest (OnnxEmbedder.for_indexing, at once).
    """
    if recipe == RECORDED:
        recipe = recipe_for(Path(data_dir))
    try:
        folder = ensure_export(Path(model_dir), Path(data_dir)) if export \
            else existing_export(Path(model_dir), Path(data_dir))
        if folder is not None and recipe is not None:
            quantised = _quantised(folder, RECIPES[recipe], export)
            if quantised is not None:
                return OnnxEmbedder(Path(model_dir), quantised, bulk=bulk)
        if folder is not None:
            if bulk:  # ingest's queries are exact: no int8 copy to make or open
                return OnnxEmbedder(Path(model_dir), folder, bulk=True)
            return with_query_copy(Path(model_dir), folder,
                                   _query_copy(folder, query_recipe, export))
    except Exception as exc:  # onnxruntime's load errors derive from Exception alone
        print(f"obs: ONNX-kodaren kan inte användas ({exc}); använder torch", file=sys.stderr)
    return SentenceTransformerEmbedder(Path(model_dir))


def with_query_copy(model_dir: Path, export: Path, copy: Path | None) -> OnnxEmbedder:
    """The serving embedder with its queries on `copy`; on the export itself (fp32, with a
    note) when ONNX Runtime cannot open the copy: a damaged copy must not cost the export."""
    if copy is not None:
        try:
            return OnnxEmbedder(model_dir, export, query_export=copy)
        except Exception as exc:  # onnxruntime's load errors derive from Exception alone
            print(f"obs: frågekodaren i {copy} kan inte användas ({exc}); använder fp32",
                  file=sys.stderr)
    return OnnxEmbedder(model_dir, export)


def _query_copy(export: Path, name: str | None, make: bool) -> Path | None:
    """The copy of the export queries run on (None: the export itself): a 4-bit recipe's
    (search/onnx_nbits.py) or an int8 one's."""
    if not name:
        return None
    if name in NBITS_RECIPES:
        return nbits_copy(export, name, make)
    return _quantised(export, RECIPES[name], make)


def _quantised(export: Path, recipe: Recipe, make: bool) -> Path | None:
    """The recipe's int8 copy of the export (made if `make`), or None: then fp32 answers."""
    try:
        folder = ensure_quantised(export, recipe) if make else quant_dir(export, recipe)
        manifest = json.loads((export / MANIFEST).read_text("utf-8"))
        if is_quantised(folder, manifest["source"], recipe):
            return folder
    except Exception as exc:  # as above: the quantiser and onnx raise many kinds
        print(f"obs: int8-kodaren kan inte användas ({exc}); använder fp32", file=sys.stderr)
    return None


def existing_export(model_dir: Path, data_dir: Path) -> Path | None:
    """The complete fp32 export of this model under `data_dir`, or None (never exports)."""
    from search.onnx_export import describe_model, export_dir, is_export

    source = describe_model(model_dir)["source"]
    folder = export_dir(data_dir, source)
    return folder if is_export(folder, source) else None
