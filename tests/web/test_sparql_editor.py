"""The SPARQL editor page (server-rendered, no JavaScript needed) and its helpers."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from graph.examples import load_examples
from graph.namespaces import PREFIXES
from web.sparql.chart import bar_chart
from web.sparql.editor import add_prefixes, excerpt
from web.sparql.negotiation import choose, negotiate, parse_accept
from web.sparql.table import Cell, Table

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
COUNT_PER_GOAL = """SELECT ?mal (COUNT(?a) AS ?antal)
WHERE { ?a a bk:Action ; bk:goal/bk:letter ?mal } GROUP BY ?mal ORDER BY ?mal"""


def page(client, **params) -> tuple[int, str]:
    """The editor page as a browser asks for it."""
    response = client.get("/sparql", query_string=params, headers={"Accept": BROWSER})
    assert response.mimetype == "text/html"
    return response.status_code, response.get_data(as_text=True)


def test_editor_without_query_shows_examples(client):
    status, html = page(client)
    assert status == 200
    assert '<label for="query">' in html and '<textarea id="query" name="query"' in html
    assert '<form id="sparql-form" class="sparql" method="get"' in html
    examples = load_examples()
    assert examples, "the example queries are part of the product"
    links = re.findall(r'<a class="example" href="([^"]+)"', html)
    assert len(links) == len(examples)
    first = parse_qs(urlsplit(links[0].replace("&amp;", "&")).query)["query"][0]
    assert first == examples[0].text
    assert "/static/editor/editor.js" in html


def test_results_table_links_to_entity_pages(client):
    status, html = page(client, query="SELECT ?mal ?bokstav WHERE { ?mal a bk:Goal ; "
                                      "bk:letter ?bokstav } ORDER BY ?mal")
    assert status == 200
    table = html[html.index('<table class="results">'):html.index("</table>")]
    assert table.count("<tr>") == 16  # header + 15 goals
    assert '<a href="/id/strategi/sodertalje-2025-2030/mal/C"' in table
    assert "format=csv" in html and "format=json" in html


def test_example_query_runs_on_the_page(client):
    example = load_examples()[0]
    status, html = page(client, query=example.text)
    assert status == 200 and '<table class="results">' in html
    assert re.search(r"<p>\d+ rad(er)?,", html)


def test_bar_chart_for_label_and_number(client):
    _, html = page(client, query=COUNT_PER_GOAL)
    svg = html[html.index("<svg"):html.index("</svg>")]
    assert 'role="img"' in svg and 'aria-label="Stapeldiagram: antal per mal' in svg
    assert "<title>Stapeldiagram" in svg
    assert svg.count("<rect") == 15
    _, no_chart = page(client, query="SELECT ?a ?b WHERE { ?a a bk:Goal ; bk:letter ?b }")
    assert "<svg" not in no_chart


def test_construct_and_ask_on_the_page(client):
    goal = "<https://w3id.org/bokslut/id/strategi/sodertalje-2025-2030/mal/C>"
    _, construct = page(client, query=f"CONSTRUCT {{ {goal} ?p ?o }} WHERE {{ {goal} ?p ?o }}")
    assert "?subjekt" not in construct and "<th scope=\"col\">subjekt</th>" in construct
    assert "format=ttl" in construct
    _, ask = page(client, query=f"ASK {{ {goal} a bk:Goal }}")
    assert "Ja (true)" in ask


def test_error_with_position_and_caret(client):
    status, html = page(client, query="SELECT ?x WHERE {\n  ?x a bk:Goal }\nLIMT 5")
    assert status == 400
    assert 'role="alert"' in html and "Rad 3, kolumn 1" in html
    assert '<pre class="excerpt"><code>LIMT 5\n^</code></pre>' in html


def test_script_in_a_query_is_escaped(client):
    query = '# <script>alert("x")</script>\nSELECT ?x WHERE { BIND("<b>fet</b>" AS ?x) }'
    status, html = page(client, query=query)
    assert status == 200
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html
    assert "<b>fet</b>" not in html and "&lt;b&gt;fet&lt;/b&gt;" in html
    bad = "SELECT ?x WHERE {\n<script>alert(1)</script> }"
    status, error_page = page(client, query=bad)
    assert status == 400 and "<script>alert(1)" not in error_page
    plain = client.get("/sparql", query_string={"query": bad})
    assert plain.mimetype == "text/plain" and plain.headers["X-Content-Type-Options"] == "nosniff"


def test_only_web_iris_become_links(client):
    query = 'SELECT ?x WHERE { VALUES ?x { <javascript:alert(1)> <http://example.org/a> } }'
    _, html = page(client, query=query)
    assert 'href="javascript:' not in html
    assert '<a href="http://example.org/a"' in html


def test_prefix_button_adds_missing_prefix_lines(client):
    _, html = page(client, query="SELECT ?m WHERE { ?m a bk:Goal ; skos:prefLabel ?l }",
                   action="prefix")
    area = html[html.index('<textarea id="query"'):html.index("</textarea>")]
    assert f"PREFIX bk:   &lt;{PREFIXES['bk']}&gt;" in area
    assert "PREFIX skos:" in area and "PREFIX rdf:" not in area
    assert "PREFIX-rader har lagts till" in html


def test_timeout_is_a_503_page_not_an_empty_result(built_data: Path):
    from web.app import create_app

    client = create_app({"data": built_data, "testing": True, "sparql_timeout": 1}).test_client()
    status, html = page(client, query="SELECT (COUNT(*) AS ?n) "  # how soon: bench_deadlines
                                      "WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")
    assert status == 503 and "tidsgräns" in html and '<table class="results">' not in html


# --- Helpers ------------------------------------------------------------------------------

def test_parse_accept_reads_q_values():
    assert parse_accept("text/csv;q=0.5, application/json , */*;q=x") == [
        ("text/csv", 0.5), ("application/json", 1.0), ("*/*", 0.0)]
    assert parse_accept(None) == [("*/*", 1.0)]


def test_negotiate_prefers_quality_then_specificity_then_client_order():
    offers = [("application/a", "a"), ("application/b", "b"), ("text/c", "c")]
    assert negotiate("application/b;q=0.9, application/a;q=0.8", offers) == "b"
    assert negotiate("application/*;q=0.5, text/c;q=0.5", offers) == "c"
    assert negotiate("application/b, application/a", offers) == "b"
    assert negotiate("image/png", offers) is None
    assert negotiate("application/a;q=0, */*", offers) == "b"


def test_choose_with_format_override():
    assert choose(BROWSER, None).html
    assert choose("*/*", None) == choose(None, None)
    assert (choose(BROWSER, "csv").select, choose(BROWSER, "csv").graph) == ("csv", None)
    assert choose(None, "turtle").graph == "ttl"
    with pytest.raises(ValueError):
        choose(None, "pdf")


def test_add_prefixes_ignores_strings_iris_and_comments():
    text = '# Titel: x\nSELECT * WHERE { ?s skos:prefLabel "bk:inte" . ?s <http://a/owl:b> ?o }'
    result = add_prefixes(text)
    assert result.startswith("# Titel: x\nPREFIX skos:")
    assert "PREFIX bk:" not in result and "PREFIX owl:" not in result
    already = "prefix skos: <x>\nSELECT * WHERE { ?s skos:a ?o }"
    assert add_prefixes(already) == already


def test_excerpt_points_at_the_column():
    found = excerpt("SELECT\n\tFOO ?x", 2, 2)
    assert found is not None
    assert (found.text, found.caret) == ("    FOO ?x", "    ^")
    assert excerpt("ASK {}", None, None) is None
    assert excerpt("ASK {}", 9, 1) is None


def test_bar_chart_scales_negative_values():
    rows = [[Cell("a"), Cell("-2", number=Decimal(-2))], [Cell("b"), Cell("6", number=Decimal(6))]]
    chart = bar_chart(Table(["namn", "varde"], rows))
    assert chart is not None
    left, right = chart.bars
    assert left.x + left.width == pytest.approx(chart.zero_x, abs=0.2)
    assert right.x == pytest.approx(chart.zero_x, abs=0.2)
    assert right.width == pytest.approx(3 * left.width, rel=0.02)
    assert right.value == "6" and chart.title.startswith("Stapeldiagram: varde per namn")
    assert bar_chart(Table(["a", "b", "c"], [])) is None
