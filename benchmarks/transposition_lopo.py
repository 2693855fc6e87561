"""Round 21 (TR): transposition repairs of short words written back, measured by its rule.

The change: QueryRepair.spelling also writes back a typo repair of a word shorter than
typo_long_len when the word has 5+ letters, Swedish does not know it, the repaired term's most
frequent spelling is the word with one pair of adjacent letters swapped, and no other word of
the report's spelling table is one adjacent swap from it ("penagr" -> "pengar"). Until the
rule passes it lives here only (`tr_spelling`, patched onto one searcher's QueryRepair).
Steps, each on benchmarks/memory_lopo.py's harness at the shipped point:
    baseline  pool LOPO, TR off (written down before any variant runs)
    variant   pool LOPO, TR on (everything else equal)
    compare   clause (b) and (d) from the two runs
    audit     clause (a): every bundled dev text whose repaired reading changes
    offtopic  clause (c): the dev off-topic strings' hits, real searcher, shipped memory
The protocol and the figures: benchmarks/results/eval_round21_transposition.txt. Read-only
on the data directory. Run:
    python benchmarks/transposition_lopo.py {baseline,variant,compare,audit,offtopic} [--data DIR]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))  # run as a script: memory_lopo beside

from memory_lopo import Lopo, Point, name, pool, run

from search.gate_training import offtopic_bank
from search.query_adapter import QUERIES
from search.query_repair import QueryRepair
from search.textnorm import is_swedish_word

OUT = Path("/tmp/tr21work")
SHIPPED: Point = (0.5, 0.88, 0.75, 16, 40)  # round 20's settings, shipped in main
MIN_LEN = 5  # the shortest word TR repairs
TESTS = Path(__file__).resolve().parent.parent / "tests" / "data"
SEARCH = Path(__file__).resolve().parent.parent / "search"
DEV_OFFTOPIC = [TESTS / f"search_offtopic_heldout{n}.txt" for n in range(3, 30)] \
    + [SEARCH / "offtopic_bank.txt", SEARCH / "service_bank.txt"]
ORIGINAL = QueryRepair.spelling


def swaps(word: str) -> set[str]:
    """Every string made of `word` by swapping one pair of adjacent, different letters."""
    return {word[:i] + word[i + 1] + word[i] + word[i + 2:] for i in range(len(word) - 1)
            if word[i] != word[i + 1]}


def table_words(repair: QueryRepair) -> frozenset[str]:
    """Every passage word of the repair's spelling table, casefolded (remembered per repair)."""
    words = getattr(repair, "_tr_words", None)
    if words is None:
        words = frozenset(w.casefold() for c in repair._table().values() for w in c)
        repair._tr_words = words  # type: ignore[attr-defined]
    return words


def tr_spelling(repair: QueryRepair, word: str, english: bool = False) -> str | None:
    """QueryRepair.spelling with TR: a short typo repair written back when it is an
    unambiguous transposition of a word Swedish does not know."""
    fixed = ORIGINAL(repair, word, english)
    if fixed is not None or len(word) >= repair.analyzer.config.typo_long_len:
        return fixed
    found = repair.analyzer.repair(word)
    if found is None or found[1] != "typo" or len(word) < MIN_LEN or is_swedish_word(word):
        return None
    spellings = repair._table().get(found[0])
    if not spellings:
        return None
    best = spellings.most_common(1)[0][0]
    # clause (3): the swap must name one word of the report, the repaired term's spelling
    if swaps(word.casefold()) & table_words(repair) != {best.casefold()}:
        return None
    return None if english and is_swedish_word(best) else best


@contextmanager
def transposition(repair: QueryRepair, on: bool) -> Iterator[None]:
    """`repair` spelling with TR (on) or as shipped (off) for a while."""
    if on:
        repair.spelling = lambda w, e=False: tr_spelling(repair, w, e)  # type: ignore[method-assign]
    try:
        yield
    finally:
        repair.__dict__.pop("spelling", None)


def lopo_run(data: Path, on: bool, target: Path) -> None:
    """Pool LOPO at the shipped point, TR on or off, per query into `target`."""
    lopo = Lopo(data)
    with transposition(lopo.searcher.repair, on):
        run(lopo, [SHIPPED], target)
    rows = [r for part in json.loads(target.read_text())[name(SHIPPED)].values() for r in part]
    print(f"pooled {np.mean([r[2] for r in rows]):.6f} n={len(rows)} "
          f"refused {sum(r[3] for r in rows)}", flush=True)


