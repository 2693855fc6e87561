"""Which precision a data directory's encoder runs at: fp32, or one int8 recipe for both sides.

The choice belongs to the data directory, not to the process: its index was embedded with one
encoder, so serving, search, evaluation and the rights ranking must all embed with that same
one. `bokslut ingest` reads the setting (BOKSLUT_ENCODER_PRECISION) once at its start,
embeds with it, and records it in `<data>/models/encoder.json` only when its index is
published (under the store's writer lock; nothing on any failure); everything else reads it
from there. A directory without the
file runs the project default (search/onnx_quantize.py CHOSEN, fp32 when None). The recipe is
also part of the encoder's fingerprint, which the index records: an index embedded at one
precision is refused by an encoder at another, and the next ingest rebuilds it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from search.file_swap import write_text_swapped
from search.model_store import ModelSettingError
from search.onnx_quantize import CHOSEN, RECIPES

FP32 = "fp32"
CONFIG = "encoder.json"


def config_path(data_dir: Path) -> Path:
    """Where a data directory records its encoder precision."""
    return Path(data_dir) / "models" / CONFIG


def check_precision(value: str) -> str:
    """The setting's value as a precision name (empty: none given), or a clear error."""
    value = value.strip()
    if value and value != FP32 and value not in RECIPES:
        names = ", ".join([FP32, *sorted(RECIPES)])
        raise ModelSettingError(f"BOKSLUT_ENCODER_PRECISION={value!r} finns inte; välj {names}")
    return value


def default_precision() -> str:
    """The project default for a data directory that has recorded none."""
    return CHOSEN or FP32


def recorded_precision(data_dir: Path) -> str:
    """The precision the data directory's index is embedded at (the default when unrecorded
    or unreadable; an unknown name also falls back, and the fingerprint check then decides)."""
    try:
        value = json.loads(config_path(data_dir).read_text("utf-8")).get("precision", "")
        return check_precision(str(value)) or default_precision()
    except (OSError, ValueError, AttributeError):
        return default_precision()


def recipe_for(data_dir: Path) -> str | None:
    """The int8 recipe the data directory's encoder uses, or None for fp32."""
    return recipe_of(recorded_precision(data_dir))


def chosen_precision(data_dir: Path, setting: str) -> str:
    """The precision an ingest embeds at: the setting, or what the directory records."""
    return check_precision(setting) or recorded_precision(data_dir)


def recipe_of(precision: str) -> str | None:
    """The int8 recipe a precision name means, or None for fp32."""
    return None if precision == FP32 else precision


def change_note(data_dir: Path, precision: str) -> str | None:
    """What an ingest at `precision` changes about the directory's encoder (None: nothing)."""
    before = recorded_precision(data_dir)
    if precision == before:
        return None
    return (f"kodarens precision byts från {before} till {precision}: sökindexet och "
            "textvektorerna byggs om med den nya kodaren")


@contextmanager
def recording(data_dir: Path, precision: str | None) -> Iterator[Callable[[], None]]:
    """A `record()` for the moment the index is saved into the generation about to be
    published; if the block then fails (the publish itself, Ctrl-C), the old record returns."""
    path, old = config_path(data_dir), None
    wrote = False

    def record() -> None:
        nonlocal old, wrote
        if precision is None:
            return
        old = path.read_text("utf-8") if path.is_file() else None
        record_precision(data_dir, precision)
        wrote = True

    try:
        yield record
    except BaseException:
        if wrote:
            if old is None:
                path.unlink(missing_ok=True)
            else:
                write_text_swapped(path, old)
        raise


def record_precision(data_dir: Path, setting: str) -> str | None:
    """Record the setting for this data directory (an empty setting keeps what it has);
    returns a note when the precision changes, so the rebuild that follows is explained."""
    wanted = check_precision(setting)
    if not wanted:
        return None
    note = change_note(data_dir, wanted)
    if note or not config_path(data_dir).is_file():
        config_path(data_dir).parent.mkdir(parents=True, exist_ok=True)
        write_text_swapped(config_path(data_dir), json.dumps({"precision": wanted}) + "\n")
    return note
