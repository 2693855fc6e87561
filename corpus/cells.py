"""Read the figures out of one indicator-table cell (Värde or Jämförelse)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

NUM = r"\d+(?:[.,]\d+)?"
NUMBER = re.compile(NUM)
VALUE = re.compile(rf"\s*(?P<num>{NUM})(?:\s*(?P<unit>%|procentenheter))?")
SEX_PART = re.compile(rf"\s*\(\s*K\s*(?P<f>{NUM})\s*%?\s*,\s*M\s*(?P<m>{NUM})\s*%?\s*\)")
YEAR_PART = re.compile(r"\s*\((?P<year>(?:19|20)\d{2})\)")
AREA_VALUE = re.compile(rf"\s*(?P<area>[A-ZÅÄÖ][\wåäö-]*(?: [A-ZÅÄÖ][\wåäö-]*)*)\s+(?P<num>{NUM})"
                        r"(?:\s*(?P<unit>%|procentenheter))?")
LABEL = re.compile(r"\s*(?P<label>[^:\d\s][^:]*?)\s*:")
PROSE_COUNT = re.compile(rf"^\s*(?P<total>{NUM})\s+varav\s+(?P<rest>.+)$")
PROSE_PART = re.compile(rf"(?P<num>{NUM})\s+(?P<group>[a-zåäö]+)")
AREA_PREFIXES = ("Länet", "Län", "Riket", "Stadsövergripande")
SEX_OF_GROUP = {"flickor": "F", "kvinnor": "F", "pojkar": "M", "män": "M"}


@dataclass(frozen=True)
class Figure:
    """One number read from a cell, before it becomes an Observation."""

    value: Decimal
    area: str | None = None
    breakdown: str | None = None
    sex: str | None = None
    year: int | None = None
    raw: str = ""


class CellError(ValueError):
    """The cell has text the reader cannot turn into figures."""

    def __init__(self, rest: str, reason: str) -> None:
        super().__init__(reason)
        self.rest = rest
        self.reason = reason


def to_decimal(text: str) -> Decimal:
    """'9,1' or '285.7' -> Decimal."""
    return Decimal(text.replace(",", "."))


def normalise_area(label: str) -> str:
    """'Län' and 'Länet' are the same comparison area."""
    return "Länet" if label == "Län" else label


def group_sex(label: str | None) -> str | None:
    """Flickor/kvinnor -> F, pojkar/män -> M."""
    return SEX_OF_GROUP.get((label or "").lower())


def read_value(cell: str, pos: int) -> tuple[list[Figure], int] | None:
    """A number with optional unit, '(K x, M y)' split and '(year)' at pos."""
    m = VALUE.match(cell, pos)
    if not m:
        return None
    figures = [Figure(to_decimal(m["num"]), raw=m.group(0).strip())]
    end = m.end()
    if sex := SEX_PART.match(cell, end):
        figures.append(Figure(to_decimal(sex["f"]), sex="F", raw=sex.group(0).strip()))
        figures.append(Figure(to_decimal(sex["m"]), sex="M", raw=sex.group(0).strip()))
        end = sex.end()
    return with_year(figures, cell, end)


def read_area_values(cell: str, pos: int) -> tuple[list[Figure], int] | None:
    """'Län 79 %, Riket 80 % (2022)': areas with values, then an optional year."""
    figures: list[Figure] = []
    end = pos
    while m := AREA_VALUE.match(cell, end):
        area = normalise_area(m["area"])
        figures.append(Figure(to_decimal(m["num"]), area=area, raw=m.group(0).strip()))
        end = m.end()
        comma = re.match(r"\s*,", cell[end:])
        if not comma:
            break
        end += comma.end()
    return with_year(figures, cell, end) if figures else None


def with_year(figures: list[Figure], cell: str, end: int) -> tuple[list[Figure], int]:
    """Attach a following '(2022)' to every figure."""
    if year := YEAR_PART.match(cell, end):
        value = int(year["year"])
        figures = [Figure(f.value, f.area, f.breakdown, f.sex, value, f.raw) for f in figures]
        end = year.end()
    return figures, end


def read_prose_count(cell: str) -> list[Figure] | None:
    """'199 varav 104 pojkar och 95 flickor'."""
    m = PROSE_COUNT.match(cell)
    if not m:
        return None
    parts = PROSE_PART.findall(m["rest"])
    leftover = PROSE_PART.sub("", m["rest"]).replace("och", "").replace(",", "").strip()
    if not parts or leftover:
        return None
    figures = [Figure(to_decimal(m["total"]), raw=m["total"])]
    for num, group in parts:
        label = group.capitalize()
        figures.append(Figure(to_decimal(num), breakdown=label, sex=group_sex(label),
                              raw=f"{num} {group}"))
    return figures


def split_area_prefix(text: str) -> tuple[str | None, str]:
    """'Stadsövergripande Flickor: 46 …' -> ('Stadsövergripande', 'Flickor: 46 …')."""
    first = LABEL.match(text)
    if first:
        for prefix in AREA_PREFIXES:
            if first["label"].startswith(prefix + " "):
                return normalise_area(prefix), text[len(prefix):].lstrip()
    return None, text


def place(figure: Figure, label: str, prefix: str | None, comparison: bool) -> Figure:
    """Decide whether a label names an area or a breakdown for one figure."""
    sex = figure.sex or group_sex(label)
    if figure.area is not None:
        return Figure(figure.value, figure.area, label, sex, figure.year, figure.raw)
    if comparison and prefix is None:
        return Figure(figure.value, normalise_area(label), None, figure.sex, figure.year,
                      figure.raw)
    return Figure(figure.value, prefix, label, sex, figure.year, figure.raw)


def parse_labelled(text: str, comparison: bool) -> list[Figure]:
    """A sequence of 'label: value' items, optionally after an area prefix."""
    prefix, text = split_area_prefix(text) if comparison else (None, text)
    figures: list[Figure] = []
    pos = 0
    while text[pos:].strip():
        m = LABEL.match(text, pos)
        if not m:
            raise CellError(text[pos:].strip(), "expected 'label: value'")
        got = read_area_values(text, m.end()) if comparison and prefix is None else None
        got = got or read_value(text, m.end())
        if got is None:
            raise CellError(text[m.start():].strip(), f"expected a number after {m['label']!r}")
        figures.extend(place(f, m["label"], prefix, comparison) for f in got[0])
        pos = got[1]
    return figures


def parse_cell(cell: str, comparison: bool) -> list[Figure]:
    """Every figure in a Värde (comparison=False) or Jämförelse (True) cell."""
    text = cell.strip()
    if not text:
        return []
    if prose := read_prose_count(text):
        return prose
    if ":" in text:
        return parse_labelled(text, comparison)
    got = read_value(text, 0)
    if got is None or text[got[1]:].strip():
        rest = text[got[1]:].strip() if got else text
        raise CellError(rest, "expected a number with an optional unit, '(K x, M y)' or '(year)'")
    return got[0]


def numbers_in(text: str) -> list[Decimal]:
    """Every number written in a piece of text."""
    return [to_decimal(n) for n in NUMBER.findall(text)]


def unit_of(name: str, value_cell: str) -> str:
    """The unit of an indicator, from its value cell first and its name second."""
    lowered = name.lower()
    rules = (
        ("procentenheter" in value_cell, "procentenheter"),
        ("%" in value_cell, "%"),
        (bool(re.search(r"/\s*1000 inv", lowered)), "antal/1000 inv"),
        (bool(re.search(r"/\s*100 000 inv", lowered)), "antal/100 000 inv"),
        ("index" in lowered, "index"),
        (bool(re.search(r"\(\d+ = ", name)), "kod"),
        ("dagar" in lowered, "dagar"),
        ("antal" in lowered, "antal"),
    )
    return next((unit for matched, unit in rules if matched), "antal")
