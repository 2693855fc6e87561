"""A JSON file saved beside the index with a format line: written atomically, read only when
its format is the one asked for (rights.json, initiative_names.json)."""

from __future__ import annotations

import json
from pathlib import Path

from search.file_swap import write_text_swapped


def write_format_json(path: Path, form: str, data: dict) -> None:
    """Write {"format": form, **data} to path (a temporary file renamed)."""
    write_text_swapped(Path(path), json.dumps({"format": form, **data}, ensure_ascii=False))


def read_format_json(path: Path, form: str) -> dict | None:
    """The file's data (with its "format" key), or None when absent or of another format."""
    path = Path(path)
    if not path.is_file():
        return None
    data = json.loads(path.read_text("utf-8"))
    return data if data.get("format") == form else None
