"""The SPARQL 1.1 Protocol endpoint through the Flask test client, over the real built data."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, SKOS

BASE = "https://w3id.org/bokslut/id/"
GOAL_C = URIRef(BASE + "strategi/sodertalje-2025-2030/mal/C")
REPORT_GRAPH = BASE + "graf/rapport/sodertalje-2025"
ONTOLOGY_GRAPH = BASE + "graf/ontologi"
BK = Namespace("https://w3id.org/bokslut/def#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
RESULTS_NS = "{http://www.w3.org/2005/sparql-results#}"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"

GOALS = """PREFIX bk: <https://w3id.org/bokslut/def#>
SELECT ?mal ?bokstav WHERE { ?mal a bk:Goal ; bk:letter ?bokstav } ORDER BY ?mal"""
ASK_C = f"ASK {{ <{GOAL_C}> a bk:Goal }}"
CONSTRUCT_C = f"CONSTRUCT {{ <{GOAL_C}> ?p ?o }} WHERE {{ <{GOAL_C}> ?p ?o }}"
COUNT_PER_GOAL = """SELECT ?mal (COUNT(?a) AS ?antal)
WHERE { ?a a bk:Action ; bk:goal/bk:letter ?mal } GROUP BY ?mal ORDER BY ?mal"""


def get(client, query: str | None = None, accept: str | None = None, **params):
    """GET /sparql with an optional query and Accept header."""
    if query is not None:
        params["query"] = query
    headers = {"Accept": accept} if accept else {}
    return client.get("/sparql", query_string=params, headers=headers)


def json_rows(response) -> list[dict]:
    """The bindings of a SPARQL JSON answer."""
    return json.loads(response.data)["results"]["bindings"]


# --- SELECT and ASK formats -------------------------------------------------------------

def test_select_json(client):
    response = get(client, GOALS, "application/sparql-results+json")
    assert response.status_code == 200
    assert response.mimetype == "application/sparql-results+json"
    data = json.loads(response.data)
    assert data["head"]["vars"] == ["mal", "bokstav"]
    assert len(data["results"]["bindings"]) == 15
    assert {"type": "uri", "value": str(GOAL_C)} in [r["mal"] for r in data["results"]["bindings"]]


def test_select_xml_has_the_same_rows(client):
    response = get(client, GOALS, "application/sparql-results+xml")
    assert response.mimetype == "application/sparql-results+xml"
    root = ET.fromstring(response.data)
    results = root.findall(f"{RESULTS_NS}results/{RESULTS_NS}result")
    assert len(results) == 15
    uris = [r.find(f"{RESULTS_NS}binding[@name='mal']/{RESULTS_NS}uri").text for r in results]
    assert str(GOAL_C) in uris


def test_select_csv_and_tsv(client):
    csv_response = get(client, GOALS, "text/csv")
    assert csv_response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(csv_response.get_data(as_text=True))))
    assert rows[0] == ["mal", "bokstav"] and len(rows) == 16
    assert [str(GOAL_C), "C"] in rows
    tsv_response = get(client, GOALS, "text/tab-separated-values")
    lines = tsv_response.get_data(as_text=True).splitlines()
    assert lines[0] == "?mal\t?bokstav" and len(lines) == 16
    assert f"<{GOAL_C}>\t\"C\"" in lines


@pytest.mark.parametrize("accept", ["application/sparql-results+json", "application/json"])
def test_ask_json(client, accept):
    assert json.loads(get(client, ASK_C, accept).data)["boolean"] is True
    missing = ASK_C.replace("/mal/C>", "/mal/Z>")
    assert json.loads(get(client, missing, accept).data)["boolean"] is False


def test_ask_xml(client):
    response = get(client, ASK_C, "application/sparql-results+xml")
    assert ET.fromstring(response.data).find(f"{RESULTS_NS}boolean").text == "true"


@pytest.mark.parametrize(("accept", "expected"), [
    ("application/sparql-results+xml;q=0.5, text/csv", "text/csv"),
    ("text/csv;q=0.1, application/sparql-results+json;q=0.9", "application/sparql-results+json"),
    ("text/*;q=0.8, application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/*", "text/csv"),
    ("*/*", "application/sparql-results+json"),
    ("text/csv;q=0, text/*", "text/tab-separated-values"),
])
def test_accept_q_values(client, accept, expected):
    assert get(client, GOALS, accept).mimetype == expected


def test_format_parameter_overrides_accept(client):
    response = get(client, GOALS, "application/sparql-results+xml", format="csv")
    assert response.mimetype == "text/csv"
    assert response.get_data(as_text=True).startswith("mal,bokstav")
    assert get(client, GOALS, BROWSER, format="json").mimetype == "application/sparql-results+json"
    unknown = get(client, GOALS, format="pdf")
    assert unknown.status_code == 400 and "csv" in unknown.get_data(as_text=True)


# --- CONSTRUCT formats ------------------------------------------------------------------

@pytest.mark.parametrize(("accept", "rdflib_format"), [
    ("text/turtle", "turtle"), ("application/n-triples", "nt"),
    ("application/ld+json", "json-ld"), ("application/rdf+xml", "xml"),
])
def test_construct_parses_back(client, accept, rdflib_format):
    response = get(client, CONSTRUCT_C, accept)
    assert response.status_code == 200 and response.mimetype == accept
    graph = Graph().parse(data=response.data, format=rdflib_format)
    assert (GOAL_C, RDF.type, BK.Goal) in graph
    label = Literal("Varje barn och ungdom har en aktiv fritid", lang="sv")
    assert (GOAL_C, SKOS.prefLabel, label) in graph
    assert len(graph) == 10


def test_describe_defaults_to_turtle(client):
    response = get(client, f"DESCRIBE <{GOAL_C}>", "*/*")
    assert response.mimetype == "text/turtle"
    assert (GOAL_C, BK.letter, Literal("C")) in Graph().parse(data=response.data, format="turtle")


# --- Protocol: POST, dataset, base IRI --------------------------------------------------

def test_post_form_and_post_query_body_match_get(client):
    expected = json_rows(get(client, GOALS))
    form = client.post("/sparql", data={"query": GOALS})
    body = client.post("/sparql", data=GOALS.encode(), content_type="application/sparql-query")
    assert form.status_code == body.status_code == 200
    assert json_rows(form) == json_rows(body) == expected


def test_default_graph_uri_restricts_the_dataset(client):
    count = "SELECT (COUNT(?m) AS ?n) WHERE { ?m a bk:Goal }"
    union = json_rows(get(client, count))[0]["n"]["value"]
    report = json_rows(get(client, count, **{"default-graph-uri": REPORT_GRAPH}))[0]["n"]["value"]
    ontology = json_rows(get(client, count, **{"default-graph-uri": ONTOLOGY_GRAPH}))
    assert union == report == "15"
    assert ontology[0]["n"]["value"] == "0"
    posted = client.post("/sparql?default-graph-uri=" + ONTOLOGY_GRAPH, data=ASK_C.encode(),
                         content_type="application/sparql-query")
    assert json.loads(posted.data)["boolean"] is False


def test_named_graph_uri_limits_graph_patterns(client):
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    everything = {r["g"]["value"] for r in json_rows(get(client, query))}
    only = {r["g"]["value"] for r in json_rows(get(client, query, **{
        "named-graph-uri": ONTOLOGY_GRAPH}))}
    assert {REPORT_GRAPH, ONTOLOGY_GRAPH} <= everything
    assert only == {ONTOLOGY_GRAPH}


def test_unknown_protocol_graph_is_refused(client):
    response = get(client, GOALS, **{"default-graph-uri": "file:///etc/passwd"})
    assert response.status_code == 400
    assert "file:///etc/passwd" in response.get_data(as_text=True)


def test_base_iri_is_the_endpoint_url(client):
    rows = json_rows(get(client, "SELECT ?x WHERE { BIND(<rel/a> AS ?x) }"))
    assert rows[0]["x"]["value"] == "http://localhost/rel/a"


# --- Refusals and status codes ----------------------------------------------------------

def test_not_acceptable_lists_the_offer(client):
    response = get(client, GOALS, "image/png")
    assert response.status_code == 406 and response.mimetype == "text/plain"
    text = response.get_data(as_text=True)
    assert "application/sparql-results+json" in text and "text/turtle" in text
    construct_as_csv = get(client, CONSTRUCT_C, "text/csv")
    assert construct_as_csv.status_code == 406
    assert "text/turtle" in construct_as_csv.get_data(as_text=True)


@pytest.mark.parametrize("content_type", ["text/plain", "application/json", None])
def test_unsupported_request_content_type(client, content_type):
    response = client.post("/sparql", data=GOALS.encode(), content_type=content_type)
    assert response.status_code == 415
    assert "application/sparql-query" in response.get_data(as_text=True)


def test_updates_are_refused(client):
    insert = f"INSERT DATA {{ <{GOAL_C}> <{BK}letter> \"X\" }}"
    as_update = client.post("/sparql", data=insert, content_type="application/sparql-update")
    assert as_update.status_code == 415 and "skrivskyddad" in as_update.get_data(as_text=True)
    for response in (client.post("/sparql", data={"query": insert}), get(client, insert),
                     client.post("/sparql", data={"update": insert}), get(client, update=insert)):
        assert response.status_code == 400
        assert "read-only" in response.get_data(as_text=True) or \
            "skrivskyddad" in response.get_data(as_text=True)
    assert json_rows(get(client, f"SELECT ?l WHERE {{ <{GOAL_C}> bk:letter ?l }}")) == [
        {"l": {"type": "literal", "value": "C"}}]


def test_syntax_error_has_its_position(client):
    response = get(client, "SELECT ?x WHERE {\n  ?x a bk:Goal }\nLIMT 5", "text/csv")
    assert response.status_code == 400 and response.mimetype == "text/plain"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    text = response.get_data(as_text=True)
    assert "line 3, column 1" in text
    assert "3 | LIMT 5\n  | ^" in text


def test_syntax_error_as_json_for_json_clients(client):
    response = get(client, "SELECT ?x WHERE {\n  ?x a bk:Goal }\nLIMT 5", "application/json")
    assert response.status_code == 400 and response.mimetype == "application/json"
    body = json.loads(response.data)
    assert (body["line"], body["column"]) == (3, 1)


def test_service_is_refused(client):
    response = get(client, "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")
    assert response.status_code == 400
    assert "SERVICE" in response.get_data(as_text=True)


def test_from_a_local_file_is_refused(client):
    response = get(client, "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }")
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "file:///etc/passwd" in text and "root:" not in text


def test_only_one_query(client):
    response = client.get("/sparql?query=ASK%7B%7D&query=ASK%7B%7D")
    assert response.status_code == 400


def test_oversized_queries(client):
    big = "ASK {}\n" + "#" * (33 * 1024)
    body = client.post("/sparql", data=big.encode(), content_type="application/sparql-query")
    assert body.status_code == 413 and "32768" in body.get_data(as_text=True)
    form = client.post("/sparql", data={"query": "ASK {}", "pad": "x" * (70 * 1024)})
    assert form.status_code == 413


def test_every_answer_varies_on_accept(client):
    answers = [get(client, GOALS), get(client, GOALS, BROWSER), get(client, "SELEKT"),
               get(client, GOALS, "image/png"), get(client),
               client.post("/sparql", data=b"x", content_type="text/plain")]
    for response in answers:
        assert "Accept" in response.headers.get("Vary", ""), response.status


# --- Service description ----------------------------------------------------------------

@pytest.mark.parametrize(("accept", "rdflib_format"), [
    ("text/turtle", "turtle"), ("application/rdf+xml", "xml"), (None, "turtle"),
])
def test_service_description(client, accept, rdflib_format):
    response = get(client, accept=accept)
    assert response.status_code == 200
    graph = Graph().parse(data=response.data, format=rdflib_format)
    endpoint = URIRef("http://localhost/sparql")
    assert (endpoint, RDF.type, SD.Service) in graph
    assert (endpoint, SD.endpoint, endpoint) in graph
    assert (endpoint, SD.supportedLanguage, SD.SPARQL11Query) in graph
    assert len(list(graph.objects(endpoint, SD.resultFormat))) == 8
    names = {str(n) for n in graph.objects(None, SD.name)}
    assert {REPORT_GRAPH, ONTOLOGY_GRAPH} <= names


# --- Row cap ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def capped_client(built_data: Path):
    """A client of an app whose row cap is 5."""
    from web.app import create_app

    return create_app({"data": built_data, "testing": True, "sparql_row_cap": 5}).test_client()


def test_row_cap_is_reported(capped_client):
    response = get(capped_client, GOALS)
    assert response.status_code == 200
    assert response.headers["X-Bokslut-Truncated"] == "5"
    assert len(json_rows(response)) == 5
    page = get(capped_client, GOALS, BROWSER).get_data(as_text=True)
    assert "Resultatet är avkortat" in page
    whole = get(capped_client, "SELECT ?x WHERE { VALUES ?x { 1 2 3 } }")
    assert "X-Bokslut-Truncated" not in whole.headers


def test_memory_overrun_is_a_503_without_retry(built_data: Path):
    from web.app import create_app

    app = create_app({"data": built_data, "testing": True, "sparql_memory_mb": 64,
                      "sparql_timeout": 20})
    response = get(app.test_client(), "SELECT ?a ?d WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f")
    assert response.status_code == 503 and response.mimetype == "text/plain"
    assert "64 MB" in response.get_data(as_text=True)
    assert "Retry-After" not in response.headers
