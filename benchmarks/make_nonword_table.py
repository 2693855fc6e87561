"""Write search/nonword_table.json.gz: the letter-trigram counts of search/nonword.py's Swedish
and English models, from spacy-lookups-data's lemma tables (forms and lemmas, each distinct
casefolded letter run of two letters or more once). Deterministic: keys sorted. Run:
    PYTHONPATH=. .venv/bin/python benchmarks/make_nonword_table.py
"""

from __future__ import annotations

import gzip
import json
import time

from search.lemma_store import SOURCE as SV_SOURCE
from search.nonword import (
    EN_SOURCE,
    TABLE,
    TrigramModel,
    packaged_words,
    source_version,
    training_words,
)


def table_words(source: tuple[str, str]) -> set[str]:
    """The training words of one packaged lemma table (its forms and its lemmas)."""
    return training_words(packaged_words(source))


def main() -> None:
    """Count both languages and write the table (gzip mtime 0: the same bytes every run)."""
    start = time.process_time()
    counts: dict[str, object] = {"source": f"spacy-lookups-data {source_version()}"}
    for lang, source in (("sv", SV_SOURCE), ("en", EN_SOURCE)):
        words = table_words(source)
        tri = dict(sorted(TrigramModel.train(words).tri.items()))
        counts[lang] = tri
        print(f"{lang}: {len(words)} words, {len(tri)} trigrams")
    raw = json.dumps(counts, ensure_ascii=False, separators=(",", ":")).encode()
    TABLE.write_bytes(gzip.compress(raw, mtime=0))
    seconds = time.process_time() - start
    print(f"{TABLE.name}: {TABLE.stat().st_size} bytes; built in {seconds:.1f} s CPU")


if __name__ == "__main__":
    main()
