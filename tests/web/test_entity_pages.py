"""Resource pages /id/… on the real 2025 report: one page per class, RDF, 404/406, escaping."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace, URIRef

from graph.namespaces import sparql_prologue
from graph.trusted_query import trusted_select
from web.entity.indicators import Obs, totals_chart
from web.services import services

BASE = "https://w3id.org/bokslut/id/"
BK = Namespace("https://w3id.org/bokslut/def#")
GOAL_C = "strategi/sodertalje-2025-2030/mal/C"
AREA_1 = "strategi/sodertalje-2025-2030/malomrade/1"
HEALTH = "indikator/sodertalje/invanare-med-bra-sjalvskattat-halsotillstand-andel"
LOW_INCOME = "indikator/sodertalje/andel-barn-i-familjer-med-lag-inkomststandard"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def page(client, rest: str) -> str:
    """The HTML page of a resource, which must answer 200."""
    response = client.get("/id/" + rest, headers={"Accept": BROWSER})
    assert response.status_code == 200, rest
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


def between(html: str, start: str, end: str) -> str:
    """The part of a page from one marker to the next."""
    return html[html.index(start):html.index(end, html.index(start))]


def store_rows(app, query: str) -> list[dict]:
    """Rows of a trusted query on the app's store."""
    with app.app_context():
        return trusted_select(services().store(), sparql_prologue() + query)


def test_goal_page_lists_actions_initiatives_indicators_rights_and_sdgs(client) -> None:
    """Mål C: its 3 actions, 4 indicators each with a chart, rights, initiatives, curated SDGs."""
    html = page(client, GOAL_C)
    assert "Mål C. Varje barn och ungdom har en aktiv fritid" in html
    actions = between(html, 'id="insatser"', 'id="initiativ"')
    for title in ("Kompensatoriska och inkluderande insatser",
                  "Tillgängliga och trygga fritidsmiljöer", "Arenor för fritid"):
        assert title in actions
    assert actions.count('<section class="action"') == 3
    assert 'href="/id/rapport/sodertalje-2025/atgard/C-1"' in actions
    indicators = between(html, 'id="indikatorer"', 'id="rattigheter"')
    sections = indicators.split('<section class="indicator"')[1:]
    assert len(sections) == 4
    assert all(s.count('<svg') == 1 and 'role="img"' in s for s in sections)
    assert "Flickors deltagande i Ung fritid" in indicators
    assert "▶ Södertälje" in indicators and "Riket" in indicators
    rights = between(html, 'id="rattigheter"', 'id="globala-mal"')
    assert "Barnkonventionen art. 31" in rights and "lek, vila och fritid" in rights
    assert "allmänna förklaring" in rights and "art. 25" in rights
    initiatives = between(html, 'id="initiativ"', 'id="indikatorer"')
    assert "Telge hjärta" in initiatives and "Ung fritid" in initiatives
    sdgs = html[html.index('id="globala-mal"'):]
    assert "kurerade av projektet" in sdgs and "God hälsa och välbefinnande" in sdgs


def test_goal_area_page(client) -> None:
    """Målområde 1: its mål, rights by instrument, curated SDGs, development areas, summary."""
    html = page(client, AREA_1)
    assert "Målområde 1: En god start i livet" in html
    for letter in "ABC":
        assert f'href="/id/strategi/sodertalje-2025-2030/mal/{letter}"' in html
    assert "<h3>Barnkonventionen</h3>" in html
    assert "Barnkonventionen art. 31" in html
    assert "kurerade av projektet" in html and "Mål 1: Ingen fattigdom" in html
    assert "Aktiv fritid och miljöer som främjar rörelse" in html  # the curated justification
    assert "Utvecklingsområden" in html and html.count("(bokslutet 2025)") >= 4
    assert "Pågående arbete" in html  # a summary passage's heading


def test_indicator_page_shows_sex_side_by_side_and_every_observation(client) -> None:
    """Self-rated health: K 66 % / M 69 % for Södertälje, all 9 figures, source, provenance."""
    html = page(client, HEALTH)
    assert "Invånare med bra självskattat hälsotillstånd" in html
    assert "K 66 %" in html and "M 69 %" in html
    sex_table = between(html, "Kvinnor och män sida vid sida", "Alla observationer")
    assert re.search(r"Södertälje</a></th><td>2024</td>\s*<td class=\"num\">K 66 %", sex_table)
    assert "9 värden" in html
    assert html.count('role="img"') >= 2  # areas compared, and K/M grouped
    assert "Kolada" in html and "Ett högre värde är bättre." in html
    assert "sidan 29" in html  # the provenance passage with its page
    assert 'href="/id/strategi/sodertalje-2025-2030/mal/L"' in html


