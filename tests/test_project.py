"""Project-wide rules: import boundaries, package names, settings documented in the README."""

from __future__ import annotations

import ast
import importlib.metadata
from pathlib import Path

import pytest

from web.settings import SETTINGS, resolve

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


def test_every_setting_is_documented_in_the_readme() -> None:
    """The README's settings table lists every setting with its environment variable."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for setting in SETTINGS:
        assert f"`{setting.env}`" in readme, f"{setting.env} missing from README"


def test_settings_resolution_order() -> None:
    """Defaults, then environment, then explicit overrides."""
    assert resolve(env={})["port"] == 5000
    assert resolve(env={"BOKSLUT_PORT": "5050"})["port"] == 5050
    assert resolve({"port": 6000}, env={"BOKSLUT_PORT": "5050"})["port"] == 6000
    assert resolve({"port": None}, env={"BOKSLUT_PORT": "5050"})["port"] == 5050
