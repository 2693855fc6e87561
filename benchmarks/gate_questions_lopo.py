"""The domain gate trained with the judged pool questions, leave-one-part-out (round 22, GQ22).

Extends benchmarks/indicator_lopo.py (itself round 20's benchmarks/memory_lopo.py): for each
pool part P the gate, the adapter and the memory (its vouchers marked by that gate, as ingest
marks them) are built without P's judged questions, the gate's floors are chosen by their
documented rules on the other parts only (benchmarks/gate_floors.py, out-of-fold logits), and
the real HybridSearcher (index.gate swapped, domain_gate's floors set) scores P's queries.
The dev off-topic strings (files 3-29, never trained on) and the banks' own lines are searched
with the gate trained on every part, as it would ship. Protocol and figures:
benchmarks/results/eval_round22_gate_questions.txt. Read-only on the data directory. Run:
    python benchmarks/gate_questions_lopo.py {check,baseline} [--data DIR]
    python benchmarks/gate_questions_lopo.py {train,floors,run,compare} --variant q1
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from gate_batch import fit_many
from gate_floors import FULL, Floors, QueryView, fold_floors, shipped_floors
from indicator_lopo import SHIPPED, VouchedLopo
from memory_lopo import candidate_depth, pool

from search import domain_gate
from search.domain_gate import DomainGate, build_gate, specific_match
from search.gate_text import beyond_the_classifier
from search.gate_training import BANK, SERVICE_BANK, domain_texts, offtopic_bank
from search.gate_verdict import gate_lexical
from search.held_texts import HeldTexts
from search.query_memory import kept_answers
from search.query_signals import QuerySignals
from search.textnorm import looks_english

ROOT = Path(__file__).resolve().parent.parent
OUT = Path("/tmp/gq22work")
DEV_OFFTOPIC = [ROOT / "tests" / "data" / f"search_offtopic_heldout{n}.txt" for n in range(3, 30)]
# which directions learn from the questions (written down before each variant ran)
VARIANTS = {"q1": ("first", "service"), "q2": ("service",)}
FLOOR_NAMES = ("MIN_DOMAIN_SCORE", "MIN_DOMAIN_SCORE_ENGLISH", "MIN_SERVICE_SCORE")


class GateLopo(VouchedLopo):
    """VouchedLopo with the judged questions' parts and the gate's training rows."""

    def __init__(self, data: Path) -> None:
        super().__init__(data)
        part_of = {q.text: part for q, part in zip(self.judged, self.parts, strict=True)}
        # the questions as the memory holds them (kept_answers: judged passages the index holds)
        self.questions = list(kept_answers(HeldTexts(self.index.passages), self.judged))
        self.question_part = [part_of[t] for t in self.questions]
        self.headings = domain_texts(self.index.passages)
        self.banks = {"first": offtopic_bank(BANK), "service": offtopic_bank(SERVICE_BANK)}


@contextmanager
def fold_gate(lopo: GateLopo, gate: DomainGate | None, floors: Floors | None) -> Iterator[None]:
    """The index's gate and domain_gate's three floors set for one fold, restored after."""
    old_gate, old = lopo.index.gate, [getattr(domain_gate, n) for n in FLOOR_NAMES]
    if gate is not None:
        lopo.index.gate = gate
    if floors is not None:
        for n, value in zip(FLOOR_NAMES, floors, strict=True):
            setattr(domain_gate, n, value)
    try:
        yield
    finally:
        lopo.index.gate = old_gate
        for n, value in zip(FLOOR_NAMES, old, strict=True):
            setattr(domain_gate, n, value)


def view_of(lopo: GateLopo, text: str, vectors: list[np.ndarray | None],
            match: QuerySignals) -> QueryView:
    """What the floors' rules read of a query besides the gate: its readings, its language,
    and whether it passes without the classifier or is never asked of it."""
    searcher, index = lopo.searcher, lopo.index
    share, rare = gate_lexical(match)
    phrases = index.phrases()
    joined = phrases.joined_compound(text)
    other = specific_match(share, rare) or phrases.rare_phrase(text) is not None \
        or (index.initiatives is not None
            and index.initiatives.named(text, index.bm25.analyzer.repair) is not None) \
        or (joined is not None
            and specific_match(*gate_lexical(searcher.lexical_match(joined, {}))))
    return QueryView([np.asarray(v, dtype=np.float32) for v in vectors if v is not None],
                     looks_english(text), bool(other), beyond_the_classifier(text, share))


def search_part(lopo: GateLopo, part: str | None, queries: list, record: bool = False) \
        -> tuple[list[list], list[QueryView | None]]:
    """[id, type, nDCG@10, refused] per query of `part` (its questions left out of the adapter
    and the memory), and each query's view when `record` (None: the gate was not asked)."""
    adapter, memory = lopo.build(part, SHIPPED[0])
    lopo.use(adapter, memory)
    views: list[QueryView | None] = []
    verdict = lopo.searcher.in_domain
    if record:
        def recording(text: str, vectors: list, match: QuerySignals) -> bool:
            views[-1] = views[-1] or view_of(lopo, text, vectors, match)
            return verdict(text, vectors, match)
        lopo.searcher.in_domain = recording  # type: ignore[method-assign]
    rows = []
    try:
        for q in queries:
            views.append(None)
            (ndcg, refused), = lopo.score([q], memory, SHIPPED)
            rows.append([q.id, q.type, ndcg, refused])
    finally:
        lopo.searcher.in_domain = verdict  # type: ignore[method-assign]
    return rows, views


