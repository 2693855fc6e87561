"""The persisted search index: passages, BM25, faiss vectors and a manifest that ties them."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import shutil
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import numpy as np

from corpus.passages import Passage
from search.dense import DEFAULT_EXACT_LIMIT, DenseIndex
from search.domain_gate import DomainGate, build_gate
from search.embedder import Embedder
from search.indicator_aliases import IndicatorAliases
from search.initiative_names import InitiativeNames
from search.known_offtopic import KnownOffTopic
from search.lexical import BM25Index
from search.lexical_text import bm25_document
from search.memory_vouch import mark_vouchers, vouch_recipe
from search.passage_phrasings import PassagePhrasings
from search.query_adapter import EmbedQueries, FoldedDense, QueryAdapter
from search.query_memory import QueryMemory
from search.query_signals import Phrases
from search.ranking_memory import RankingMemory
from search.rights_signal import RightsSignal
from search.text_vectors import TextVectors

FORMAT = "bokslut-search/2"  # 2: the domain gate is saved with the index


class SearchIndexError(RuntimeError):
    """The saved index cannot be used (missing, damaged, or built by another model)."""


def text_key(passage: dict) -> str:
    """What a vector depends on: the passage text (vectors are reused while it is unchanged)."""
    return hashlib.sha256(passage["text"].encode("utf-8")).hexdigest()[:16]


def corpus_hash(passages: list[dict]) -> str:
    """A hash over passage ids and texts, in order."""
    h = hashlib.sha256()
    for p in passages:
        h.update(f"{p['id']}\x1f{p['text']}\x1e".encode())
    return h.hexdigest()


_FOLD_LOCK = threading.Lock()  # two first queries on two threads build one fold
_PHRASE_LOCK = threading.Lock()  # and one phrase table


def _same_source(old: tuple, new: tuple) -> bool:
    """Whether two folds' sources are the same adapter and vectors at the same sizes."""
    return old[0] is new[0] and old[1] is new[1] and old[2:] == new[2:]


