"""Snippets with the matched words marked: the text is HTML-escaped first, then <mark> added."""

from __future__ import annotations

import html
import re
import threading
import weakref
from collections.abc import Callable, Collection, Iterable

WORD = re.compile(r"[\wåäöÅÄÖéü-]+")
Spans = dict[str, tuple[tuple[int, int], ...]]


def marked_spans(text: str, query_terms: set[str],
                 analyze: Callable[[str], Collection[str]]) -> list[tuple[int, int]]:
    """Character spans of words whose analysed terms meet the query's terms."""
    if not query_terms:
        return []
    where = term_spans(text, analyze)
    return sorted({span for term in query_terms for span in where.get(term, ())})


SPANS_PER_ANALYZER = 4096  # passages remembered per analyser (the report has fewer)

# The cache hangs off the analyser weakly (a bound method's object, else the function), so an
# index reload frees the old analyser, its tables and its spans; the values hold no reference
# back to it. Keys are (function, text): two methods of one analyser keep apart.
_spans: weakref.WeakKeyDictionary[object, dict[tuple[object, str], Spans]] = (
    weakref.WeakKeyDictionary())
_spans_lock = threading.Lock()


def _owner(analyze: Callable[[str], Collection[str]]) -> tuple[object, object]:
    """The object the cache hangs off (a bound method is made anew at every attribute read)
    and the function part of the key."""
    owner = getattr(analyze, "__self__", None)
    return (analyze, None) if owner is None else (owner, getattr(analyze, "__func__", analyze))


def term_spans(text: str, analyze: Callable[[str], Collection[str]]) -> Spans:
    """Each term of a passage -> the spans of the words that yield it (once per passage)."""
    owner, func = _owner(analyze)
    try:
        with _spans_lock:
            cache = _spans.setdefault(owner, {})
            found = cache.get((func, text))
    except TypeError:  # an owner without weak references ("abc".split): not remembered
        return _term_spans(text, analyze)
    if found is None:
        found = _term_spans(text, analyze)
        with _spans_lock:
            if len(cache) >= SPANS_PER_ANALYZER:
                cache.pop(next(iter(cache)))  # the oldest entry
            cache[(func, text)] = found
    return found


def _term_spans(text: str, analyze: Callable[[str], Collection[str]]) -> Spans:
    """term_spans() worked out."""
    found: dict[str, list[tuple[int, int]]] = {}
    for m in WORD.finditer(text):
        for term in analyze(m.group(0)):
            found.setdefault(term, []).append(m.span())
    return {term: tuple(spans) for term, spans in found.items()}


def cached_spans(analyze: Callable[[str], Collection[str]]) -> int:
    """How many passages' spans are remembered for this analyser."""
    owner, _ = _owner(analyze)
    with _spans_lock:
        return len(_spans.get(owner, {}))


def forget_spans() -> None:
    """Drop every remembered span (tests and benchmarks start cold)."""
    with _spans_lock:
        _spans.clear()


def warm(texts: Iterable[str], analyze: Callable[[str], Collection[str]]) -> None:
    """Work out every text's term spans now, so no query's snippets analyse a passage first
    (about 0.14 ms a new word, 2.5 ms of a cold query's ten snippets; the spans are a
    function of the text alone, so the snippets stay the same)."""
    for text in texts:
        term_spans(text, analyze)


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


def snippet(text: str, query_terms: set[str], analyze: Callable[[str], Collection[str]],
            width: int = 280) -> str:
    """An HTML-safe excerpt with <mark> around words that match the query."""
    spans = marked_spans(text, query_terms, analyze)
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