def search_strings(lopo: GateLopo) -> dict[str, list[list]]:
    """[text, hits on page 1, total] per dev off-topic and bank string, with the full build."""
    adapter, memory = lopo.build(None, SHIPPED[0])
    lopo.use(adapter, memory)
    lopo.score([], memory, SHIPPED)  # the memory's settings, as for the pool
    sources = {p.name: offtopic_bank(p) for p in DEV_OFFTOPIC} | {
        "bank:" + k: v for k, v in lopo.banks.items()}
    out = {}
    with candidate_depth(SHIPPED[4]):
        for source, texts in sources.items():
            pages = [lopo.searcher.search_page(t, 10, "hybrid") for t in texts]
            out[source] = [[t, len(p.hits), p.total] for t, p in zip(texts, pages, strict=True)]
    return out


def summary(result: dict) -> str:
    """Pooled nDCG, refusals and strings with hits of one run."""
    rows = [r for part in result["pool"].values() for r in part]
    dev = sum(bool(h) for s, v in result["strings"].items() if not s.startswith("bank:")
              for _, h, _ in v)
    banks = {s: sum(bool(h) for _, h, _ in v) for s, v in result["strings"].items()
             if s.startswith("bank:")}
    return (f"pool {len(rows)}: hybrid nDCG@10 {np.mean([r[2] for r in rows]):.6f}, refused "
            f"{sum(r[3] for r in rows)}; dev off-topic 3-29 with hits {dev}; banks {banks}")


def baseline(lopo: GateLopo) -> None:
    """The shipped gate (headings only, shipped floors) through the harness; views recorded."""
    result: dict = {"pool": {}, "floors": list(shipped_floors())}
    views: dict[str, list] = {}
    for part, queries in pool().items():
        result["pool"][part], views[part] = search_part(lopo, part, queries, record=True)
        print(time.strftime("%H:%M:%S"), part, flush=True)
    result["strings"] = search_strings(lopo)
    (OUT / "baseline.json").write_text(json.dumps(result, ensure_ascii=False))
    save_views(views)
    print(summary(result))


def save_views(views: dict[str, list[QueryView | None]]) -> None:
    """The pool queries' views, for the floors (vectors in an npz, the rest in JSON)."""
    flat = [(part, i, v) for part, vs in views.items() for i, v in enumerate(vs)]
    meta = [[part, i, None if v is None else [len(v.readings), v.english, v.other, v.beyond]]
            for part, i, v in flat]
    vecs = [r for _, _, v in flat if v is not None for r in v.readings]
    (OUT / "views.json").write_text(json.dumps(meta))
    np.save(OUT / "views.npy", np.stack(vecs))


