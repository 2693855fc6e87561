"""Round 23 (IB23): what BM25 indexes for an indicator row, measured on an index ingested with it.

Each variant is a pure function passage -> BM25 document; every passage that is not an
indicator row keeps its text. `ingest` runs the real `bokslut ingest` on a copy of the data
directory with the function in the place production builds the BM25 index
(search.index_store.SearchIndex.build, the one builder: ingest and `bokslut remove` both go
through search.engine.sync_index), so the gate's vouchers, the typo repair and every other
reader of the index see what production would. Scoring is benchmarks/indicator_lopo.py pointed
at that directory (--data); `compare`, `offtopic` and `latency` read the rule's clauses. The
protocol and the figures: benchmarks/results/eval_round23_indicator_bm25.txt. Run:
    python benchmarks/indicator_bm25.py ingest --variant {none,IB1,IB2} --data COPY
    python benchmarks/indicator_bm25.py show --variant {IB1,IB2} [--data DIR]
    python benchmarks/indicator_bm25.py compare BASELINE.json VARIANT.json
    python benchmarks/indicator_bm25.py {offtopic,latency} --data COPY
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from indicator_lopo import Row, race
from indicator_variants import TYPES, compare_offtopic
from memory_lopo import Lopo

from search import engine, index_store
from search.hybrid import MODES
from search.lexical import BM25Index
from search.lexical_text import COMPARABLE_NOTE as COMPARABLE
from search.lexical_text import COMPARISON, SENTENCE_END, bm25_document, clause_end
from search.query_memory import SILENT_KIND
from web.pipeline.layout import index_dir

MAIN = Path("/work/main/data")
INDICATOR = SILENT_KIND  # "indicator": the kind corpus.passages gives an indicator row
UNIT = ". Enhet: "


def name_of(passage: dict) -> str:
    """The indicator's name: the passage heading (render_indicator writes "<name>: <place> ...")."""
    heading = passage.get("heading") or ""
    text = passage["text"]
    return heading if heading and text.startswith(heading + ": ") else text.split(": ", 1)[0]


def ib1_text(passage: dict) -> str:
    """IB1: an indicator row's BM25 document is its name alone."""
    return name_of(passage) if passage.get("kind") == INDICATOR else passage["text"]


def without_comparison(text: str) -> str:
    """The text less its " (jämförelse: ...)" clause (parentheses inside it balanced)."""
    start = text.find(COMPARISON)
    end = clause_end(text, start + 1) if start >= 0 else None
    if start < 0:
        return text
    return text[:start] if end is None else text[:start] + text[end + 1:]


def ib2_text(passage: dict) -> str:
    """IB2: an indicator row's text less the comparison clause, the "Enhet: ..." and every
    "Källa: ..." sentence and the note on comparable municipalities; the name, the place's
    values with their group labels, the year and any other note stay."""
    text = passage["text"]
    if passage.get("kind") != INDICATOR:
        return text
    text = without_comparison(text)
    cut = text.find(UNIT)
    if cut < 0:
        return text
    head, sentences = text[:cut + 1], SENTENCE_END.split(text[cut + len(UNIT):])
    # sentences[0] is the unit's; then "Källa: ..." sentences and the report's notes
    kept = [s for s in sentences[1:] if s and not s.startswith("Källa:")
            and not COMPARABLE.search(s)]
    return " ".join([head, *kept])


VARIANTS: dict[str, Callable[[dict], str]] = {
    "none": lambda passage: passage["text"], "IB1": ib1_text, "IB2": ib2_text,
    # IB3 passed its rule and gate and is production's since round 23 (one home)
    "IB3": bm25_document}


def install(document: Callable[[dict], str]) -> None:
    """SearchIndex.build's BM25 reads document(passage) for each passage (positional: the
    builder passes one document per row); every index (re)built from here on does."""
    building: list[list[dict]] = []
    build = index_store.SearchIndex.build.__func__

    def build_with(cls: type, passages: list, *args: Any, **kwargs: Any) -> Any:
        rows = [p if isinstance(p, dict) else dataclasses.asdict(p) for p in passages]
        building.append(rows)
        try:
            return build(cls, passages, *args, **kwargs)
        finally:
            building.pop()

    class VariantBM25(BM25Index):
        """BM25Index whose build indexes each row's variant document."""

        @classmethod
        def build(cls, texts: Sequence[str], *args: Any, **kwargs: Any) -> BM25Index:
            rows = building[-1]
            # production hands over its own documents (search.lexical_text since round 23)
            assert len(texts) == len(rows), "not the builder's passages"
            return BM25Index.build([document(p) for p in rows], *args, **kwargs)

    index_store.SearchIndex.build = classmethod(build_with)
    index_store.BM25Index = VariantBM25
    # the copy's saved index has the same passages, model, gate, adapter and memory recipe:
    # sync_index would keep it; a rebuild is forced (its vectors are reused)
    engine.memory_outdated = lambda index, passages: True


