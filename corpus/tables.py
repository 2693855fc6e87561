"""Indicator tables: one row per indicator, every number placed or reported."""

from __future__ import annotations

import re

from corpus.blocks import Block
from corpus.cells import CellError, Figure, numbers_in, parse_cell, unit_of
from corpus.errors import ReportError
from corpus.records import Indicator, Observation, UnparsedCell
from corpus.skips import Skips

HEADER = re.compile(r"^Indikator\tVärde\tÅr\tKälla\tJämförelse[^\t]*\tKommentar\s*$")
COLUMNS = ("Indikator", "Värde", "År", "Källa", "Jämförelse", "Kommentar")
BROKEN_WORD = re.compile(r"(\w)- (?!(?:och|eller|samt|respektive|till)\b)(\w)")


def is_indicator_table(block: Block) -> bool:
    """True when the block starts with the indicator table header."""
    return block.lines[0].startswith("Indikator\t")


def clean_name(name: str) -> str:
    """Repair a word the conversion broke with a hyphen ('upp- lever' -> 'upplever')."""
    return BROKEN_WORD.sub(r"\1\2", " ".join(name.split()))


def parse_year(cell: str, line: int, path: str) -> int | None:
    """The År cell: a year, or '-' when every value carries its own year."""
    cell = cell.strip()
    if cell in {"-", "–", ""}:
        return None
    if re.fullmatch(r"(19|20)\d{2}", cell):
        return int(cell)
    raise ReportError(path, f"År cell {cell!r}: expected a year such as 2024 or '-'", line)


def observations(figures: list[Figure], column: str, area: str, year: int | None,
                 line: int) -> tuple[list[Observation], list[UnparsedCell]]:
    """Turn figures into observations; a figure without any year is reported, not guessed."""
    found, unplaced = [], []
    for f in figures:
        obs_year = f.year or year
        if obs_year is None:
            unplaced.append(UnparsedCell(line, column, f.raw, "no year in the cell or År column"))
            continue
        found.append(Observation(f.area or area, f.value, obs_year, f.sex, f.breakdown,
                                 column, f.raw))
    return found, unplaced


def parse_row(line_text: str, line: int, goal: str, municipality: str,
              path: str) -> tuple[Indicator, list[UnparsedCell]]:
    """One table row -> an Indicator with observations, plus any unparsed parts."""
    cells = line_text.split("\t")
    if len(cells) != len(COLUMNS):
        raise ReportError(path, f"indicator table row has {len(cells)} cells; expected "
                          f"{len(COLUMNS)} tab-separated cells ({', '.join(COLUMNS)})", line)
    name, value, year_cell, source, comparison, comment = (c.strip() for c in cells)
    if not name:
        raise ReportError(path, "indicator table row has an empty Indikator cell", line)
    year = parse_year(year_cell, line, path)
    indicator = Indicator(clean_name(name), unit_of(name, value), value, year_cell, source,
                          comparison, comment, line, goal)
    unparsed: list[UnparsedCell] = []
    for column, text, is_comparison in (("Värde", value, False), ("Jämförelse", comparison, True)):
        try:
            figures = parse_cell(text, is_comparison)
        except CellError as exc:
            unparsed.append(UnparsedCell(line, column, text, f"{exc.reason} at {exc.rest!r}"))
            continue
        found, unplaced = observations(figures, column, municipality, year, line)
        indicator.observations.extend(found)
        unparsed.extend(unplaced)
    return indicator, unparsed


def parse_table(block: Block, goal: str, municipality: str, skips: Skips,
                area: int | None = None) -> tuple[list[Indicator], list[UnparsedCell]]:
    """Every row of an indicator table block; a row that cannot be read is skipped alone."""
    if not HEADER.match(block.lines[0]):
        skips.skip(block.line, block.lines[0], f"indicator table header {block.lines[0]!r}: "
                   "expected 'Indikator<TAB>Värde<TAB>År<TAB>Källa<TAB>Jämförelse…<TAB>"
                   "Kommentar'", area, goal)
    indicators, unparsed = [], []
    for offset, text in enumerate(block.lines[1:], start=1):
        line = block.line_at(offset)
        try:
            indicator, problems = parse_row(text, line, goal, municipality, skips.path)
        except ReportError as exc:
            skips.skip(line, text.replace("\t", " | "), exc.message, area, goal)
            continue
        indicators.append(indicator)
        unparsed.extend(problems)
    return indicators, unparsed


__all__ = ["is_indicator_table", "numbers_in", "parse_table"]
