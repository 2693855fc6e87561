"""Parses in the threaded web process are serialised by graph.query_guard.PARENT_PARSE_LOCK.

Why the lock exists is written beside it: rdflib's grammar fixes up its parse actions on first
use, and threads racing through that leave it broken. These tests assert our side only: no two
parses through `query_form` ever overlap, and racing first uses in a fresh process all parse.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from graph import query_guard
from graph.examples import load_examples

ROOT = Path(__file__).resolve().parents[1]


def race(parse, texts: list[str]) -> list[object]:
    """Start one thread per text, release them together into `parse`; their results."""
    barrier = threading.Barrier(len(texts))
    results: list[object] = [None] * len(texts)

    def run(index: int) -> None:
        barrier.wait()
        results[index] = parse(texts[index])

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(texts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_query_form_never_runs_two_parses_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Racing threads through query_form: rdflib's parser is entered by one thread at a time."""
    inside, most, count = 0, 0, threading.Lock()
    real = query_guard.sparql_parser.parseQuery

    def counting(text: str):
        nonlocal inside, most
        with count:
            inside += 1
            most = max(most, inside)
        try:
            time.sleep(0.005)  # holds the parser long enough for an unserialised rival to enter
            return real(text)
        finally:
            with count:
                inside -= 1

    monkeypatch.setattr(query_guard.sparql_parser, "parseQuery", counting)
    examples = load_examples()
    forms = race(query_guard.query_form, [e.text for e in examples])
    assert most == 1
    assert forms == [f"{e.form.title()}Query" for e in examples]  # every one parsed


FRESH_RACE = textwrap.dedent("""
    from graph.examples import load_examples
    from graph.query_guard import query_form
    from tests.test_concurrent_first_use import race
    texts = [e.text for e in load_examples()]
    print(sum(form is None for form in race(query_form, texts)))
""")


@pytest.mark.slow  # a fresh interpreter, so the racing parses are rdflib's first
def test_racing_first_parses_in_a_fresh_process_all_succeed() -> None:
    """query_form (used by the web app) parses every example when threads race its first use."""
    done = subprocess.run([sys.executable, "-c", FRESH_RACE], capture_output=True, text=True,
                          timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "0"
