"""rdflib's SPARQL grammar breaks for good when threads race through its first use."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # fresh interpreters racing threads

ROOT = Path(__file__).resolve().parents[1]
RACE = textwrap.dedent("""
    import sys, threading
    from graph.examples import load_examples
    from graph.query_guard import query_form
    {parse}
    texts = [e.text for e in load_examples()]
    barrier = threading.Barrier(len(texts))
    def first(text):
        barrier.wait()
        parse(text)
    threads = [threading.Thread(target=first, args=(t,)) for t in texts]
    [t.start() for t in threads]
    [t.join() for t in threads]
    print(sum(query_form(t) is None for t in texts))
""")
UNGUARDED = """
from rdflib.plugins.sparql import parser as sparql_parser
def parse(text):
    try:
        sparql_parser.parseQuery(text)
    except Exception:
        pass
"""
GUARDED = "parse = query_form"


def broken_after_race(parse: str) -> int:
    """How many example queries no longer parse after a racing first use, in a fresh process."""
    script = RACE.replace("{parse}", parse)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    return int(done.stdout.strip())


def test_the_race_is_real_without_the_lock() -> None:
    """The hazard this guards against: unguarded racing parses break the grammar."""
    assert broken_after_race(UNGUARDED) > 0


def test_parses_in_a_threaded_process_take_the_lock() -> None:
    """query_form (used by the web app) survives the same race."""
    assert broken_after_race(GUARDED) == 0
