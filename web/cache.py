"""Pages built once per data generation: a bounded LRU of rendered responses, with ETags.

Everything under /, /id/…, /rattigheter/… and /data is a function of the live store
generation and the saved search index (entity pages list similar passages), so a response
can be kept until either changes. The cache sits in front of Flask as WSGI middleware: a hit
costs a dictionary lookup, not a request dispatch. Keys hold the generation, the index
stamp, the host (VoID writes absolute URLs), the path with its query and the Accept header
(content negotiation), so a new generation simply stops matching old entries; entries are
bounded by count and by bytes, so no client input can grow the cache without bound.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from web.pipeline.layout import index_dir

Environ = dict[str, Any]
StartResponse = Callable[..., Any]
WsgiApp = Callable[[Environ, StartResponse], Iterable[bytes]]

CACHED_PREFIXES = ("/id/", "/rattigheter/", "/data/")
CACHED_PATHS = frozenset({"/", "/rattigheter", "/data"})
MAX_KEY_PART = 1024  # longer paths or Accept headers are answered without the cache
DEFAULT_MAX_BYTES = 64 * 1024 * 1024
DEFAULT_MAX_ENTRIES = 4096
# Headers that belong to one exchange, not to the stored page.
_HOP_HEADERS = frozenset({"connection", "keep-alive", "transfer-encoding", "date"})


@dataclass(frozen=True)
class Page:
    """One stored response: status line, headers (ETag included) and body."""

    status: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    etag: str

    @property
    def size(self) -> int:
        """Bytes this entry accounts for (body plus headers)."""
        return len(self.body) + sum(len(k) + len(v) for k, v in self.headers)


class PageCache:
    """A thread-safe LRU of pages, bounded by entry count and total bytes."""

    def __init__(self, max_bytes: int = DEFAULT_MAX_BYTES,
                 max_entries: int = DEFAULT_MAX_ENTRIES) -> None:
        self.max_bytes, self.max_entries = max_bytes, max_entries
        self._pages: OrderedDict[tuple, Page] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self._pages)

    @property
    def bytes(self) -> int:
        """Total size of the stored entries."""
        return self._bytes

    def get(self, key: tuple) -> Page | None:
        """The stored page for a key (marked most recently used), or None."""
        with self._lock:
            page = self._pages.get(key)
            if page is None:
                self.misses += 1
                return None
            self._pages.move_to_end(key)
            self.hits += 1
            return page

    def put(self, key: tuple, page: Page) -> None:
        """Store a page, evicting the least recently used until both bounds hold."""
        if page.size > self.max_bytes // 8:  # one huge page must not flush the rest
            return
        with self._lock:
            old = self._pages.pop(key, None)
            if old is not None:
                self._bytes -= old.size
            self._pages[key] = page
            self._bytes += page.size
            while self._bytes > self.max_bytes or len(self._pages) > self.max_entries:
                _, evicted = self._pages.popitem(last=False)
                self._bytes -= evicted.size

    def clear(self) -> None:
        """Drop every entry."""
        with self._lock:
            self._pages.clear()
            self._bytes = 0


def cacheable_path(path: str) -> bool:
    """True for the URL areas whose pages depend only on the data generation."""
    return path in CACHED_PATHS or path.startswith(CACHED_PREFIXES)


def make_etag(generation: str, body: bytes) -> str:
    """A strong validator: the generation plus a hash of the body."""
    return f'"{generation}-{hashlib.blake2b(body, digest_size=10).hexdigest()}"'


def etag_matches(header: str | None, etag: str) -> bool:
    """True when an If-None-Match header names this ETag (or is '*'); W/ prefixes ignored."""
    if not header:
        return False
    tags = {t.strip().removeprefix("W/") for t in header.split(",")}
    return "*" in tags or etag in tags


def request_key(environ: Environ, generation: str) -> tuple | None:
    """The cache key of a GET/HEAD request, or None when it must bypass the cache."""
    path = environ.get("PATH_INFO", "")
    if environ.get("REQUEST_METHOD") not in ("GET", "HEAD") or not cacheable_path(path):
        return None
    if "HTTP_RANGE" in environ or "HTTP_AUTHORIZATION" in environ:
        return None
    parts = (path, environ.get("QUERY_STRING", ""), environ.get("HTTP_ACCEPT", "").strip(),
             environ.get("HTTP_HOST", ""), environ.get("wsgi.url_scheme", "http"),
             environ.get("SCRIPT_NAME", ""))
    if any(len(p) > MAX_KEY_PART for p in parts):
        return None
    return (generation, *parts)


class PageCacheMiddleware:
    """WSGI middleware: answers cacheable requests from the cache, renders and stores misses."""

    def __init__(self, app: WsgiApp, cache: PageCache,
                 generation: Callable[[], str | None]) -> None:
        self.app, self.cache, self.generation = app, cache, generation

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        generation = self.generation()
        key = None if generation is None else request_key(environ, generation)
        if key is None:
            return self.app(environ, start_response)
        page = self.cache.get(key)
        state = "hit"
        if page is None:
            if environ["REQUEST_METHOD"] != "GET":  # HEAD bodies are empty: nothing to store
                return self.app(environ, start_response)
            page, state = self._render(environ, generation), "miss"
            if page.status.startswith("200 ") and page.etag:
                self.cache.put(key, page)
        return _answer(environ, start_response, page, state)

    def _render(self, environ: Environ, generation: str) -> Page:
        """Run the app without the client's validators (we answer those) and keep the result."""
        inner = {k: v for k, v in environ.items()
                 if k not in ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE")}
        captured: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None):
            captured["status"], captured["headers"] = status, headers
            return lambda data: captured.setdefault("written", []).append(data)

        result = self.app(inner, capture)
        try:
            body = b"".join([*captured.get("written", []), *result])
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        headers = [(k, v) for k, v in captured["headers"] if k.lower() not in _HOP_HEADERS]
        if not _storable(captured["status"], headers):
            return Page(captured["status"], tuple(headers), body, "")
        etag = next((v for k, v in headers if k.lower() == "etag"), None)
        if etag is None:
            etag = make_etag(generation, body)
            headers.append(("ETag", etag))
        return Page(captured["status"], tuple(headers), body, etag)


