"""Snippets with the matched words marked: the text is HTML-escaped first, then <mark> added."""

from __future__ import annotations

import html
import re
import threading
from collections.abc import Callable, Collection, Iterable

WORD = re.compile(r"[\wåäöÅÄÖéü-]+")
Spans = dict[str, tuple[tuple[int, int], ...]]


def marked_spans(text: str, query_terms: set[str],
                 spans_of: Callable[[str], Spans]) -> list[tuple[int, int]]:
    """Character spans of words whose analysed terms meet the query's terms."""
    if not query_terms:
        return []
    where = spans_of(text)
    return sorted({span for term in query_terms for span in where.get(term, ())})


def term_spans(text: str, analyze: Callable[[str], Collection[str]]) -> Spans:
    """Each term of a passage -> the spans of the words that yield it."""
    found: dict[str, list[tuple[int, int]]] = {}
    for m in WORD.finditer(text):
        for term in analyze(m.group(0)):
            found.setdefault(term, []).append(m.span())
    return {term: tuple(spans) for term, spans in found.items()}


SPANS_PER_SEARCHER = 4096  # passages remembered (the report has fewer)


class SpanCache:
    """Every passage's term spans under one word analyser, worked out once.

    A searcher owns one beside its analyser, so an index reload drops the old spans with the
    old searcher. Warming it at load (about 0.14 ms a new word, 2.5 ms of a cold query's ten
    snippets) leaves no query's snippets analysing a passage first; the spans are a function
    of the text alone, so the snippets stay the same.
    """

    def __init__(self, analyze: Callable[[str], Collection[str]],
                 limit: int = SPANS_PER_SEARCHER) -> None:
        self.analyze, self.limit = analyze, limit
        self._spans: dict[str, Spans] = {}
        self._lock = threading.Lock()  # the web's worker threads share one searcher

    def __len__(self) -> int:
        """How many passages' spans are remembered."""
        with self._lock:
            return len(self._spans)

    def of(self, text: str) -> Spans:
        """The text's term spans, worked out on first use and remembered."""
        with self._lock:
            found = self._spans.get(text)
        if found is None:
            found = term_spans(text, self.analyze)
            with self._lock:
                if len(self._spans) >= self.limit:
                    self._spans.pop(next(iter(self._spans)))  # the oldest entry
                self._spans[text] = found
        return found

    def warm(self, texts: Iterable[str]) -> None:
        """Work out every text's term spans now."""
        for text in texts:
            self.of(text)


def window(text: str, spans: list[tuple[int, int]], width: int) -> tuple[int, int]:
    """The stretch of about `width` characters holding the most marked words."""
    if len(text) <= width or not spans:
        return 0, min(len(text), width)
    best, best_count = 0, -1
    for start, _ in spans:
        begin = max(0, start - width // 4)
        count = sum(1 for s, e in spans if begin <= s and e <= begin + width)
        if count > best_count:
            best, best_count = begin, count
    begin = text.rfind(" ", 0, best) + 1 if best else 0
    end = min(len(text), begin + width)
    if end < len(text):
        end = text.rfind(" ", begin, end) if text.rfind(" ", begin, end) > begin else end
    return begin, end


def snippet(text: str, query_terms: set[str], spans_of: Callable[[str], Spans],
            width: int = 280) -> str:
    """An HTML-safe excerpt with <mark> around words that match the query (`spans_of`: a
    text's term spans, e.g. a SpanCache's `of`)."""
    spans = marked_spans(text, query_terms, spans_of)
    begin, end = window(text, spans, width)
    out, pos = [], begin
    for s, e in spans:
        if s < begin or e > end:
            continue
        out.append(html.escape(text[pos:s]))
        out.append(f"<mark>{html.escape(text[s:e])}</mark>")
        pos = e
    out.append(html.escape(text[pos:end]))
    prefix = "… " if begin > 0 else ""
    suffix = " …" if end < len(text) else ""
    return prefix + "".join(out).strip() + suffix
