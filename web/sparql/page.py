"""What the editor page shows: the query, the graphs to choose from, results, chart, errors."""

from __future__ import annotations

from dataclasses import dataclass, field

from graph import Example, QueryResult, QueryTooExpensive, StoreError, result_kind
from web.filters import local
from web.services import services
from web.sparql.chart import Chart, bar_chart, line_svg
from web.sparql.editor import STARTER_QUERY, Excerpt, add_prefixes, examples, excerpt
from web.sparql.errors_sv import swedish
from web.sparql.protocol import QueryRequest
from web.sparql.responses import detail, lead, retry_after, status_of
from web.sparql.table import Table, select_table, triples_table

# The page shows a bounded excerpt of a result (rows and bytes); downloads carry all of it.
PAGE_ROWS = 500
PAGE_BYTES = 4 * 1024 * 1024
TOO_BIG_FOR_PAGE = (
    "Resultatet är större än sidan kan visa (över {mb} MB). Lägg till LIMIT eller välj färre "
    "variabler, eller hämta hela resultatet som fil: med format=csv (SELECT) eller "
    "format=ttl (CONSTRUCT/DESCRIBE).")


@dataclass(frozen=True)
class PageError:
    """An error as the page shows it: what happened, the detail, and where in the query."""

    lead: str
    message: str
    status: int
    excerpt: Excerpt | None = None
    retry_after: str | None = None


@dataclass
class PageState:
    """Everything the template needs besides the endpoint URL."""

    query: str
    query_given: bool
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)
    prefixes_added: bool = False
    examples: list[Example] = field(default_factory=list)
    graphs: list[str] = field(default_factory=list)
    query_type: str | None = None
    table: Table | None = None
    chart: Chart | None = None
    line: str = ""  # a line chart (SVG) for a numeric series; then no bar chart
    rows: int = 0
    truncated: bool = False
    page_cut: bool = False  # more rows than the page shows (the downloads have them)
    elapsed_ms: int = 0
    error: PageError | None = None

    @classmethod
    def from_request(cls, asked: QueryRequest, action: str | None) -> PageState:
        """The page for a request: the starter query when none was given."""
        text = asked.query
        added = False
        if text is not None and action == "prefix":
            prefixed = add_prefixes(text)
            added, text = prefixed != text, prefixed
        return cls(STARTER_QUERY if text is None else text, text is not None,
                   asked.default_graphs, asked.named_graphs, added, examples(), _graphs())

    @property
    def kind(self) -> str | None:
        """'select' or 'graph' once a query has run."""
        return result_kind(self.query_type) if self.query_type else None

    def graph_args(self) -> dict[str, list[str]]:
        """The protocol's dataset parameters, to carry over into links."""
        args = {}
        if self.default_graphs:
            args["default-graph-uri"] = self.default_graphs
        if self.named_graphs:
            args["named-graph-uri"] = self.named_graphs
        return args


def page_result(state: PageState, result: QueryResult, row_cap: int) -> None:
    """Fill the page from a finished query (JSON for SELECT/ASK, N-Triples for graphs).

    The result was run with the page's own row cap: a cut below the endpoint's `row_cap`
    only means the page shows fewer rows than a download holds.
    """
    state.query_type = result.query_type
    if result_kind(result.query_type) == "select":
        state.table = select_table(result.body, local)
    else:
        state.table = triples_table(result.body, local)
    state.line = line_svg(state.table)
    state.chart = None if state.line else bar_chart(state.table)
    state.rows = result.rows
    state.truncated = result.truncated and result.rows >= row_cap
    state.page_cut = result.truncated and result.rows < row_cap
    state.elapsed_ms = round(result.elapsed * 1000)


def page_error(state: PageState, error: Exception, timeout: float) -> int:
    """Put a failed query's error on the page; returns the HTTP status."""
    status = status_of(error)
    position = excerpt(state.query, getattr(error, "line", None), getattr(error, "column", None))
    message = swedish(detail(error))
    if isinstance(error, QueryTooExpensive) and error.reason == "size":
        message = TOO_BIG_FOR_PAGE.format(mb=PAGE_BYTES // 2**20)
    state.error = PageError(lead(error), message, status, position,
                            retry_after(error, timeout))
    return status


def _graphs() -> list[str]:
    """The store's named graphs, for the graph chooser."""
    try:
        return services().store().list_graphs()
    except StoreError:
        return []
