"""The embedder on ONNX Runtime: the exported encoder, same tokens and vectors as torch.

A 20-token query through torch pays more in per-call overhead than in arithmetic; the
exported graph on ONNX Runtime runs the same weights about three times faster. Token ids
come from the model's own tokenizer.json and pooling repeats sentence-transformers' (mean
over the attention mask, then L2). The fp32 export keeps the source model's fingerprint (its
index serves torch too). An int8 copy (search/onnx_quantize.py, used only when a recipe is
chosen) has a fingerprint naming its recipe, so its index is only searched by that encoder; an
int8 or 4-bit copy (search/onnx_nbits.py) named for queries alone leaves passages on this one.
Which export or copy a data directory gets is decided in search/onnx_loading.py.
"""

from __future__ import annotations

import copy
import json
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from search.embedder import choose_prompts, prepare_texts
from search.onnx_export import MANIFEST, ONNX_FILE
from search.onnx_nbits import NBITS_KEY
from search.onnx_quantize import QUANT_KEY

INTRA_OP_THREADS = 2  # the serving machine has two cores; more threads only contend
# Serving sessions do not spin-wait the default long way: when another process holds a core (an
# ingest, a benchmark), a spinning pool thread takes CPU the query's own threads need; one query
# then took 0.57-0.77x the time of a spinning session, vectors bit-identical
# (benchmarks/results/bench_nbits.txt, --sessions fp32). On a quiet host long spinning is faster
# than sleeping (0.63-0.79x in round 9) but 0.97-1.8x under load (bench_search.txt, section 4).
SERVE_SPINNING = False
# Instead a serving session's pool thread spins 5 µs for the next operator before it sleeps,
# and stops spinning when a run ends (force_spinning_stop), so no CPU is held between queries:
# a 20-token query's run took 0.83x the sleeping session's time in one quiet run, 0.76-0.84x
# beside one busy process and 0.98x beside two, the outputs bit-identical; longer spins
# (10-20 µs) were slower under load (bench_search.txt, round 9). Both keys need onnxruntime
# >= 1.32 (pyproject.toml); older versions ignore them silently.
SERVE_SPIN_US = 5
# Small batches: a batch's activations stay in the core's cache. Embedding the corpus's passages
# (length-sorted, so little padding) took 0.65-0.75x the CPU of batches of 16 on this machine
# (benchmarks/results/bench_search.txt), and 2 ran slower than 4 on two threads: so a batch
# holds about 4 passages' worth of padded tokens, more rows when the texts are short.
BATCH_TOKENS = 400
# Bulk work (ingest's passages, sentences and article queries) runs whole batches side by side
# on one-thread runs without spin-waiting: 0.72x the CPU of one two-thread spinning run per
# batch, the vectors bit-identical (benchmarks/results/bench_ingest.txt).
BULK_WORKERS = 2


def token_batches(lengths: list[int], budget: int = BATCH_TOKENS) -> list[list[int]]:
    """Row indices, longest first, cut into batches of at most `budget` padded tokens
    (rows x the batch's longest), each with at least one row."""
    order = sorted(range(len(lengths)), key=lambda i: -lengths[i])
    out: list[list[int]] = []
    for i in order:
        if out and (len(out[-1]) + 1) * lengths[out[-1][0]] <= budget:
            out[-1].append(i)
        else:
            out.append([i])
    return out


def _session(path: Path, threads: int, spinning: bool = SERVE_SPINNING,
             spin_us: int = SERVE_SPIN_US):
    """An ONNX Runtime CPU session with full graph optimisation (attention/GELU fusions).

    Spinning keeps idle pool threads busy-waiting for the next operator: it saves a wake-up
    per operator, and costs CPU other threads and processes need; a session of more than
    one thread that does not spin spins `spin_us` briefly instead (0: not at all).
    """
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    brief = not spinning and threads > 1 and spin_us > 0
    options.add_session_config_entry("session.intra_op.allow_spinning",
                                     "1" if spinning or brief else "0")
    if brief:
        options.add_session_config_entry("session.intra_op.spin_duration_us", str(spin_us))
        options.add_session_config_entry("session.force_spinning_stop", "1")
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def _tokenizer(model_dir: Path, max_length: int):
    """The model's fast tokenizer, truncating like sentence-transformers, never padding."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(Path(model_dir) / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=max_length)
    return tokenizer


def mean_pool(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Mean of the token states under the mask, then unit length (float32 rows)."""
    weights = mask[..., None].astype(np.float32)
    summed = (hidden * weights).sum(axis=1)
    pooled = summed / np.maximum(weights.sum(axis=1), 1e-9)
    norms = np.linalg.norm(pooled, axis=1, keepdims=True)
    return np.ascontiguousarray(pooled / np.maximum(norms, 1e-12), dtype=np.float32)


