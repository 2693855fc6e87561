"""What the editor page shows: the query, the graphs to choose from, results, chart, errors."""

from __future__ import annotations

from dataclasses import dataclass, field

from graph.examples import Example
from graph.formats import result_kind
from graph.query_guard import query_form
from graph.safe_query import QueryResult
from graph.store import StoreError, list_graphs
from web.filters import local
from web.services import services
from web.sparql.chart import Chart, bar_chart
from web.sparql.editor import STARTER_QUERY, Excerpt, add_prefixes, examples, excerpt
from web.sparql.protocol import QueryRequest
from web.sparql.responses import detail, lead, retry_after, status_of
from web.sparql.table import Table, select_table, triples_table

_FORMS = {"SelectQuery": "SELECT", "AskQuery": "ASK", "ConstructQuery": "CONSTRUCT",
          "DescribeQuery": "DESCRIBE"}


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
    rows: int = 0
    truncated: bool = False
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


def page_result(state: PageState, result: QueryResult) -> None:
    """Fill the page from a finished query (JSON for SELECT/ASK, N-Triples for graphs)."""
    state.query_type = result.query_type
    if result_kind(result.query_type) == "select":
        state.table = select_table(result.body, local)
    else:
        state.table = triples_table(result.body, local)
    state.chart = bar_chart(state.table)
    state.rows = result.rows
    state.truncated = result.truncated
    state.elapsed_ms = round(result.elapsed * 1000)


def page_error(state: PageState, error: Exception, timeout: float) -> int:
    """Put a failed query's error on the page; returns the HTTP status."""
    status = status_of(error)
    position = excerpt(state.query, getattr(error, "line", None), getattr(error, "column", None))
    state.error = PageError(lead(error), detail(error), status, position,
                            retry_after(error, timeout))
    return status


def peek_type(text: str) -> str | None:
    """SELECT/ASK/CONSTRUCT/DESCRIBE of a query text, or None when it does not parse."""
    form = query_form(text)
    return _FORMS.get(form) if form else None


def _graphs() -> list[str]:
    """The store's named graphs, for the graph chooser."""
    try:
        return list_graphs(services().store())
    except StoreError:
        return []