def load_views() -> dict[str, list[QueryView | None]]:
    """save_views' views back."""
    vecs, at = np.load(OUT / "views.npy"), 0
    out: dict[str, list[QueryView | None]] = {}
    for part, _, m in json.loads((OUT / "views.json").read_text()):
        if m is None:
            out.setdefault(part, []).append(None)
            continue
        out.setdefault(part, []).append(QueryView(list(vecs[at:at + m[0]]), *m[1:]))
        at += m[0]
    return out


def gate_keys(parts: list[str]) -> list[tuple[str, ...]]:
    """The left-out sets a fold's floors need: none, each part, each pair of parts."""
    return [(), *[(p,) for p in parts],
            *[(p, q) for i, p in enumerate(parts) for q in parts[i + 1:]]]


def train(lopo: GateLopo, variant: str, batch: int = 60) -> None:
    """Every gate of the variant (one per left-out set), both directions, to an npz."""
    parts, keys = list(pool()), gate_keys(list(pool()))
    learns = VARIANTS[variant]
    heads, quest = lopo.embed(lopo.headings), lopo.embed(lopo.questions)
    qpart = np.array(lopo.question_part)
    saved: dict[str, np.ndarray] = {}
    for direction in ("first", "service"):
        bank = lopo.embed(lopo.banks[direction])
        rows = np.vstack([heads, quest, bank])
        inside = np.r_[np.ones(len(heads) + len(quest)), np.zeros(len(bank))]
        if direction not in learns:  # headings only: one gate, the same in every fold
            masks = np.ones((len(rows), 1))
            masks[len(heads):len(heads) + len(quest)] = 0
            fitted = fit_many(rows, inside, masks) * len(keys)
        else:
            masks = np.ones((len(rows), len(keys)))
            for k, key in enumerate(keys):
                # the questions join the in-domain side, but for the left-out parts'
                masks[len(heads):len(heads) + len(quest), k] = np.isin(qpart, key, invert=True)
            fitted = []
            for start in range(0, len(keys), batch):
                fitted += fit_many(rows, inside, masks[:, start:start + batch])
                print(time.strftime("%H:%M:%S"), direction, start + batch, flush=True)
        saved[f"{direction}_w"] = np.stack([w for w, _ in fitted])
        saved[f"{direction}_b"] = np.array([b for _, b in fitted])
    np.savez(OUT / f"{variant}_gates.npz", keys=np.array(["|".join(k) for k in keys]),
             parts=np.array(parts), **saved)


def load_gates(variant: str) -> dict[str, DomainGate]:
    """The variant's gates by left-out key ("" the full gate, "P", "P|Q")."""
    with np.load(OUT / f"{variant}_gates.npz") as data:
        return {str(k): DomainGate(data["first_w"][i], float(data["first_b"][i]),
                                   DomainGate(data["service_w"][i], float(data["service_b"][i])))
                for i, k in enumerate(data["keys"])}


def floors(lopo: GateLopo, variant: str) -> None:
    """Every fold's floors (and the full gate's) by the documented rules, out of fold; the
    same rules read on the shipped gate first, to show how near they come to its floors."""
    base = json.loads((OUT / "baseline.json").read_text())
    answered = {p: [not r[3] for r in rows] for p, rows in base["pool"].items()}
    kinds = {p: [r[1] for r in rows] for p, rows in base["pool"].items()}
    views, gates, parts = load_views(), load_gates(variant), list(pool())
    bank_vecs = lopo.embed([t for t in lopo.banks["first"] if looks_english(t)])
    shipped = lopo.index.gate
    assert shipped is not None
    f, why = fold_floors(FULL, views, kinds, answered, lambda _: shipped, bank_vecs)
    print(f"the rules on the shipped gate: D {f[0]:+.1f} E {f[1]:+.1f} S {f[2]:+.1f} "
          f"(shipped {shipped_floors()})   {why}")

    def gate_for(left: tuple[str, ...]) -> DomainGate:
        return gates["|".join(sorted(left, key=parts.index))]

    # a first direction without the questions is the shipped one: its floors stay
    fixed = None if "first" in VARIANTS[variant] else shipped_floors()[:2]
    chosen = {fold: fold_floors(fold, views, kinds, answered, gate_for, bank_vecs, fixed)
              for fold in [*parts, FULL]}
    (OUT / f"{variant}_floors.json").write_text(json.dumps(
        {fold: [list(f), why] for fold, (f, why) in chosen.items()}, ensure_ascii=False))
    for fold, (f, why) in chosen.items():
        print(f"{fold:12} D {f[0]:+.1f} E {f[1]:+.1f} S {f[2]:+.1f}   {why}")


