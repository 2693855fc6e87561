"""Write search/offtopic_known.txt: the pool's off-topic strings, for search.known_offtopic.

The pool is every bundled part but the reported ones (web.cli.search: tuning and held-out 2-29);
a pool part's off-topic file is tests/data/search_offtopic_heldoutN.txt (parts 3-29 have one).
The tuning style parts' off-topic files follow (search_offtopic_tune_styleN.txt, round 30: their
questions are the gate's extra judged questions, benchmarks/make_gate_questions.py). The reported
parts' files (held-out, 30 and later) are never read. Each string once, in file order. Run from
the repository root:
    python benchmarks/make_known_offtopic.py
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from make_gate_questions import style_parts

from search.gate_training import offtopic_bank
from search.known_offtopic import KNOWN
from web.cli.search import REPORTED_PARTS, default_dev_sets


def offtopic_file(queries: Path) -> Path:
    """The off-topic file beside a part's query file (search_X.jsonl: search_offtopic_X.txt)."""
    name = queries.name.replace("search_", "search_offtopic_", 1)
    return queries.with_name(name).with_suffix(".txt")


def pool_files() -> list[Path]:
    """The pool parts' off-topic files in part order, then the tuning style parts'."""
    files = [offtopic_file(path) for part, path in default_dev_sets().items()
             if part not in REPORTED_PARTS and part.startswith("held-out ")]
    return [f for f in files + [offtopic_file(path) for path in style_parts()] if f.exists()]


def header(files: list[Path]) -> str:
    """The generated file's comment lines."""
    names = ", ".join(f.name for f in (files[0], files[-1]))
    return "".join(f"# {line}\n" for line in textwrap.wrap(
        f"Known off-topic strings for search/known_offtopic.py: the pool parts' off-topic files "
        f"({len(files)} files, {names.replace(', ', ' .. ')}), never a reported part's. Generated "
        "by benchmarks/make_known_offtopic.py; do not edit by hand: edit the files and rerun. "
        "Why and the figures: benchmarks/results/eval_round25_known_offtopic.txt.", 96))


def main() -> None:
    """Write the file."""
    files = pool_files()
    texts = list(dict.fromkeys(t for f in files for t in offtopic_bank(f)))
    KNOWN.write_text(header(files) + "\n".join(texts) + "\n", "utf-8")
    print(f"{KNOWN}: {len(texts)} strings from {len(files)} files")


if __name__ == "__main__":
    main()
