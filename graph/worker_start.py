"""Start a query worker without running the graph package's __init__ (it loads the project).

Run as a file: `python graph/worker_start.py [--allow-unisolated]`. A worker needs a few
modules (sandbox, guard, executor, results); the package's surface also imports the corpus
reader and spaCy, about ten seconds on a busy machine, paid again after every deadline kill.
"""

import sys
import types
from pathlib import Path


def bare_package() -> None:
    """Make `graph.*` importable with the package's own __init__ left out."""
    here = Path(__file__).resolve().parent
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != here]
    sys.path.insert(0, str(here.parent))
    package = types.ModuleType("graph")
    package.__path__ = [str(here)]
    sys.modules["graph"] = package


if __name__ == "__main__":
    bare_package()
    from graph.query_worker import main

    sys.exit(main(sys.argv[1:]))
