"""The README's settings table says what web/settings.py says: names, variables, defaults, help.

Generic on purpose: a new setting in web/settings.py only needs its README row, written as
`| name | `BOKSLUT_NAME` | `default` | help text |` (an empty default is an empty cell).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from web.settings import SETTINGS, Setting

README = Path(__file__).resolve().parents[1] / "README.md"
HEADER = ("setting", "environment", "default", "meaning")


def settings_rows(markdown: str) -> list[list[str]]:
    """The cells of every row of the table under the `## Settings` heading."""
    section = markdown.split("\n## Settings\n", 1)
    assert len(section) == 2, "README has no '## Settings' section"
    body = section[1].split("\n## ", 1)[0]
    lines = [line.strip() for line in body.splitlines() if line.strip().startswith("|")]
    rows = [[cell.strip() for cell in line.strip("|").split("|")] for line in lines]
    assert rows and tuple(rows[0]) == HEADER, f"settings table header is not {HEADER}"
    return rows[2:]  # after the header and the |---| line


def plain(cell: str) -> str:
    """A cell without Markdown code marks, whitespace collapsed."""
    return " ".join(cell.replace("`", "").split())


def shown(default: object) -> str:
    """How a default is written in the table: on/off, whole floats without '.0'."""
    if isinstance(default, bool):
        return "on" if default else "off"
    if isinstance(default, float) and default.is_integer():
        return str(int(default))
    return str(default)


@pytest.fixture(scope="module")
def table() -> dict[str, list[str]]:
    """README settings rows by setting name; a name listed twice fails here."""
    rows = settings_rows(README.read_text(encoding="utf-8"))
    names = [plain(row[0]) for row in rows]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    assert not duplicates, f"README lists these settings twice: {duplicates}"
    return dict(zip(names, rows, strict=True))


def test_every_row_has_four_cells(table: dict[str, list[str]]) -> None:
    """A pipe inside a help text would split a row: every row has exactly four cells."""
    wrong = {name: row for name, row in table.items() if len(row) != len(HEADER)}
    assert not wrong, f"rows without {len(HEADER)} cells: {wrong}"


def test_the_table_lists_exactly_the_settings_in_the_code(table: dict[str, list[str]]) -> None:
    """No setting missing from the README, none in the README that the code lacks."""
    in_code = [s.name for s in SETTINGS]
    assert sorted(set(in_code) - set(table)) == [], "settings missing from the README table"
    assert sorted(set(table) - set(in_code)) == [], "README rows for settings that do not exist"
    assert list(table) == in_code, "README rows are not in web/settings.py's order"


@pytest.mark.parametrize("setting", SETTINGS, ids=[s.name for s in SETTINGS])
def test_row_matches_the_setting(table: dict[str, list[str]], setting: Setting) -> None:
    """Environment variable, default and help text as the code has them."""
    row = table.get(setting.name)
    assert row is not None, f"README has no row for {setting.name}"
    _, env, default, meaning = row
    assert env == f"`{setting.env}`"
    assert plain(default) == shown(setting.default), f"default of {setting.name}"
    assert plain(meaning) == plain(setting.help), f"help of {setting.name}"


def test_defaults_read_back_as_the_code_reads_them() -> None:
    """Each written default, parsed by the setting's own type, is the default (no lossy text)."""
    for setting in SETTINGS:
        text = shown(setting.default)
        if isinstance(setting.default, bool):
            continue  # on/off: the flag parser's words, checked by shown() above
        assert setting.type(text) == setting.type(setting.default), setting.name


def test_the_parser_sees_a_broken_table() -> None:
    """The checks above have teeth: a row with a wrong default or a missing section is seen."""
    fake = ("# X\n\n## Settings\n\n| setting | environment | default | meaning |\n"
            "|---|---|---|---|\n| port | `BOKSLUT_PORT` | `5001` | Port. |\n\n## Next\n")
    rows = settings_rows(fake)
    assert rows == [["port", "`BOKSLUT_PORT`", "`5001`", "Port."]]
    assert plain(rows[0][2]) != shown(next(s for s in SETTINGS if s.name == "port").default)
    with pytest.raises(AssertionError, match="no '## Settings'"):
        settings_rows("# X\n")
    assert (shown(False), shown(True), shown(10.0), shown(0.5)) == ("off", "on", "10", "0.5")
