"""The editor's bundle is served from the package: no CDN, every bundled package's licence."""

from __future__ import annotations

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = ROOT / "web" / "static" / "editor" / "editor.js"
NOTICES = ROOT / "web" / "static" / "editor" / "LICENSES.txt"
LOCK = ROOT / "web" / "editor-src" / "package-lock.json"


def test_the_bundle_is_committed_and_fetches_nothing() -> None:
    text = BUNDLE.read_text(encoding="utf-8")
    assert "EditorView" in text or "cm-editor" in text
    urls = set(re.findall(r"https?://[\w./-]+", text))
    assert urls <= {"http://www.w3.org/2000/svg"}, urls  # an XML namespace, never fetched
    assert "import(" not in text  # one self-contained file


def test_every_bundled_package_has_its_licence_notice() -> None:
    packages = json.loads(LOCK.read_text(encoding="utf-8"))["packages"]
    notices = NOTICES.read_text(encoding="utf-8")
    bundled = {path.removeprefix("node_modules/"): info for path, info in packages.items()
               if path and "esbuild" not in path}
    assert bundled and all(info.get("license") == "MIT" for info in bundled.values())
    for name, info in bundled.items():
        assert f"{name} {info['version']} (MIT)" in notices, name
    assert notices.count("Permission is hereby granted") >= len(bundled) - 2


def test_the_editor_page_loads_only_local_scripts(client) -> None:
    html = client.get("/sparql", headers={"Accept": "text/html"}).get_data(as_text=True)
    scripts = re.findall(r'<script[^>]*src="([^"]+)"', html)
    assert scripts == ["/static/editor/editor.js"]
    vocabulary = re.search(r'<script type="application/json" id="sparql-vocabulary">(.*?)'
                           r"</script>", html, re.S)
    data = json.loads(vocabulary.group(1))
    assert data["prefixes"]["bk"] == "https://w3id.org/bokslut/def#"
    names = {t["name"]: t for t in data["terms"]}
    assert names["bk:Goal"]["kind"] == "class" and names["bk:Goal"]["label"] == "Mål"
    assert names["skos:prefLabel"]["kind"] == "property"
