"""The one error type the reader raises for bad input."""

from __future__ import annotations


class ReportError(ValueError):
    """A report could not be read: says which file, which line and what was expected."""

    def __init__(self, path: str, message: str, line: int | None = None) -> None:
        self.path = path
        self.line = line
        self.message = message
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {message}")


class NotABokslut(ReportError):
    """The file is readable text but not in the bokslut format (no contents, title or areas)."""
