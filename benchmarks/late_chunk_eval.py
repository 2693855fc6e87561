"""Late chunking for the rights sentences, against their own pass: rights nDCG@10, one run.

Run: .venv/bin/python benchmarks/late_chunk_eval.py > benchmarks/results/late_chunking.txt

Late chunking: a sentence's vector is the mean (under the attention mask, then unit length)
of the token states of its span in its passage's forward pass, the pass the index already
runs, instead of a pass of its own. The question was whether the rights ranking keeps its
quality: rights_eval.py's leave-one-article-out CV on the development articles decides
(adopt if nDCG@10 drops by less than 0.01); the unseen articles' figure is printed beside
it and decides nothing.
"""

from __future__ import annotations

import argparse
import io
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import rights_eval as R

from search.embedder import prepare_texts
from search.onnx_encoder import mean_pool
from web.pipeline.rights_score import Features, article_queries
from web.pipeline.rights_text import split_sentences


def sentence_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, sentence) of split_sentences' sentences in `text` (a sentence may join
    parts with one space, so the span runs from its first word to its last)."""
    out, pos = [], 0
    for sentence in split_sentences(text):
        words = sentence.split(" ")
        start = cur = text.find(words[0], pos)
        for word in words:
            cur = text.find(word, cur) + len(word)
        out.append((start, cur, sentence))
        pos = cur
    return out


def late_vectors(inputs: R.Inputs) -> dict[str, np.ndarray]:
    """Sentence text -> its late-chunked vector from its narrative passage's own pass."""
    embedder, out = inputs.embedder, {}
    for p in inputs.passages:
        if p["kind"] != "narrative" or not p.get("source"):
            continue
        text = prepare_texts([p["text"]])[0]
        prompt = embedder.passage_prompt
        encoding = embedder.tokenizer.encode(prompt + text)
        ids = np.array([encoding.ids])
        (hidden,) = embedder.session.run(None, {"input_ids": ids,
                                                "attention_mask": np.ones_like(ids)})
        for start, end, sentence in sentence_spans(text):
            start, end = start + len(prompt), end + len(prompt)
            mask = np.zeros_like(ids)
            for k, (a, b) in enumerate(encoding.offsets):
                mask[0, k] = int(b > a and a < end and b > start)
            if mask.any():
                out.setdefault(sentence, mean_pool(hidden, mask)[0])
    return out


def figures(cases: list[R.Case], feats: Features, label: str) -> None:
    """CV on the development articles, then CHOSEN and the dev-chosen mix on the unseen."""
    scored = {mix: R.pair_scores(feats, *mix) for mix in R.MIXES}
    cases = [replace(c, pairs={mix: [p for p in scored[mix] if p.article == c.pairs[mix][0].article]
                               for mix in R.MIXES}) for c in cases]
    dev = [c for c in cases if c.group in R.DEVELOPMENT]
    unseen = [c for c in cases if c.group == "unseen"]
    buf = io.StringIO()
    R.cross_validated(buf, dev, label)
    print(label)
    print("\n".join(line for line in buf.getvalue().splitlines() if line.startswith("mean")))
    chosen = R.choose(dev)
    print(f"  unseen, mix chosen on dev: nDCG@10 "
          f"{np.mean([R.measure(c, chosen)[0] for c in unseen]):.3f}; with CHOSEN: "
          f"{np.mean([R.measure(c, R.CHOSEN)[0] for c in unseen]):.3f}\n")


def main() -> None:
    """Both vector sources through the same cases and evaluation."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    R.add_data_argument(parser)
    cases, inputs = R.load_cases(data=R.data_dir(parser.parse_args().data))
    feats = inputs.features
    late = late_vectors(inputs)
    missing = [s.text for s in feats.sentences if s.text not in late]
    own = dict(zip(missing, inputs.embedder.embed_passages(missing), strict=True))
    matrix = np.stack([late.get(s.text, own.get(s.text)) for s in feats.sentences])
    texts = list(dict.fromkeys(s.text for s in feats.sentences))
    alone = dict(zip(texts, inputs.embedder.embed_passages(texts), strict=True))
    cosine = np.sum(np.stack([alone[s.text] for s in feats.sentences]) * matrix, axis=1)
    print(f"Model: {R.encoder_note(inputs.embedder)}; {len(texts)} sentences, {len(missing)} "
          f"without a span (embedded alone); cosine late vs own pass: min {cosine.min():.3f}, "
          f"median {np.median(cosine):.3f}\n")
    queries = article_queries(feats.articles, inputs.embedder)  # as features() does
    figures(cases, feats, "Own pass (what ingest does)")
    figures(cases, replace(feats, dense=(queries @ matrix.T).mean(axis=0)), "Late chunking")


if __name__ == "__main__":
    main()
