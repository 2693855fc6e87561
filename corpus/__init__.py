"""The source reports and the reader that turns one report into typed records."""

from corpus.errors import ReportError
from corpus.reader import read_report

__all__ = ["ReportError", "read_report"]