def ingest(variant: str, data: Path) -> None:
    """`bokslut ingest --data data` with the variant's BM25 documents (data must be a copy)."""
    assert data.resolve() != MAIN.resolve(), "never ingest into /work/main/data"
    install(VARIANTS[variant])
    from web.cli.main import main as bokslut
    sys.argv = ["bokslut", "ingest", "--data", str(data)]
    bokslut()


def show(variant: str, data: Path) -> None:
    """Every indicator row's BM25 document under the variant (from the data's passages)."""
    for p in index_store.SearchIndex.load(index_dir(data)).passages:
        if p.get("kind") == INDICATOR:
            print(p["id"].rsplit("/", 1)[-1], "|", VARIANTS[variant](p))


def rows_of(path: Path) -> dict[str, Row]:
    """indicator_lopo's per-query rows by query id."""
    return {r[0]: r for part in json.loads(path.read_text()).values() for r in part}


def compare(base_path: Path, variant_path: Path) -> None:
    """Clauses (a)-(d) and the up/down counts, variant against baseline (per query, pooled)."""
    base, var = rows_of(base_path), rows_of(variant_path)
    assert base.keys() == var.keys(), "not the same queries"
    print(f"{'type':<12} {'n':>5} {'hybrid':>8} {'dense':>8} {'bm25':>8} {'base h':>8} "
          f"{'h diff':>9} {'up':>4} {'down':>4} {'refused h/d/b':>14}")
    for kind in [*TYPES, "all"]:
        ids = [i for i in base if kind in ("all", base[i][1])]
        mean = {m: float(np.mean([var[i][2][m] for i in ids])) for m in MODES}
        before = float(np.mean([base[i][2]["hybrid"] for i in ids]))
        up = sum(var[i][2]["hybrid"] > base[i][2]["hybrid"] + 1e-9 for i in ids)
        down = sum(var[i][2]["hybrid"] < base[i][2]["hybrid"] - 1e-9 for i in ids)
        refused = "/".join(str(sum(var[i][3][m] for i in ids)) for m in MODES)
        print(f"{kind:<12} {len(ids):>5} {mean['hybrid']:>8.6f} {mean['dense']:>8.4f} "
              f"{mean['bm25']:>8.4f} {before:>8.6f} {mean['hybrid'] - before:>+9.6f} {up:>4} "
              f"{down:>4} {refused:>14}")
    narrative = [i for i in base if base[i][1] != "indicator"]
    print("non-indicator types: up", sum(var[i][2]["hybrid"] > base[i][2]["hybrid"] + 1e-9
                                        for i in narrative),
          "down", sum(var[i][2]["hybrid"] < base[i][2]["hybrid"] - 1e-9 for i in narrative))
    newly = [i for i in base if var[i][3]["hybrid"] and not base[i][3]["hybrid"]]
    print("refused newly (hybrid):", newly, "answered newly:",
          [i for i in base if base[i][3]["hybrid"] and not var[i][3]["hybrid"]])
    moved = sorted(base, key=lambda i: var[i][2]["hybrid"] - base[i][2]["hybrid"])
    changes = [(i, base[i][1], round(var[i][2]["hybrid"] - base[i][2]["hybrid"], 3))
               for i in moved if abs(var[i][2]["hybrid"] - base[i][2]["hybrid"]) > 1e-9]
    print("largest down:", changes[:12])
    print("largest up:", changes[::-1][:12])


def offtopic(data: Path) -> None:
    """Clause (e): every dev off-topic string, the shipped searcher against the variant's
    (each the real searcher opened on its own index: its own adapter, memory and gate)."""
    compare_offtopic(Lopo(MAIN).searcher, Lopo(data).searcher)


def latency(data: Path, n: int = 300, rounds: int = 3) -> None:
    """Clause (f), as indicator_lopo.time_against_shipped (indicator_lopo.race), each searcher
    opened on its own index with its own adapter and memory."""
    race({"shipped": Lopo(MAIN).searcher, "variant": Lopo(data).searcher}, n, rounds)


def main() -> None:
    """Run one step."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("step", choices=("ingest", "show", "compare", "offtopic", "latency"))
    ap.add_argument("files", nargs="*", type=Path, help="compare: baseline.json variant.json")
    ap.add_argument("--variant", choices=tuple(VARIANTS), default="none")
    ap.add_argument("--data", type=Path, default=MAIN)
    args = ap.parse_args()
    if args.step == "ingest":
        ingest(args.variant, args.data)
    elif args.step == "show":
        show(args.variant, args.data)
    elif args.step == "compare":
        compare(*args.files)
    elif args.step == "offtopic":
        offtopic(args.data)
    else:
        latency(args.data)


if __name__ == "__main__":
    main()