def test_indicator_values_use_a_decimal_comma(client) -> None:
    """9.1 is shown as 9,1 in the table and in the chart."""
    html = page(client, LOW_INCOME)
    assert ">9,1</a>" in html and "9,1 %" in html
    assert "9.1" not in between(html, "<main", "</main>")


def test_action_page(client) -> None:
    """Arenor för fritid: text, mål, rights, initiatives, provenance with pages, similar text."""
    html = page(client, "rapport/sodertalje-2025/atgard/C-3")
    assert "<h1>Arenor för fritid</h1>" in html
    assert "Under 2025 genomfördes idrottsåret" in html
    assert 'href="/id/strategi/sodertalje-2025-2030/mal/C"' in html
    assert "Barnkonventionen art. 31" in html
    initiatives = between(html, "Initiativ som nämns", "Mänskliga rättigheter")
    assert "Telge hjärta" in initiatives and "Mosaik" in initiatives
    provenance = between(html, "Källavsnitt i bokslutet", "Data om resursen")
    assert provenance.count("sidan 9") >= 4
    assert "Mer som detta" in html


@pytest.mark.slow  # the real model's inferred links
def test_inferred_rights_are_kept_apart_on_the_action_page(client, app) -> None:
    """A link inferred from the text (graf/harlett) is listed under its own heading, with the
    sentence that shows it in plain Swedish and no model score."""
    rows = store_rows(app, """
        SELECT ?action ?number WHERE {
          ?action bk:inferredSupport/bk:article ?article . ?article bk:articleNumber ?number .
          FILTER NOT EXISTS { ?action bk:supportsRight ?article }
        } ORDER BY ?action LIMIT 1""")
    assert rows, "ingest infers some rights links on the real report"
    html = page(client, str(rows[0]["action"])[len(BASE):])
    inferred = between(html, "Härledda ur texten", "Källavsnitt i bokslutet")
    assert f"art. {rows[0]['number']}" in inferred and "Texten handlar om: <q>" in inferred
    assert "poäng" not in inferred
    stated = between(html, "Mänskliga rättigheter", "Härledda ur texten")
    assert f"art. {rows[0]['number']}<" not in stated


def test_initiative_page(client) -> None:
    """An initiative lists its aliases and the actions that mention it."""
    html = page(client, "initiativ/sodertalje/telge-hjarta")
    assert "<h1>Telge hjärta</h1>" in html and "Arenor för fritid" in html
    rows = store_rows(client.application, """
        SELECT ?init ?alias WHERE { ?init a bk:Initiative ; bk:alias ?alias } ORDER BY ?alias""")
    rest = str(rows[0]["init"])[len(BASE):]
    assert str(rows[0]["alias"]) in between(page(client, rest), "Andra namn", "Insatser som")


def test_rights_article_page(client, app) -> None:
    """CRC 31: wordings, the målområden, mål and actions citing it, the explorer if present."""
    html = page(client, "rattighet/crc/31")
    assert "Barnkonventionen art. 31" in html
    assert "Leisure, play and culture" in html
    assert "Målområde 1:" in html and "Mål C. Varje barn och ungdom har en aktiv fritid" in html
    assert "Arenor för fritid" in html
    explorer = 'href="/rattigheter/crc/31"'
    assert (explorer in html) == ("rights.article" in app.view_functions)


def test_report_page(client) -> None:
    """The report: title, year, publisher, file, sha256 and what it holds."""
    html = page(client, "rapport/sodertalje-2025")
    assert "Bokslut social hållbarhet 2025" in html and "Södertälje kommun" in html
    assert "sodertalje-bokslut-social-hallbarhet-2025.txt" in html
    assert re.search(r"<code class=\"hash\">[0-9a-f]{64}</code>", html)
    assert "45 åtgärder" in html and "73 indikatorer" in html and "276 observationer" in html


def test_passage_page_shows_its_context(client) -> None:
    """A passage with its page, mål, and the neighbouring passages of its section."""
    html = page(client, "rapport/sodertalje-2025/passage/L179")
    assert "<h1>Arenor för fritid</h1>" in html and "sidan 9" in html
    assert 'href="/id/strategi/sodertalje-2025-2030/mal/C"' in html
    context = between(html, "I sitt sammanhang", "Data om resursen")
    assert "Detta avsnitt" in context and 'aria-current="true"' in context
    for neighbour in ("L177", "L181", "L183"):
        assert f'href="/id/rapport/sodertalje-2025/passage/{neighbour}"' in context
    assert 'href="/id/rapport/sodertalje-2025/atgard/C-3"' in html  # derived from it


