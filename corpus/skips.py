"""What the reader could not read: raised at once when strict, recorded and kept otherwise."""

from __future__ import annotations

from dataclasses import dataclass, field

from corpus.errors import ReportError
from corpus.records import Skipped


@dataclass
class Skips:
    """Collects the parts of a report the reader passed over, with what it expected there."""

    path: str
    strict: bool = False
    items: list[Skipped] = field(default_factory=list)

    def skip(self, line: int | None, text: str, expected: str, goal_area: int | None = None,
             goal: str | None = None, page: int | None = None) -> None:
        """Record one unreadable part (or raise ReportError in strict mode)."""
        if self.strict:
            raise ReportError(self.path, expected, line)
        self.items.append(Skipped(line or 0, text.strip(), expected, goal_area, goal, page))
