"""#8.4: the HTML result view is bounded, and no value can make a chart (or the page) fail.

`"1e1000000"^^xsd:integer` in a chartable result raised decimal.Overflow (500); 60 rows of
`1e999999` made a 120 MB page.
"""

from __future__ import annotations

import pytest
from flask import Flask

from graph.safe_query import PoolConfig, shared_pool
from tests.security.support import small_data, warm
from web.app import create_app
from web.pipeline.ingest import store_dir
from web.sparql.page import PAGE_ROWS
from web.sparql.table import CELL_CHARS

XSD = "http://www.w3.org/2001/XMLSchema#"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """The app over the small store (20 rows, 10,000 filler triples)."""
    data = small_data(tmp_path_factory.mktemp("view"))
    app = create_app({"data": data, "testing": True, "sparql_per_client": 8})
    warm(shared_pool(PoolConfig.from_settings(app.config["BOKSLUT"])), store_dir(data))
    return app


def page(app: Flask, query: str) -> tuple[int, str]:
    """The editor page for a query, as a browser gets it."""
    response = app.test_client().get("/sparql", query_string={"query": query},
                                     headers={"Accept": "text/html"})
    return response.status_code, response.get_data(as_text=True)


def values(pairs: list[tuple[str, str]]) -> str:
    """A two-column SELECT over literal rows (label, xsd:integer lexical form)."""
    rows = " ".join(f'("{label}" "{number}"^^<{XSD}integer>)' for label, number in pairs)
    return f"SELECT ?label ?n WHERE {{ VALUES (?label ?n) {{ {rows} }} }}"


@pytest.mark.parametrize("number", ["1e1000000", "-1e999999", "9" * 5000, "1e-1000000"])
def test_no_value_breaks_the_chart(app: Flask, number: str) -> None:
    status, html = page(app, values([("a", number), ("b", "2"), ("c", "3")]))
    assert status == 200
    assert "Stapeldiagram" in html or "<svg" not in html


def test_huge_numbers_do_not_blow_up_the_page(app: Flask) -> None:
    status, html = page(app, values([(f"r{i}", "1e999999") for i in range(60)]))
    assert status == 200
    assert len(html.encode()) < 1_000_000  # was 120 MB
    assert html.count("1e999999") >= 60  # shown as written, never expanded


def test_long_values_are_cut_on_the_page(app: Flask) -> None:
    ten = ",".join(["?a"] * 10)
    query = ('SELECT ?d WHERE { BIND("xxxxxxxxxx" AS ?a) '  # 10 characters, then ×10 ×10 ×10
             f"BIND(CONCAT({ten}) AS ?b) BIND(CONCAT({ten.replace('a', 'b')}) AS ?c) "
             f"BIND(CONCAT({ten.replace('a', 'c')}) AS ?d) }}")
    status, html = page(app, query)
    assert status == 200
    assert "x" * CELL_CHARS in html and "x" * (CELL_CHARS + 1) not in html
    assert "(10000 tecken, hela värdet finns i nedladdningarna)" in html


def test_many_rows_show_a_bounded_excerpt_with_a_download_link(app: Flask) -> None:
    status, html = page(app, "SELECT * WHERE { ?s ?p ?o }")
    assert status == 200
    assert html.count("<tr>") == PAGE_ROWS + 1  # header row plus the excerpt
    assert f"Sidan visar bara de första {PAGE_ROWS} raderna" in html
    assert "format=csv" in html


def test_a_result_too_big_for_the_page_is_explained(app: Flask) -> None:
    big = "y" * 30_000
    query = ("SELECT ?v WHERE { ?s ?p ?o BIND(CONCAT(STR(?o), "
             f'"{big}") AS ?v) }} LIMIT 400')
    status, html = page(app, query)
    assert status == 503
    assert "större än sidan kan visa" in html and "format=csv" in html


def test_downloads_keep_the_whole_result(app: Flask) -> None:
    response = app.test_client().get("/sparql", query_string={
        "query": "SELECT * WHERE { ?s ?p ?o } LIMIT 2000", "format": "csv"})
    assert response.status_code == 200
    assert response.get_data(as_text=True).count("\n") == 2000 + 1  # over the page's 500
