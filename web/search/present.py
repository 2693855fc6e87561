"""How the search page shows hits: passages of one section grouped, the query marked in context."""

from __future__ import annotations

from search.snippets import snippet
from web.search.data import same_section
from web.services import services

SHOWN_PER_GROUP = 3  # more passages of one section are listed, not quoted


def group_rows(rows: list[dict]) -> list[dict]:
    """Rows ({'hit', 'goal', 'area'}) grouped by section, in the rank of each group's best hit."""
    groups: list[dict] = []
    for row in rows:
        passage = row["hit"].passage
        group = next((g for g in groups if same_section(g["first"].passage, passage)), None)
        if group is None:
            groups.append({"first": row["hit"], "hits": [row["hit"]],
                           "goal": row["goal"], "area": row["area"]})
        else:
            group["hits"].append(row["hit"])
    return groups


def marked(text: str, query: str) -> str:
    """The whole text, HTML-escaped, with the query's words marked (as the hit snippets are:
    the searcher's analyser and its remembered spans)."""
    if not query.strip():
        return snippet(text, set(), lambda _: {}, width=len(text) + 1)
    searcher = services().searcher()
    terms = set(searcher.index.bm25.analyzer.analyze_query(query))
    return snippet(text, terms, searcher.spans.of, width=len(text) + 1)