@dataclass
class SearchIndex:
    """Everything search needs, in passage order."""

    passages: list[dict]
    bm25: BM25Index
    dense: DenseIndex
    manifest: dict
    gate: DomainGate | None = None  # None: no gate (an empty corpus), every query passes
    rights: RightsSignal | None = None  # rights vocabulary + ranked support, from ingest
    texts: TextVectors | None = None  # the rights ranking's vectors, reused by the next ingest
    adapter: QueryAdapter | None = None  # hybrid's dense query map (None: the bare vector)
    memory: QueryMemory | None = None  # hybrid's judged-query memory (None: no memory)
    initiatives: InitiativeNames | None = None  # the reports' initiative names, from ingest
    offtopic: KnownOffTopic | None = None  # the known off-topic strings (None: no such check)
    aliases: IndicatorAliases | None = None  # the indicators' everyday names (None: none)
    phrasings: PassagePhrasings | None = None  # the narrative passages' everyday phrasings
    ranking: RankingMemory | None = None  # the fusion's judged questions (None: the memory's)
    # the adapter folded into the vectors, with what it was built from (see folded())
    _folded: tuple[tuple, FoldedDense] | None = field(default=None, init=False, repr=False,
                                                      compare=False)
    # the domain gate's phrase table, with the passage list it was built from (see phrases())
    _phrases: tuple[list[dict], Phrases] | None = field(default=None, init=False, repr=False,
                                                        compare=False)

    def folded(self, kept: dict[str, np.ndarray]) -> FoldedDense:
        """The adapter folded into the vectors: one copy shared by this index's searchers."""
        # built again only when the adapter, the vectors or the kept sentences change
        assert self.adapter is not None
        source = (self.adapter, self.dense, len(self.dense), len(self.passages), frozenset(kept))
        with _FOLD_LOCK:
            if self._folded is None or not _same_source(self._folded[0], source):
                built = FoldedDense.of(self.adapter, self.passages, self.dense, kept)
                self._folded = (source, built)
            return self._folded[1]

    def phrases(self) -> Phrases:
        """The passages' phrase table (search.query_signals.Phrases): one per index, built on
        first use (HybridSearcher.prepare builds it before the first query; ~10-25 ms for the
        bundled report)."""
        with _PHRASE_LOCK:
            if self._phrases is None or self._phrases[0] is not self.passages:
                self._phrases = (self.passages, Phrases.of(self.passages))
            return self._phrases[1]

    @classmethod
    def build(cls, passages: list[Passage] | list[dict], embedder: Embedder,
              reuse: SearchIndex | None = None, progress: bool = False,
              exact_limit: int = DEFAULT_EXACT_LIMIT) -> SearchIndex:
        """Index passages; vectors of unchanged texts are taken from `reuse` (same model)."""
        rows = [p if isinstance(p, dict) else dataclasses.asdict(p) for p in passages]
        # BM25 (Python) is built while the model embeds (ONNX Runtime releases the GIL)
        with ThreadPoolExecutor(1, thread_name_prefix="bm25") as pool:
            lexical = pool.submit(BM25Index.build, [bm25_document(p) for p in rows])
            vectors = embed_with_reuse(rows, embedder, reuse, progress)
            # the gate and the adapter both read the headings as queries: embedded once
            embed = remembering_queries(embedder.embed_queries)
            gate = build_gate(rows, embed)
            adapter = QueryAdapter.fit(rows, vectors, embed)
            bm25 = lexical.result()
            # the adapter's query texts: no new call; the vouchers read the gate and BM25
            memory = QueryMemory.build(rows, embed, mark=partial(mark_vouchers, gate, bm25),
                                       recipe=vouch_recipe())
            # the pool's texts were embedded for the adapter: only the style parts' are new
            ranking = RankingMemory.of(rows, embed) if memory is not None else None
            # read beside the memory's judged questions: without them, nothing to compare
            offtopic = KnownOffTopic.build(embed) if memory is not None else None
            # the names' and phrasings' vectors are reused only from an index of this model
            same = same_model(reuse, embedder)
            aliases = IndicatorAliases.build(rows, embedder.embed_passages,
                                             same.aliases if same else None)
            phrasings = PassagePhrasings.build(rows, embedder.embed_passages,
                                               same.phrasings if same else None)
        dense = DenseIndex(embedder.dimension, exact_limit)
        if len(rows):
            dense.add(vectors)
        manifest = {
            "format": FORMAT, "model": embedder.fingerprint, "model_name": embedder.name,
            "dimension": embedder.dimension, "corpus_hash": corpus_hash(rows),
            "passages": len(rows), "dense_index": dense.kind, "created": time.time(),
        }
        return cls(rows, bm25, dense, manifest, gate, adapter=adapter, memory=memory,
                   offtopic=offtopic, aliases=aliases, phrasings=phrasings, ranking=ranking)

    def save(self, directory: Path) -> None:
        """Write beside the target, then swap it in: a failure leaves the old index intact."""
        directory = Path(directory)
        tmp = directory.with_name(directory.name + ".new")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        with (tmp / "passages.jsonl").open("w", encoding="utf-8") as out:
            for p in self.passages:
                out.write(json.dumps(p, ensure_ascii=False) + "\n")
        self.dense.save(tmp / "vectors.faiss")
        self.bm25.save(tmp / "bm25")
        if self.gate is not None:
            self.gate.save(tmp / "gate.npz")
        if self.rights is not None:
            self.rights.save(tmp)
        if self.texts is not None:
            self.texts.save(tmp)
        if self.adapter is not None:
            self.adapter.save(tmp)
        for memory in (self.memory, self.ranking):
            if memory is not None:
                memory.save(tmp)
        if self.initiatives is not None:
            self.initiatives.save(tmp)
        if self.offtopic is not None:
            self.offtopic.save(tmp)
        for texts in (self.aliases, self.phrasings):
            if texts is not None:
                texts.save(tmp)
        (tmp / "manifest.json").write_text(json.dumps(self.manifest, indent=2), "utf-8")
        old = directory.with_name(directory.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if directory.exists():
            directory.rename(old)
        tmp.rename(directory)
        shutil.rmtree(old, ignore_errors=True)

    @classmethod
    def load(cls, directory: Path, embedder: Embedder | None = None) -> SearchIndex:
        """Read a saved index; refuses one built by another model than `embedder`."""
        directory = Path(directory)
        try:
            manifest = json.loads((directory / "manifest.json").read_text("utf-8"))
            passages = [json.loads(line) for line in
                        (directory / "passages.jsonl").read_text("utf-8").splitlines()]
            dense = DenseIndex.load(directory / "vectors.faiss")
            bm25 = BM25Index.load(directory / "bm25")
            gate = DomainGate.load(directory / "gate.npz") \
                if (directory / "gate.npz").exists() else None
            rights = RightsSignal.load(directory)
            texts = TextVectors.load(directory)
            adapter = QueryAdapter.load(directory)
            memory = QueryMemory.load(directory)
            ranking = RankingMemory.load(directory)
            initiatives = InitiativeNames.load(directory)
            offtopic = KnownOffTopic.load(directory)
            aliases = IndicatorAliases.load(directory)
            phrasings = PassagePhrasings.load(directory)
        except (OSError, ValueError, RuntimeError) as exc:
            raise SearchIndexError(f"{directory}: no usable search index ({exc}); "
                              "run 'bokslut ingest'") from None
        if manifest.get("format") != FORMAT or len(passages) != manifest.get("passages"):
            raise SearchIndexError(f"{directory}: search index is damaged or of another format")
        if embedder is not None and manifest["model"] != embedder.fingerprint:
            raise SearchIndexError(
                f"{directory}: the index was built with {manifest['model']}, but the model "
                f"setting gives {embedder.fingerprint}; run 'bokslut ingest' to rebuild it "
                "(models are never mixed in one index)")
        if adapter is not None and adapter.dimension != dense.dimension:
            raise SearchIndexError(f"{directory}: the query adapter does not fit the vectors; "
                                   "run 'bokslut ingest'")
        for saved in (memory, ranking):
            if saved is not None and saved.vectors.shape[1] != dense.dimension:
                raise SearchIndexError(f"{directory}: the query memory does not fit the "
                                       "vectors; run 'bokslut ingest'")
        if offtopic is not None and offtopic.vectors.shape[1] != dense.dimension:
            raise SearchIndexError(f"{directory}: the known off-topic strings do not fit the "
                                   "vectors; run 'bokslut ingest'")
        for named, what in ((aliases, "the indicators' everyday names"),
                            (phrasings, "the passages' everyday phrasings")):
            if named is not None and (named.vectors.shape[1] != dense.dimension
                                      or named.rows.max(initial=-1) >= len(passages)):
                raise SearchIndexError(f"{directory}: {what} do not fit the index; "
                                       "run 'bokslut ingest'")
        return cls(passages, bm25, dense, manifest, gate, rights, texts, adapter, memory,
                   initiatives, offtopic, aliases, phrasings, ranking)


def remembering_queries(embed: EmbedQueries) -> EmbedQueries:
    """`embed` that embeds each text once (a row does not depend on its batch-mates)."""
    seen: dict[str, np.ndarray] = {}

    def embed_once(texts: list[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in seen]
        if missing:
            seen.update(zip(missing, embed(missing), strict=True))
        return np.stack([seen[t] for t in texts]) if texts else embed([])

    return embed_once


def same_model(reuse: SearchIndex | None, embedder: Embedder) -> SearchIndex | None:
    """The previous index when this model built it (else None): only then are its vectors
    this model's."""
    if reuse is None or reuse.manifest.get("model") != embedder.fingerprint:
        return None
    return reuse


def embed_with_reuse(rows: list[dict], embedder: Embedder, reuse: SearchIndex | None,
                     progress: bool) -> np.ndarray:
    """Vectors for every row, embedding only texts the previous index did not have."""
    known: dict[str, np.ndarray] = {}
    if reuse is not None and reuse.manifest.get("model") == embedder.fingerprint:
        known = {text_key(p): reuse.dense.vector(i) for i, p in enumerate(reuse.passages)}
    missing = [i for i, p in enumerate(rows) if text_key(p) not in known]
    fresh = embedder.embed_passages([rows[i]["text"] for i in missing], progress=progress) \
        if missing else np.zeros((0, embedder.dimension), dtype=np.float32)
    out = np.zeros((len(rows), embedder.dimension), dtype=np.float32)
    for row, vec in zip(missing, fresh, strict=True):
        out[row] = vec
    fresh_rows = set(missing)
    for i, p in enumerate(rows):
        if i not in fresh_rows:
            out[i] = known[text_key(p)]
    return out