class OnnxEmbedder:
    """Queries and passages through the exported encoder; interchangeable with the torch one.

    Sessions over the export, each opened when first needed: the serving one (two threads,
    SERVE_SPINNING) for a query's latency, the bulk one (one thread, no spinning, its batches
    on a pool of BULK_WORKERS threads) for passages and, in `bulk` mode (ingest), everything;
    and, when queries run on an int8 or 4-bit copy, a serving session over that copy.
    """

    def __init__(self, model_dir: Path, export: Path, threads: int = INTRA_OP_THREADS,
                 query_export: Path | None = None, bulk: bool = False) -> None:
        manifest = json.loads((Path(export) / MANIFEST).read_text("utf-8"))
        self.model_dir, self.export = Path(model_dir), Path(export)
        self.name = self.model_dir.name
        self.dimension = int(manifest["dimension"])
        # the fp32 export is torch's vector space; a quantised copy names its recipe
        self.fingerprint = str(manifest.get("fingerprint") or manifest["source"])
        self.precision = precision_of(manifest)
        self.query_prompt, self.passage_prompt = choose_prompts(manifest["prompts"])
        self.pad_id = int(manifest["pad_token_id"])
        self.tokenizer = _tokenizer(self.model_dir, int(manifest["max_seq_length"]))
        # Queries may run on a 4-bit or int8 copy in the same space (cosine >= 0.99,
        # bench_query_encoder.txt), while passages, and so the index and its fingerprint, stay
        # on this export. Serving opens only the copy: ingest embeds no search query with it.
        self.threads, self.query_export, self.bulk = threads, query_export, bulk
        self.query_precision = "fp32" if query_export is None else precision_of(
            json.loads((Path(query_export) / MANIFEST).read_text("utf-8")))
        self._sessions: dict[str, Any] = {}
        self._lock = threading.Lock()
        self._pool: ThreadPoolExecutor | None = None
        # the one session this embedder is mostly used for
        self._open("bulk" if bulk else "serve" if query_export is None else "query")

    def for_indexing(self) -> OnnxEmbedder:
        """This embedder in bulk mode with exact queries: what ingest embeds never depends
        on query speed, and all of it runs on the bulk session."""
        if self.bulk and self.query_export is None:
            return self
        exact = copy.copy(self)
        exact.query_export, exact.query_precision, exact.bulk = None, self.precision, True
        exact._sessions = {k: v for k, v in self._sessions.items() if k != "query"}
        exact._lock, exact._pool = threading.Lock(), None
        exact._open("bulk")
        return exact

    def _open(self, kind: str):
        """The session of one kind ("serve", "bulk" or "query"), opened once."""
        with self._lock:
            if kind not in self._sessions:
                if kind == "query":
                    path, threads, spinning = Path(self.query_export) / ONNX_FILE, \
                        self.threads, SERVE_SPINNING
                else:
                    path = self.export / ONNX_FILE
                    threads, spinning = (1, False) if kind == "bulk" \
                        else (self.threads, SERVE_SPINNING)
                self._sessions[kind] = _session(path, threads, spinning)
            return self._sessions[kind]

    def _bulk_pool(self) -> ThreadPoolExecutor:
        """The threads every bulk batch runs on, shared by all callers (ingest embeds from
        three threads at once): never more runs than cores, so none waits on another."""
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(BULK_WORKERS, thread_name_prefix="onnx")
            return self._pool

    @property
    def session(self):
        """The serving session over this export (the one a single query runs on)."""
        return self._open("serve")

    def query_session(self):
        """The session queries run on: the int8 or 4-bit copy, the bulk one in bulk mode, or
        the serving one."""
        if self.query_export is not None:
            return self._open("query")
        return self._open("bulk" if self.bulk else "serve")

    def _batch(self, encodings: list, session=None) -> np.ndarray:
        """One forward pass over tokenised texts (padded to the longest)."""
        width = max(len(e.ids) for e in encodings)
        ids = np.full((len(encodings), width), self.pad_id, dtype=np.int64)
        mask = np.zeros((len(encodings), width), dtype=np.int64)
        for row, enc in enumerate(encodings):
            ids[row, : len(enc.ids)] = enc.ids
            mask[row, : len(enc.ids)] = 1
        (hidden,) = (session or self.session).run(None, {"input_ids": ids, "attention_mask": mask})
        return mean_pool(hidden, mask)

    def _encode(self, texts: list[str], prompt: str, progress: bool = False,
                session=None) -> np.ndarray:
        """Embed in length-sorted batches (little padding), rows back in input order; on the
        bulk session the batches run side by side (ONNX Runtime releases the GIL)."""
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        if not texts:
            return out
        session = session or self._open("bulk")
        prompted = [prompt + t for t in prepare_texts(texts)]
        # One text (a search query) skips the batch call, which runs on the tokenizer's own
        # thread pool (two more threads beside the encoder's): same ids, and hybrid search
        # p50 on 20-token questions 0.987, 0.935, 0.950 and 0.977x in four A/B runs of this
        # change alone (bench_search.txt, round 9).
        encodings = [self.tokenizer.encode(prompted[0])] if len(prompted) == 1 \
            else self.tokenizer.encode_batch(prompted)
        batches = token_batches([len(e.ids) for e in encodings])
        bar = None
        if progress:
            from tqdm import tqdm

            bar = tqdm(total=len(batches), desc="Batches", unit="batch")

        def run(rows: list[int]) -> None:
            out[rows] = self._batch([encodings[i] for i in rows], session)
            if bar is not None:
                bar.update()

        if session is self._sessions.get("bulk") and len(batches) > 1:
            list(self._bulk_pool().map(run, batches))
        else:
            for rows in batches:
                run(rows)
        if bar is not None:
            bar.close()
        return out

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        """Embed search queries with the model's query prompt."""
        return self._encode(texts, self.query_prompt, session=self.query_session())

    def embed_passages(self, texts: list[str], progress: bool = False) -> np.ndarray:
        """Embed passages with the model's passage prompt (on the bulk session)."""
        return self._encode(texts, self.passage_prompt, progress)


def precision_of(manifest: dict[str, Any]) -> str:
    """What an export's manifest says its graph runs at: fp32, int8 or nbits (4-bit weights)."""
    if NBITS_KEY in manifest:
        return "nbits"
    return "int8" if QUANT_KEY in manifest else "fp32"
