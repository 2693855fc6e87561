"""bench_api_search's stage table: each part of an /api/search request timed in one process.

The query encoder alone, the searcher with its encoder's answers remembered (so only its own
work is timed), the whole search, the parameters, the searcher's index check, the JSON, and
the whole WSGI call on the lean path and on Flask's, the stages taking turns per query.
"""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path


class Remembered:
    """An encoder that embeds each batch once (to time the searcher without its encoder)."""

    def __init__(self, inner) -> None:
        self.inner, self.seen = inner, {}

    def embed_queries(self, texts: list[str]):
        """The inner encoder's vectors, computed on first sight."""
        key = tuple(texts)
        if key not in self.seen:
            self.seen[key] = self.inner.embed_queries(texts)
        return self.seen[key]

    def __getattr__(self, name: str):
        return getattr(self.inner, name)


def stage_calls(data: Path, queries: list[str]) -> tuple[dict, int]:
    """Each stage of an /api/search request as a call on one query, in this process, and
    how many queries the searcher embeds twice (as typed and as BM25 repaired them)."""
    from werkzeug.datastructures import MultiDict
    from werkzeug.test import EnvironBuilder

    from search.hybrid import Filters, HybridSearcher, clean_query
    from web.app import create_app
    from web.cli.serve import warm_up
    from web.search.api import results_json
    from web.search.views import SearchForm

    app = create_app({"data": data, "lean_search": True})
    warm_up(app)
    services = app.extensions["bokslut"]
    searcher = services.searcher()
    bare = HybridSearcher(searcher.index, Remembered(searcher.embedder))
    found = {q: searcher.search_page(q, 10, "hybrid", Filters()) for q in queries}
    lean = app.wsgi_app.inner  # inside the /sparql layer
    environ = {q: EnvironBuilder(path="/api/search", query_string={"q": q, "k": "10"})
               .get_environ() for q in queries}

    def wsgi(layer):
        return lambda q: b"".join(layer(dict(environ[q]), lambda *a: None))

    twice = sum(searcher.repair.repaired(clean_query(q)) is not None for q in queries)
    return {
        "kodaren ensam (embed_queries)": lambda q: searcher.embedder.embed_queries([q]),
        "sökaren, kodaren borträknad": lambda q: bare.search_page(q, 10, "hybrid", Filters()),
        "sökaren (search_page)": lambda q: searcher.search_page(q, 10, "hybrid", Filters()),
        "parametrarna (SearchForm.parse)": lambda q: SearchForm.parse(MultiDict({"q": q})),
        "services.searcher() (indexets stat)": lambda q: services.searcher(),
        "JSON (results_json + dumps)": lambda q: json.dumps(results_json(
            q, found[q].hits, services.base, found[q].total, found[q].off_topic),
            ensure_ascii=False),
        "hela WSGI-anropet, lean": wsgi(lean),
        "hela WSGI-anropet, Flask": wsgi(lean.inner),
    }, twice


def stages(data: Path, queries: list[str], rounds: int) -> None:
    """p50 of each stage over the queries, the stages taking turns per query."""
    calls, twice = stage_calls(data, queries)
    times: dict[str, list[float]] = {name: [] for name in calls}
    for call in calls.values():
        for query in queries:
            call(query)  # warm-up (the searcher without its encoder remembers every query)
    for _ in range(rounds):
        for query in queries:
            for name, call in calls.items():
                started = time.perf_counter()
                call(query)
                times[name].append((time.perf_counter() - started) * 1000)
    print(f"\nSteg i en process (ingen HTTP), {len(queries)} frågor × {rounds} varv, p50 "
          f"({twice} av frågorna har en rättad läsning: två texter till kodaren):")
    for name, values in times.items():
        print(f"  {name:38s} {statistics.median(values):6.2f} ms")
