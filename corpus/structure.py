"""Walk the repaired blocks and build intro sections, målområden, mål and their contents."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from corpus.blocks import HEADING_MAX, TERMINAL, Block, is_prose
from corpus.records import (
    Goal,
    GoalArea,
    Paragraph,
    Section,
    TocEntry,
    UnparsedCell,
)
from corpus.skips import Skips

SDG_LINE = re.compile(r"^Arbete med målområdet bidrar till uppfyllande av globala mål")
SUMMARY_LINE = re.compile(r"^Sammanfattning för målområdet")
ONGOING = "Pågående arbete"
DEVELOPMENT = "Exempel på utvecklingsområden"


def is_heading(block: Block, following: Block | None) -> bool:
    """A short one-line block, capitalised, unpunctuated, followed by running text."""
    if not is_prose(block) or following is None or not is_prose(following):
        return False
    text = block.lines[0].strip()
    return len(text) <= HEADING_MAX and not text.endswith(TERMINAL) and text[:1].isupper()


@dataclass
class Walker:
    """State while reading the body of a report, block by block."""

    skips: Skips
    toc: list[TocEntry]
    municipality: str
    line_pages: dict[int, int] | None = None  # exact page of each source line (from a PDF)
    sections: list[Section] = field(default_factory=list)
    goal_areas: list[GoalArea] = field(default_factory=list)
    unparsed: list[UnparsedCell] = field(default_factory=list)
    area: GoalArea | None = None
    goal: Goal | None = None
    section: Section | None = None
    page: int | None = None
    next_page: int | None = None
    expect_development: bool = False
    done: bool = False

    def toc_entry(self, kind: str, key: str) -> TocEntry | None:
        """The table-of-contents entry for a heading, if listed."""
        return next((e for e in self.toc if e.kind == kind and e.key == key), None)

    def set_page(self, entry: TocEntry | None) -> None:
        """Take the page from the table of contents and remember where the next one starts."""
        if entry is None:
            return
        self.page = entry.page
        later = [e.page for e in self.toc if e.page > entry.page]
        self.next_page = min(later) if later else None

    @property
    def path(self) -> str:
        """The report's file name, for messages."""
        return self.skips.path

    def page_of(self, line: int) -> int | None:
        """The page a source line is on: exact from a PDF, else inferred."""
        if self.line_pages is not None and line in self.line_pages:
            return self.line_pages[line]
        return self.page

    def skip(self, block: Block, expected: str) -> None:
        """Pass over a block the format does not allow here, keeping its text."""
        area = self.area.number if self.area else None
        goal = self.goal.letter if self.goal else None
        self.skips.skip(block.line, "\n".join(block.lines), expected, area, goal,
                        self.page_of(block.line))

    def paragraph(self, block: Block) -> Paragraph:
        """A paragraph at the current page; repaired page breaks move the page on."""
        para = Paragraph(block.lines[0].replace("**", "").strip(), block.line,
                         self.page_of(block.line))
        for _ in block.breaks:
            if self.page is not None and (self.next_page is None or self.page < self.next_page):
                self.page += 1
        return para

    def open_section(self, heading: str, line: int) -> Section:
        """Start a new section under whatever is current."""
        self.section = Section(heading, [], line, self.page_of(line))
        if self.goal is not None:
            self.goal.sections.append(self.section)
        elif self.area is not None:
            self.area.summary.append(self.section)
        else:
            self.sections.append(self.section)
        return self.section

    def add_text(self, block: Block, default_heading: str) -> None:
        """Append running text to the current section (opening one if needed)."""
        if self.section is None:
            self.open_section(default_heading, block.line)
        assert self.section is not None
        self.section.paragraphs.append(self.paragraph(block))