def compare(base: Path, variant: Path) -> None:
    """Clauses (b) and (d): pooled, per type, refusals and every changed query."""
    rows = {}
    for label, path in (("base", base), ("tr", variant)):
        parts = json.loads(path.read_text())[name(SHIPPED)]
        rows[label] = {(part, r[0]): r for part, rs in parts.items() for r in rs}
    keys = list(rows["base"])
    assert set(keys) == set(rows["tr"]), "the two runs scored different queries"

    def mean(ks: list[tuple[str, str]], arm: str) -> float:
        """The arm's mean nDCG@10 over these queries."""
        return float(np.mean([rows[arm][k][2] for k in ks]))

    print(f"pooled n={len(keys)}: base {mean(keys, 'base'):.6f} tr {mean(keys, 'tr'):.6f} "
          f"delta {mean(keys, 'tr') - mean(keys, 'base'):+.6f}")
    for kind in sorted({rows["base"][k][1] for k in keys}):
        ks = [k for k in keys if rows["base"][k][1] == kind]
        print(f"  {kind:12} n={len(ks):4} {mean(ks, 'base'):.6f} -> {mean(ks, 'tr'):.6f} "
              f"({mean(ks, 'tr') - mean(ks, 'base'):+.6f})")
    for arm in ("base", "tr"):
        print(f"refused {arm}: {sorted(k for k in keys if rows[arm][k][3])}")
    print("answered by base, refused with TR:",
          sorted(k for k in keys if rows["tr"][k][3] and not rows["base"][k][3]))
    print("refused by base, answered with TR:",
          sorted(k for k in keys if rows["base"][k][3] and not rows["tr"][k][3]))
    for k in keys:
        b, t = rows["base"][k], rows["tr"][k]
        if b[2:] != t[2:]:
            print(f"  changed {k} {b[1]}: {b[2]:.4f} refused={b[3]} -> {t[2]:.4f} refused={t[3]}")


def dev_texts() -> dict[str, list[str]]:
    """Clause (a)'s texts by source: pool, judged file, dev off-topic files, real nonwords."""
    judged = [json.loads(line)["query"] for line in QUERIES.read_text("utf-8").splitlines()
              if line.strip() and not line.lstrip().startswith("#")]
    out = {"pool": [q.query for qs in pool().values() for q in qs], "judged": judged}
    out |= {path.name: offtopic_bank(path) for path in DEV_OFFTOPIC}
    out["nonword_real.txt"] = offtopic_bank(TESTS / "nonword_real.txt")
    return out


def audit(data: Path) -> None:
    """Clause (a): every text whose repaired reading TR changes, with the words rewritten."""
    repair = Lopo(data).searcher.repair
    changed: dict[str, tuple[str | None, str | None, list[str]]] = {}
    for source, texts in dev_texts().items():
        print(f"{source}: {len(texts)} texts", flush=True)
        for text in texts:
            old = repair.repaired(text)
            with transposition(repair, True):
                new = repair.repaired(text)
                words = sorted({f"{w} -> {tr_spelling(repair, w, e)}"
                                for w, e in _words(text) if tr_spelling(repair, w, e)
                                != ORIGINAL(repair, w, e)})
            if old != new:
                changed.setdefault(text, (old, new, words))
                print(f"  [{source}] {text!r}\n      old {old!r}\n      new {new!r}\n"
                      f"      rewritten: {words}", flush=True)
    print(f"texts changed: {len(changed)}; distinct rewrites: "
          f"{sorted({w for _, _, ws in changed.values() for w in ws})}")


def _words(text: str) -> list[tuple[str, bool]]:
    """The words QueryRepair.repaired asks about, with the query's English flag."""
    from search.query_repair import _WORD
    from search.textnorm import looks_english

    english = looks_english(text)
    return [(m.group().lower(), english) for m in _WORD.finditer(text)]


def offtopic(data: Path) -> None:
    """Clause (c): hits per dev off-topic string, TR off and on (shipped adapter, memory)."""
    lopo = Lopo(data)
    searcher = lopo.searcher  # opened on the index as shipped: its adapter, its memory
    with_hits = {"off": 0, "on": 0}
    for path in DEV_OFFTOPIC:
        for text in offtopic_bank(path):
            counts = {}
            for arm in ("off", "on"):
                with transposition(searcher.repair, arm == "on"):
                    page = searcher.search_page(text, 10, "hybrid")
                counts[arm] = (len(page.hits), page.total)
                with_hits[arm] += bool(page.hits)
            if counts["off"] != counts["on"]:
                print(f"  [{path.name}] {text!r}: {counts['off']} -> {counts['on']}")
    print(f"strings with hits: off {with_hits['off']} on {with_hits['on']}")


def main() -> None:
    """Run one step of the protocol."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("step", choices=("baseline", "variant", "compare", "audit", "offtopic"))
    ap.add_argument("--data", type=Path, default=Path("/work/main/data"))
    args = ap.parse_args()
    OUT.mkdir(exist_ok=True)
    base, variant = OUT / "baseline.json", OUT / "variant.json"
    if args.step == "baseline":
        lopo_run(args.data, False, base)
    elif args.step == "variant":
        lopo_run(args.data, True, variant)
    elif args.step == "compare":
        compare(base, variant)
    elif args.step == "audit":
        audit(args.data)
    else:
        offtopic(args.data)


if __name__ == "__main__":
    main()