def _storable(status: str, headers: list[tuple[str, str]]) -> bool:
    """Only plain 200 answers that are meant for everyone are stored."""
    if not status.startswith("200 "):
        return False
    for name, value in headers:
        lowered = name.lower()
        if lowered == "set-cookie":
            return False
        if lowered == "cache-control" and ("no-store" in value or "private" in value):
            return False
    return True


def _answer(environ: Environ, start_response: StartResponse, page: Page,
            state: str) -> Iterable[bytes]:
    """Send a stored page, a 304 when the client's ETag matches, or an empty HEAD body."""
    if page.etag and etag_matches(environ.get("HTTP_IF_NONE_MATCH"), page.etag):
        kept = [(k, v) for k, v in page.headers
                if k.lower() in ("etag", "vary", "cache-control", "content-location")]
        start_response("304 Not Modified", [*kept, ("X-Bokslut-Cache", state)])
        return []
    start_response(page.status, [*page.headers, ("X-Bokslut-Cache", state)])
    return [] if environ.get("REQUEST_METHOD") == "HEAD" else [page.body]


def data_generation(services: Any) -> str | None:
    """The store generation and the saved index's stamp: pages change only with these."""
    generation = services.live.generation
    if generation is None:
        return None
    try:
        stamp = (index_dir(services.data) / "manifest.json").stat().st_mtime_ns
    except OSError:
        stamp = 0
    return f"{generation.name}.{stamp}"


def init_app(app: Any, max_bytes: int = DEFAULT_MAX_BYTES) -> PageCache:
    """Put the page cache in front of a Flask app built by create_app; returns the cache."""
    cache = PageCache(max_bytes)
    services = app.extensions["bokslut"]
    app.wsgi_app = PageCacheMiddleware(app.wsgi_app, cache, lambda: data_generation(services))
    app.extensions["bokslut_page_cache"] = cache
    return cache