def test_sdg_page_says_the_links_are_curated(client) -> None:
    """SDG 3: its names, the UN identifier, the målområden linked by the project."""
    html = page(client, "sdg/3")
    assert "Globalt mål 3: God hälsa och välbefinnande" in html
    assert "Good health and well-being" in html and "http://metadata.un.org/sdg/3" in html
    assert "kurerade av projektet" in html
    assert 'href="/id/strategi/sodertalje-2025-2030/malomrade/1"' in html
    assert 'href="/id/strategi/sodertalje-2025-2030/malomrade/5"' in html


def test_area_and_municipality_pages(client) -> None:
    """An area lists its figures; the municipality its code and publications."""
    html = page(client, "omrade/riket")
    assert "<h1>Riket</h1>" in html and "SE" in html
    assert "Invånare med bra självskattat hälsotillstånd" in html
    html = page(client, "kommun/0181")
    assert "Södertälje kommun" in html and "0181" in html
    assert 'href="/id/rapport/sodertalje-2025"' in html
    assert 'href="/id/omrade/sodertalje"' in html


def test_strategy_page(client) -> None:
    """The strategy: six målområden with their mål, and the report following it up."""
    html = page(client, "strategi/sodertalje-2025-2030")
    assert "Strategi för social hållbarhet 2025–2030" in html
    assert html.count("Målområde ") >= 6
    assert 'href="/id/strategi/sodertalje-2025-2030/mal/O"' in html
    assert 'href="/id/rapport/sodertalje-2025"' in html


def test_observation_page(client) -> None:
    """One figure: indicator, area, year, sex and value."""
    html = page(client, HEALTH)
    links = re.findall(r'href="/id/(rapport/sodertalje-2025/observation/[^"]+)">66</a>', html)
    assert len(links) == 1
    html = page(client, links[0])
    assert "Invånare med bra självskattat hälsotillstånd" in html
    assert "kvinnor/flickor" in html and "2024" in html and "66 %" in html


def test_generic_page_for_other_resources(client) -> None:
    """A rights instrument has no class page: its properties and incoming links as tables."""
    html = page(client, "rattighet/crc")
    assert "Barnkonventionen" in html and "<caption>Egenskaper</caption>" in html
    assert "Resurser som länkar hit" in html
    assert 'href="/id/rattighet/crc/31"' in html


def test_every_class_has_a_page(client, app) -> None:
    """One resource of every class in the instance data renders."""
    rows = store_rows(app, """
        SELECT ?type (MIN(STR(?s)) AS ?example) WHERE { ?s a ?type FILTER(isIRI(?s)) }
        GROUP BY ?type""")
    examples = {str(r["type"]): str(r["example"]) for r in rows
                if str(r["example"]).startswith(BASE)}
    for cls in ("GoalArea", "Goal", "Indicator", "Action", "Initiative", "RightsArticle",
                "Report", "Passage", "SDG", "Area", "Municipality", "Strategy"):
        assert str(BK[cls]) in examples, cls
    for example in examples.values():
        html = page(client, example[len(BASE):])
        assert "Data om resursen" in html and example in html


def turtle_graph(data: bytes, fmt: str) -> Graph:
    """Parse a response body with rdflib."""
    return Graph().parse(data=data, format=fmt)


@pytest.mark.parametrize(("accept", "fmt"), [
    ("text/turtle", "turtle"), ("application/ld+json", "json-ld"),
    ("application/n-triples", "nt"), ("application/rdf+xml", "xml"),
    ("text/turtle;q=0.5, application/ld+json;q=0.9", "json-ld"),
])
def test_rdf_by_accept_header(client, app, accept: str, fmt: str) -> None:
    """Every triple with mål C as subject, in the format the Accept header prefers."""
    response = client.get("/id/" + GOAL_C, headers={"Accept": accept})
    assert response.status_code == 200
    assert "Accept" in response.headers["Vary"]
    graph = turtle_graph(response.data, fmt)
    goal = URIRef(BASE + GOAL_C)
    assert (goal, BK.letter, Literal("C")) in graph
    assert (goal, BK.contributesToRight, URIRef(BASE + "rattighet/crc/31")) in graph
    assert set(graph.subjects()) == {goal}
    rows = store_rows(app, f"SELECT DISTINCT ?p ?o WHERE {{ <{BASE + GOAL_C}> ?p ?o }}")
    assert len(graph) == len(rows) == 10


@pytest.mark.parametrize(("suffix", "fmt", "media"), [
    ("ttl", "turtle", "text/turtle"), ("jsonld", "json-ld", "application/ld+json"),
    ("nt", "nt", "application/n-triples"), ("rdf", "xml", "application/rdf+xml"),
])
def test_rdf_by_suffix(client, suffix: str, fmt: str, media: str) -> None:
    """/id/…/mal/C.ttl and friends: the format is fixed by the suffix, whatever Accept says."""
    response = client.get(f"/id/{GOAL_C}.{suffix}", headers={"Accept": BROWSER})
    assert response.status_code == 200 and response.mimetype == media
    graph = turtle_graph(response.data, fmt)
    assert (URIRef(BASE + GOAL_C), BK.goalArea, URIRef(BASE + AREA_1)) in graph


