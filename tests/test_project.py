"""Project-wide rules: import boundaries, package names, settings, what `make` installs."""

from __future__ import annotations

import ast
import importlib.metadata
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from web.settings import resolve

ROOT = Path(__file__).resolve().parent.parent
OUR_PACKAGES = ("corpus", "graph", "search", "web", "ontology")
ALLOWED = {
    "corpus": {"corpus"},
    "graph": {"corpus", "graph"},
    "search": {"corpus", "search"},
    "web": {"corpus", "graph", "search", "web"},
}


def imported_top_levels(path: Path) -> set[str]:
    """Top-level names a module imports (absolute imports only)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_import_boundaries(package: str) -> None:
    """graph/ and search/ never import each other; corpus/ imports none of ours."""
    for path in (ROOT / package).rglob("*.py"):
        ours = imported_top_levels(path) & set(OUR_PACKAGES)
        assert ours <= ALLOWED[package], f"{path.relative_to(ROOT)} imports {ours}"


ENGINES = {"pyoxigraph", "oxrdflib"}
SURFACES = {"graph"}  # packages whose submodules web/ may not import (only the package itself)


def imported_modules(path: Path) -> set[str]:
    """Full dotted names a module imports (absolute imports only, also inside functions)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def outside_graph() -> list[Path]:
    """The project's Python files outside graph/ (tests may open a store directly)."""
    skip = {"graph", "tests", "node_modules", "data"}
    tops = [d for d in ROOT.iterdir()
            if d.is_dir() and d.name not in skip and not d.name.startswith(".")]
    return [*ROOT.glob("*.py"), *(p for d in tops for p in d.rglob("*.py"))]


def test_web_imports_only_the_graph_surface() -> None:
    """web/ uses graph's public surface (graph/__init__.py), never a module behind it."""
    for path in (ROOT / "web").rglob("*.py"):
        behind = {m for m in imported_modules(path)
                  if m.split(".")[0] in SURFACES and "." in m}
        assert not behind, f"{path.relative_to(ROOT)} imports {sorted(behind)} (use the package)"


def test_no_engine_names_outside_graph() -> None:
    """pyoxigraph and oxrdflib are graph/'s business: no other code names them."""
    for path in outside_graph():
        text = path.read_text(encoding="utf-8")
        found = [name for name in ENGINES if name in text]
        assert not found, f"{path.relative_to(ROOT)} names {found}"


def test_no_other_distribution_provides_our_top_level_names() -> None:
    """Generic names (graph, search, web …) must not be shadowed by an installed package."""
    providers = importlib.metadata.packages_distributions()
    for name in OUR_PACKAGES:
        others = [d for d in providers.get(name, []) if d.lower() != "bokslutsgrafen"]
        assert not others, f"top-level package {name!r} is also provided by {others}"


def test_our_packages_import_from_this_checkout() -> None:
    """The names resolve to this project's folders, not to something installed elsewhere."""
    import corpus
    import graph
    import search
    import web

    for module in (corpus, graph, search, web):
        assert Path(module.__file__).resolve().parent.parent == ROOT


def test_settings_resolution_order() -> None:
    """Defaults, then environment, then explicit overrides."""
    assert resolve(env={})["port"] == 5000
    assert resolve(env={"BOKSLUT_PORT": "5050"})["port"] == 5050
    assert resolve({"port": 6000}, env={"BOKSLUT_PORT": "5050"})["port"] == 6000
    assert resolve({"port": None}, env={"BOKSLUT_PORT": "5050"})["port"] == 5050


def make_dry_run(target: str) -> str:
    """The commands `make TARGET` would run on a fresh machine (-B: nothing is up to date)."""
    assert shutil.which("make"), "make saknas"
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS")}
    done = subprocess.run(["make", "-n", "-B", "--no-print-directory", target], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=60, check=True)
    return done.stdout


def test_make_run_installs_only_what_serving_needs() -> None:
    """No apt-get, no npm, no dev extras behind `make run`; it ends by serving."""
    commands = make_dry_run("run")
    for needless in ("apt-get", "npm", "[dev]", "playwright", "chromium"):
        assert needless not in commands, f"make run would run {needless}:\n{commands}"
    assert commands.strip().splitlines()[-1].endswith("bokslut serve")


def test_make_test_sets_up_the_browser_tier_and_runs_everything() -> None:
    """`make test` alone installs Chromium (apt-get, as root) and axe-core, then ruff + pytest."""
    commands = make_dry_run("test")
    assert "apt-get install -y chromium" in commands and "npm ci" in commands
    assert "ruff check" in commands
    assert commands.strip().splitlines()[-1].endswith("pytest -q")  # no marker: every tier


def test_make_test_fast_leaves_the_slow_tier_out() -> None:
    """The fast tier is pytest without the slow marker and sets up no browser."""
    commands = make_dry_run("test-fast")
    last = commands.strip().splitlines()[-1]
    assert 'pytest -q -m "not slow" -n auto --maxprocesses=2' in last  # both cores, no more
    assert "apt-get" not in commands and "npm" not in commands


def test_license_is_the_one_pyproject_names() -> None:
    """pyproject says MIT; the LICENSE file is the MIT text."""
    license_text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'license = { text = "MIT" }' in pyproject
    assert license_text.startswith("MIT License") and "Bokslutsgrafen contributors" in license_text


def test_every_data_file_a_package_reads_beside_it_ships_with_it() -> None:
    # a wheel holds only the package data pyproject names: a file read by
    # Path(__file__).with_name(...) but not named there is missing once installed (round 30:
    # the known off-topic strings were read so since round 25 and never named)
    import re
    import tomllib

    shipped = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"][
        "package-data"]
    for package in OUR_PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            for name in re.findall(r'with_name\("([^"]+)"\)', path.read_text("utf-8")):
                if (path.parent / name).is_file() and not name.endswith(".py"):  # modules ship
                    assert name in shipped.get(package, []), f"{path.relative_to(ROOT)}: {name}"
