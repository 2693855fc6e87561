"""#8.3: the editor's action=prefix scans user text in one linear pass.

The regexes it replaced backtracked quadratically: '"\\'' × 16k held the GIL for 7.7 s,
PREFIX + 32k spaces for 3.1 s, and every other request waited.
"""

from __future__ import annotations

import time

import pytest

from web.sparql.editor import add_prefixes
from web.sparql.scan import code_only, scan_prefixes

ADVERSARIAL = {
    "quotes": "\"'" * 16_000,
    "prefix_spaces": "PREFIX" + " " * 32_000,
    "open_iris": "<a" * 16_000,
    "open_long_strings": '"""' + "a" * 32_000,
    "escapes": '"' + "\\a" * 16_000,
    "comments": "#" * 32_000,
    "prefix_runs": "PREFIX a" * 4_000,
}
GENEROUS = 1.0  # seconds for 32 KB; the old scan needed 3–8 s (a correctness bound)


@pytest.mark.parametrize("name", sorted(ADVERSARIAL))
def test_adversarial_text_is_scanned_quickly(name: str) -> None:
    text = ADVERSARIAL[name]
    started = time.process_time()
    assert add_prefixes(text).endswith(text)  # the text itself is kept as it was
    assert time.process_time() - started < GENEROUS


def test_work_grows_linearly() -> None:
    """A 4× longer input costs about 4× (a quadratic scan would cost 16×)."""
    def cost(n: int) -> float:
        text = "\"'" * n + "PREFIX" + " " * n
        started = time.process_time()
        for _ in range(3):
            scan_prefixes(text)
        return time.process_time() - started

    assert cost(32_000) < 8 * max(cost(8_000), 1e-3)


def test_prefixes_are_found_only_in_code() -> None:
    text = ('PREFIX bk: <https://x/>\nSELECT * WHERE { ?s skos:prefLabel "dcterms:no" ;'
            " <http://qb:no> 'rdfs:no' . # owl:no\n ?s foaf:x ?o }")
    found = scan_prefixes(text)
    assert found.declared == {"bk"}
    assert found.used == {"skos", "foaf"}


def test_code_only_keeps_positions() -> None:
    text = 'SELECT "a\\"b" <x> # c\n?s'
    code = code_only(text)
    assert len(code) == len(text) and code.startswith("SELECT ") and code.endswith("\n?s")
    assert '"' not in code and "<" not in code and "#" not in code


def test_missing_prefix_lines_are_added() -> None:
    added = add_prefixes("SELECT * WHERE { ?s skos:prefLabel ?l }")
    assert added.startswith("PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n")