def test_indicator_rdf_has_its_literals(client) -> None:
    """An indicator's Turtle carries its label and unit."""
    graph = turtle_graph(client.get(f"/id/{HEALTH}.ttl").data, "turtle")
    node = URIRef(BASE + HEALTH)
    assert (node, BK.unit, Literal("%")) in graph
    assert any("självskattat" in str(o) for o in graph.objects(node, None))


def test_html_for_browsers_and_clients_without_preference(client) -> None:
    """Browsers, */* and no Accept at all get HTML; the page links its RDF twins."""
    for headers in ({"Accept": BROWSER}, {"Accept": "*/*"}, {}):
        response = client.get("/id/" + GOAL_C, headers=headers)
        assert response.status_code == 200 and response.mimetype == "text/html"
        assert "Accept" in response.headers["Vary"]
    html = response.get_data(as_text=True)
    assert f'<link rel="alternate" type="text/turtle" href="/id/{GOAL_C}.ttl"' in html


def test_unknown_resource_is_404(client) -> None:
    """No triple about it: a Swedish page for browsers, plain text for RDF clients."""
    response = client.get("/id/finns/inte", headers={"Accept": BROWSER})
    assert response.status_code == 404 and response.mimetype == "text/html"
    assert "Resursen finns inte" in response.get_data(as_text=True)
    response = client.get("/id/finns/inte", headers={"Accept": "text/turtle"})
    assert response.status_code == 404 and response.mimetype == "text/plain"
    assert client.get("/id/finns/inte.ttl").status_code == 404


def test_unsupported_accept_is_406(client) -> None:
    """Accept: image/png cannot be served: 406 naming what can."""
    response = client.get("/id/" + GOAL_C, headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert "text/turtle" in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ['<script>alert(1)</script>', 'x"><script>alert(1)</script>',
                                  "finns/<b>inte</b>"])
def test_iri_in_404_page_is_escaped(client, path: str) -> None:
    """Markup in the requested path comes back as text."""
    response = client.get("/id/" + path, headers={"Accept": BROWSER})
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "<script>alert" not in html and "<b>inte" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html or "&lt;b&gt;inte" in html


@pytest.fixture(scope="module")
def two_reports(two_reports_data: Path) -> Path:
    """A data directory with the 2025 report and a derived 2026 one (fake embedder)."""
    return two_reports_data


def test_time_series_once_several_years_exist(two_reports: Path) -> None:
    """With 2024 and 2025 figures for the same indicator the page draws a line over time."""
    from search.embedder import FakeEmbedder
    from web.app import create_app

    app = create_app({"data": two_reports, "testing": True}, embedder=FakeEmbedder())
    html = page(app.test_client(), LOW_INCOME)
    assert "Utveckling över tid" in html
    line = next(svg for svg in re.findall(r"<svg.*?</svg>", html, re.S) if "<polyline" in svg)
    assert "Södertälje: 2024 9,1 %, 2025 8,7 %" in line
    assert ">2024</text>" in line and ">2025</text>" in line
    bars = next(svg for svg in re.findall(r"<svg.*?</svg>", html, re.S) if "<polyline" not in svg)
    assert "Södertälje: 8,7 %" in bars and "9,1" not in bars  # the latest year only
    assert "<th scope=\"col\">Bokslut</th>" in html  # figures from two reports: say which


def obs(area: str, year: int, value: str, report_year: int, home: bool = False) -> Obs:
    """A total figure for the chart-selection tests."""
    return Obs(iri=f"o/{area}/{year}/{report_year}", indicator="i", value=Decimal(value),
               year=year, area=area, area_label=area, area_code="0181" if home else "",
               sex=None, breakdown=None, home=home, report=f"r{report_year}",
               report_year=report_year)


def test_comparison_takes_each_areas_latest_year_and_the_newest_report() -> None:
    """A restated figure counts once (newest report); bars from different years say their year."""
    figures = [obs("Södertälje", 2024, "9.1", 2025, True),
               obs("Södertälje", 2025, "8.7", 2026, True),
               obs("Riket", 2024, "6.0", 2025), obs("Riket", 2024, "6.1", 2026)]
    svg = totals_chart(figures, "Låg inkomst", "%")
    assert "Södertälje (2025): 8,7 %; Riket (2024): 6,1 %" in svg
    assert "9,1" not in svg and "6 %" not in svg