def run(lopo: GateLopo, variant: str) -> None:
    """Each part scored with its fold's gate and floors; the strings with the full gate."""
    gates = load_gates(variant)
    chosen = {k: tuple(v[0]) for k, v in
              json.loads((OUT / f"{variant}_floors.json").read_text()).items()}
    result: dict = {"pool": {}, "floors": chosen}
    for part, queries in pool().items():
        with fold_gate(lopo, gates[part], chosen[part]):  # type: ignore[arg-type]
            result["pool"][part], _ = search_part(lopo, part, queries)
        print(time.strftime("%H:%M:%S"), part, chosen[part], flush=True)
    with fold_gate(lopo, gates[""], chosen[FULL]):  # type: ignore[arg-type]
        result["strings"] = search_strings(lopo)
    (OUT / f"{variant}.json").write_text(json.dumps(result, ensure_ascii=False))
    print(summary(result))


def check(lopo: GateLopo) -> None:
    """The gate rebuilt from the harness's vectors equals the shipped one; the batched
    regression equals fit_direction (headings only, and with every question)."""
    shipped = lopo.index.gate
    assert shipped is not None and shipped.service is not None
    rebuilt = build_gate(lopo.index.passages, lopo.embed)
    assert rebuilt is not None and rebuilt.service is not None
    print("build_gate == shipped:", np.array_equal(rebuilt.weights, shipped.weights),
          rebuilt.bias == shipped.bias,
          np.array_equal(rebuilt.service.weights, shipped.service.weights),
          rebuilt.banks == shipped.banks)
    heads, quest = lopo.embed(lopo.headings), lopo.embed(lopo.questions)
    bank = lopo.embed(lopo.banks["first"])
    rows = np.vstack([heads, quest, bank])
    inside = np.r_[np.ones(len(heads) + len(quest)), np.zeros(len(bank))]
    masks = np.ones((len(rows), 2))
    masks[len(heads):len(heads) + len(quest), 0] = 0
    (w0, b0), (w1, b1) = fit_many(rows, inside, masks)
    print("batched, headings only: max |dw|", float(np.abs(w0 - shipped.weights).max()),
          "|db|", abs(b0 - shipped.bias))
    ref = DomainGate.train(np.vstack([heads, quest]), bank)
    print("batched, with the questions: max |dw|", float(np.abs(w1 - ref.weights).max()),
          "|db|", abs(b1 - ref.bias), f"({len(lopo.questions)} questions)")


def main() -> None:
    """Run one step."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("step", choices=("check", "baseline", "train", "floors", "run", "compare"))
    ap.add_argument("--data", type=Path, default=Path("/work/main/data"))
    ap.add_argument("--variant", choices=tuple(VARIANTS), default="q1")
    args = ap.parse_args()
    OUT.mkdir(exist_ok=True)
    if args.step == "compare":
        from gate_compare import compare
        compare(OUT / "baseline.json", OUT / f"{args.variant}.json")
        return
    lopo = GateLopo(args.data)
    step = {"check": check, "baseline": baseline}.get(args.step)
    if step is not None:
        step(lopo)
    else:
        {"train": train, "floors": floors, "run": run}[args.step](lopo, args.variant)


if __name__ == "__main__":
    main()
