"""Export a sentence-transformers model's encoder to ONNX, once, into the data directory.

Runs at ingest / model-build time (torch is needed only here, never to answer a query).
Only the plain recipe is exported: one transformer, mean pooling, optional normalisation;
any other module stack stays on torch. The export is keyed by the model's fingerprint,
written beside its target and renamed into place, so a half-written export is never used.

The transformer is exported with its eager attention (torch's SDPA path exports as an
IsNaN/Where pattern no fusion recognises), then ONNX Runtime's BERT fusions replace each
layer's attention, bias+GELU and residual+LayerNorm by one kernel each: the same fp32
arithmetic (cosine to torch >= 0.9999) in fewer, larger operations
(benchmarks/results/bench_search.txt). A model the fusions do not fit keeps the plain graph.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from search.model_store import model_fingerprint

FORMAT = "bokslut-onnx/2"  # 2: eager attention, BERT fusions (1 was the SDPA graph)
ONNX_FILE = "model.onnx"
MANIFEST = "manifest.json"
OPSET = 17
_TRANSFORMER = "sentence_transformers.models.Transformer"
_POOLING = "sentence_transformers.models.Pooling"
_NORMALIZE = "sentence_transformers.models.Normalize"
_FUSABLE = ("bert",)  # roberta-style position ids are not the pattern the fusions expect


class OnnxExportError(RuntimeError):
    """The model cannot be exported (unsupported module stack, or the exporter failed)."""


def _read_json(path: Path) -> Any:
    """One JSON file of a model directory."""
    return json.loads(path.read_text("utf-8"))


def describe_model(model_dir: Path) -> dict[str, Any]:
    """What the runtime needs besides the graph: prompts, max length, pad id, dimension."""
    model_dir = Path(model_dir)
    try:
        modules = [m["type"] for m in _read_json(model_dir / "modules.json")]
        pooling = _read_json(model_dir / "1_Pooling" / "config.json")
        st_config = _read_json(model_dir / "sentence_bert_config.json")
        config = _read_json(model_dir / "config.json")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise OnnxExportError(f"{model_dir}: not a plain sentence-transformers model ({exc})") \
            from None
    if modules[:2] != [_TRANSFORMER, _POOLING]:
        raise OnnxExportError(f"{model_dir}: module stack {modules} is not transformer + pooling")
    if modules[2:] not in ([], [_NORMALIZE]):
        raise OnnxExportError(f"{model_dir}: extra modules {modules[2:]} are not exported")
    others = [k for k, v in pooling.items() if k.startswith("pooling_mode_") and v
              and k != "pooling_mode_mean_tokens"]
    if not pooling.get("pooling_mode_mean_tokens") or others:
        raise OnnxExportError(f"{model_dir}: only mean pooling is exported, not {others}")
    if st_config.get("do_lower_case"):
        raise OnnxExportError(f"{model_dir}: lower-casing models are not exported")
    prompts = {}
    if (model_dir / "config_sentence_transformers.json").is_file():
        prompts = _read_json(model_dir / "config_sentence_transformers.json").get("prompts") or {}
    dimension = int(pooling["word_embedding_dimension"])
    return {
        "format": FORMAT,
        "source": model_fingerprint(model_dir, dimension),
        "dimension": dimension,
        "max_seq_length": int(st_config.get("max_seq_length") or 512),
        "pad_token_id": int(config.get("pad_token_id") or 0),
        "prompts": prompts,
        "opset": OPSET,
    }


def file_safe(fingerprint: str) -> str:
    """A fingerprint as a file name: letters, digits and -_. kept, anything else '_'."""
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in fingerprint)


def export_dir(data_dir: Path, source_fingerprint: str) -> Path:
    """Where the export of one model lives: <data>/models/onnx/<fingerprint>/."""
    return Path(data_dir) / "models" / "onnx" / file_safe(source_fingerprint)


def is_export(folder: Path, source_fingerprint: str) -> bool:
    """True when `folder` holds a complete export of the model with this fingerprint."""
    try:
        manifest = _read_json(folder / MANIFEST)
    except (OSError, ValueError):
        return False
    return manifest.get("format") == FORMAT and manifest.get("source") == source_fingerprint \
        and (folder / ONNX_FILE).is_file()


def _keyword_module(model):
    """Wrap a transformers model so ONNX export sees forward(input_ids, attention_mask)."""
    import inspect

    import torch

    # transformers' positional forward signature changes between versions (export fails with
    # "multiple values for argument"); keyword arguments are stable.
    uses_types = "token_type_ids" in inspect.signature(model.forward).parameters

    class KeywordForward(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask):
            extra = {"token_type_ids": torch.zeros_like(input_ids)} if uses_types else {}
            out = self.model(input_ids=input_ids, attention_mask=attention_mask, **extra)
            return out.last_hidden_state

    return KeywordForward().eval()


def _export_graph(model_dir: Path, target: Path) -> None:
    """torch.onnx.export of the transformer with dynamic batch and sequence axes, fp32."""
    import torch
    from transformers import AutoModel

    model = AutoModel.from_pretrained(str(model_dir), local_files_only=True,
                                      attn_implementation="eager").eval()
    ids = torch.tensor([[0, 100, 200, 2], [0, 300, 2, 1]], dtype=torch.long)
    mask = torch.tensor([[1, 1, 1, 1], [1, 1, 1, 0]], dtype=torch.long)
    axes = {0: "batch", 1: "sequence"}
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tracer notes on dynamic shapes, checked by the tests
        torch.onnx.export(
            _keyword_module(model), (ids, mask), str(target),
            input_names=["input_ids", "attention_mask"], output_names=["last_hidden_state"],
            dynamic_axes={"input_ids": axes, "attention_mask": axes, "last_hidden_state": axes},
            opset_version=OPSET, do_constant_folding=True, dynamo=False)


def fuse_graph(source: Path, target: Path, config: dict[str, Any]) -> dict[str, int]:
    """Write `source` with ONNX Runtime's BERT fusions applied; returns the fused op counts.

    Only graph rewrites, no precision change. When nothing fuses (another architecture), the
    plain graph is written unchanged; its vectors are the same either way.
    """
    from onnxruntime.transformers.optimizer import optimize_model

    heads, hidden = int(config.get("num_attention_heads") or 0), int(config.get("hidden_size") or 0)
    if config.get("model_type") not in _FUSABLE or not heads or not hidden:
        shutil.copyfile(source, target)
        return {}
    # opt_level 0: only the fusions; the session applies its own optimisations at load time
    model = optimize_model(str(source), model_type="bert", num_heads=heads,
                           hidden_size=hidden, opt_level=0)
    counts = {op: n for op, n in model.get_fused_operator_statistics().items() if n}
    model.save_model_to_file(str(target))
    return counts


def publish_folder(target: Path, build: Callable[[Path], None],
                   complete: Callable[[Path], bool], what: str) -> None:
    """Build a folder beside `target` and rename it in, so readers see all of it or none.

    An incomplete earlier attempt is replaced; a concurrent builder that won is accepted.
    Any other failure of `build` becomes one OnnxExportError naming `what`.
    """
    tmp = Path(tempfile.mkdtemp(prefix=target.name + ".", suffix=".new", dir=target.parent))
    try:
        tmp.chmod(0o755)  # mkdtemp makes it private; the data directory is not
        build(tmp)
        if target.exists() and not complete(target):
            shutil.rmtree(target, ignore_errors=True)  # an incomplete earlier attempt
        os.rename(tmp, target)
    except OSError:
        if not complete(target):  # a concurrent build may have won
            raise
    except OnnxExportError:
        raise
    except Exception as exc:  # exporter and quantiser raise many kinds; keep one clear type
        raise OnnxExportError(f"{what} failed: {exc}") from exc
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def ensure_export(model_dir: Path, data_dir: Path) -> Path:
    """The ONNX export of `model_dir` under `data_dir`, exporting it first if missing."""
    from search.embedder import set_offline

    set_offline()
    description = describe_model(model_dir)
    target = export_dir(data_dir, description["source"])
    if is_export(target, description["source"]):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    def build(folder: Path) -> None:
        plain = folder / "plain.onnx"
        _export_graph(Path(model_dir), plain)
        fused = fuse_graph(plain, folder / ONNX_FILE, _read_json(Path(model_dir) / "config.json"))
        plain.unlink()
        (folder / MANIFEST).write_text(json.dumps({**description, "fused": fused}, indent=2,
                                                  ensure_ascii=False), "utf-8")

    publish_folder(target, build, lambda t: is_export(t, description["source"]),
                   f"ONNX export of {model_dir}")
    return target
