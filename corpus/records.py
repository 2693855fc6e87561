"""Plain dataclasses for one report: no RDF, no vectors."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

INSTRUMENTS: dict[str, str] = {
    "CRC": "Barnkonventionen",
    "UDHR": "FN:s allmänna förklaring om de mänskliga rättigheterna",
    "CRPD": "FN:s konvention om rättigheter för personer med funktionsnedsättning",
    "JAM": "Jämställdhetspolitiken",
}


@dataclass(frozen=True)
class TocEntry:
    """One line of the table of contents."""

    kind: str  # "section" | "goal_area" | "goal"
    key: str  # section title, goal-area number or goal letter
    title: str
    page: int


@dataclass(frozen=True)
class Paragraph:
    """A repaired paragraph of narrative text."""

    text: str
    line: int  # 1-based line where it starts in the source
    page: int | None


@dataclass
class Section:
    """A heading and the paragraphs below it, in order."""

    heading: str
    paragraphs: list[Paragraph]
    line: int
    page: int | None

    @property
    def text(self) -> str:
        """The section's paragraphs joined by blank lines."""
        return "\n\n".join(p.text for p in self.paragraphs)


@dataclass(frozen=True)
class RightsEntry:
    """One article (or gender-equality delmål) a målområde states it serves."""

    instrument: str  # notation: CRC, UDHR, CRPD, JAM
    number: int
    label: str  # the report's own wording
    line: int


@dataclass(frozen=True)
class DevelopmentArea:
    """One "Exempel på utvecklingsområden" bullet."""

    text: str
    order: int
    line: int


@dataclass(frozen=True)
class Observation:
    """One number from an indicator table cell."""

    area: str  # "Södertälje", "Länet", "Riket", "Huddinge", "Polisregion Stockholm Syd", …
    value: Decimal
    year: int | None
    sex: str | None = None  # "F" | "M"
    breakdown: str | None = None  # "Åk 7-9", "Flickor", "Riksdag", "Nyanlända", …
    column: str = "Värde"  # the table column the number came from
    raw: str = ""  # the fragment of the cell it was read from


@dataclass
class Indicator:
    """One row of an indicator table."""

    name: str
    unit: str
    value_cell: str
    year_cell: str
    source: str
    comparison_cell: str
    comment: str
    line: int
    goal: str  # letter
    observations: list[Observation] = field(default_factory=list)
    page: int | None = None  # the page the table row is on


@dataclass(frozen=True)
class UnparsedCell:
    """A table cell (or part of one) whose numbers the reader could not place."""

    line: int
    column: str
    text: str
    reason: str


@dataclass(frozen=True)
class Skipped:
    """A part the reader passed over: its text stays searchable, the reason is shown."""

    line: int
    text: str
    expected: str  # what the reader expected there, as a ReportError would say it
    goal_area: int | None = None
    goal: str | None = None
    page: int | None = None


@dataclass(frozen=True)
class Mention:
    """Where a named initiative is mentioned."""

    goal: str | None  # letter, None for a målområde summary or intro section
    goal_area: int | None
    section: str  # heading of the section
    line: int
    surface: str  # the exact text matched


@dataclass
class Initiative:
    """A named programme, method or initiative found in the text."""

    name: str
    aliases: list[str] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)


@dataclass
class Goal:
    """A mål (A–O) with its themed sections and indicator table."""

    letter: str
    title: str
    goal_area: int
    page: int | None
    line: int
    sections: list[Section] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)


@dataclass
class GoalArea:
    """A målområde with its rights, development areas, summary and mål."""

    number: int
    title: str
    page: int | None
    line: int
    rights: list[RightsEntry] = field(default_factory=list)
    development_areas: list[DevelopmentArea] = field(default_factory=list)
    summary: list[Section] = field(default_factory=list)
    goals: list[Goal] = field(default_factory=list)


@dataclass
class Report:
    """One bokslut, read from one text file."""

    path: str
    file_name: str
    title: str
    municipality: str
    year: int
    sha256: str
    toc: list[TocEntry]
    sections: list[Section]  # introductory sections
    goal_areas: list[GoalArea]
    initiatives: list[Initiative] = field(default_factory=list)
    unparsed: list[UnparsedCell] = field(default_factory=list)
    strategy: str = ""  # e.g. "Strategi för social hållbarhet 2025–2030"
    strategy_years: tuple[int, int] | None = None
    skipped: list[Skipped] = field(default_factory=list)
    structured: bool = True  # False: read as plain passages (not in the bokslut format)
    furniture: list[int] = field(default_factory=list)  # page header/footer lines dropped
    pages_exact: bool = False  # True when page numbers come from the PDF itself

    @property
    def goals(self) -> list[Goal]:
        """Every mål, in report order."""
        return [g for area in self.goal_areas for g in area.goals]

    @property
    def indicators(self) -> list[Indicator]:
        """Every indicator row, in report order."""
        return [i for g in self.goals for i in g.indicators]
