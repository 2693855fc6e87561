"""The API description, the health check, the data dumps and the VoID description."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph, Namespace, URIRef
from rdflib.namespace import RDF

from graph.store import graph_sizes, list_graphs, open_store
from web.pipeline.ingest import store_dir
from web.search.api import RESULT_FIELDS, results_json

VOID = Namespace("http://rdfs.org/ns/void#")
BASE = "https://w3id.org/bokslut/id/"
REPORT = BASE + "rapport/sodertalje-2025"
JSON_TYPES = {"string": str, "integer": int, "number": (int, float), "boolean": bool,
              "array": list, "object": dict}


@pytest.fixture(scope="module")
def store(built_data: Path):
    """The built store, read-only."""
    return open_store(store_dir(built_data))


def named_quads(store) -> list:
    """Every quad of the named graphs (the default graph is their derived union)."""
    return [q for q in store.quads_for_pattern(None, None, None, None)
            if not isinstance(q.graph_name, ox.DefaultGraph)]


def union(store) -> set:
    """The distinct triples over all named graphs."""
    return {q.triple for q in named_quads(store)}


def conforms(value: object, schema: dict, components: dict) -> bool:
    """A small check of a value against an OpenAPI 3.0 schema (type, nullable, enum, required)."""
    if "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[1]]
    if value is None:
        return bool(schema.get("nullable"))
    kind = JSON_TYPES[schema["type"]]
    if not isinstance(value, kind) or (schema["type"] == "integer" and isinstance(value, bool)):
        return False
    if "enum" in schema and value not in schema["enum"]:
        return False
    if isinstance(value, dict):
        props = schema.get("properties", {})
        return all(k in value for k in schema.get("required", [])) and all(
            conforms(v, props[k], components) for k, v in value.items() if k in props)
    if isinstance(value, list):
        return all(conforms(v, schema["items"], components) for v in value)
    return True


def test_openapi_describes_the_json_endpoints(client) -> None:
    """Search, SPARQL, health and entity RDF are described; every $ref resolves."""
    doc = client.get("/api/openapi.json").get_json()
    assert doc["openapi"].startswith("3.")
    assert {"/api/search", "/sparql", "/api/health", "/id/{path}"} <= set(doc["paths"])
    params = {p["name"] for p in doc["paths"]["/api/search"]["get"]["parameters"]}
    assert params == {"q", "k", "page", "year", "goal", "goal_area", "kind", "mode"}
    hit = doc["components"]["schemas"]["Hit"]
    assert hit["required"] == list(RESULT_FIELDS)
    assert hit["properties"]["goal"]["nullable"] and hit["properties"]["page"]["nullable"]
    refs = {m.split("/")[-1] for m in _refs(doc)}
    assert refs and refs <= set(doc["components"]["schemas"])
    sparql = doc["paths"]["/sparql"]["get"]["responses"]["200"]["content"]
    assert {"application/sparql-results+json", "text/csv", "text/turtle"} <= set(sparql)


def _refs(node: object) -> list[str]:
    """Every $ref in a JSON tree."""
    if isinstance(node, dict):
        return [v for k, v in node.items() if k == "$ref"] + [
            r for v in node.values() for r in _refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in _refs(v)]
    return []


def test_real_search_results_match_the_described_schema(app, client) -> None:
    """The shared result shape (as the CLI and API emit it) conforms to SearchResponse."""
    from web.services import services

    doc = client.get("/api/openapi.json").get_json()
    schemas = doc["components"]["schemas"]
    with app.app_context():
        hits = services().searcher().search("ensamhet bland äldre", 10, "hybrid")
        payload = results_json("ensamhet bland äldre", hits, services().base)
    assert len(payload["results"]) == 10
    assert any(r["goal"] is None for r in payload["results"]) or all(
        isinstance(r["goal"], str) for r in payload["results"])
    assert conforms(json.loads(json.dumps(payload)), schemas["SearchResponse"], schemas)
    assert not conforms({"query": "x", "results": [{"rank": "1"}]},
                        schemas["SearchResponse"], schemas)


def test_health_reports_store_and_index(client, store) -> None:
    """200 with the live generation's size and the index's passage count."""
    response = client.get("/api/health")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["store"]["triples"] == len(union(store)) > 8000
    assert body["store"]["graphs"] == len(list_graphs(store)) >= 4
    assert body["index"]["passages"] > 200


def test_without_data_health_and_dumps_say_so(tmp_path: Path) -> None:
    """An empty data directory: 503 with a Swedish explanation, never a traceback."""
    from web.app import create_app

    empty = create_app({"data": tmp_path, "testing": True}).test_client()
    health = empty.get("/api/health")
    assert health.status_code == 503
    assert health.get_json()["status"] == "unavailable"
    assert "kunskapsgraf" in health.get_json()["message"]
    dump = empty.get("/data/bokslut.ttl")
    assert dump.status_code == 503 and "bokslut ingest" in dump.get_data(as_text=True)
    page = empty.get("/data")
    assert page.status_code == 200 and "Det finns ingen data ännu" in page.get_data(as_text=True)


@pytest.mark.parametrize(("name", "media"), [
    ("bokslut.trig", "application/trig"), ("bokslut.ttl", "text/turtle"),
    ("bokslut.jsonld", "application/ld+json"), ("observationer.csv", "text/csv")])
def test_dumps_have_media_type_and_attachment_name(client, name: str, media: str) -> None:
    """Each file is served with its media type, UTF-8 and a Content-Disposition file name."""
    response = client.get(f"/data/{name}")
    assert response.status_code == 200
    assert response.mimetype == media and response.mimetype_params["charset"] == "utf-8"
    assert response.headers["Content-Disposition"] == f'attachment; filename="{name}"'
    again = client.get(f"/data/{name}", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""


def test_unknown_dump_is_404(client) -> None:
    """Only the listed files exist."""
    assert client.get("/data/hemligt.txt").status_code == 404
    assert client.get("/data/..%2Fstore").status_code == 404


def test_trig_keeps_every_named_graph(client, store) -> None:
    """The TriG dump parses and holds exactly the store's quads, graph by graph."""
    dataset = Dataset()
    dataset.parse(data=client.get("/data/bokslut.trig").data, format="trig")
    sizes = {str(g.identifier): len(g) for g in dataset.graphs() if len(g)}
    assert sizes == {k: v for k, v in graph_sizes(store).items() if k}
    assert sum(sizes.values()) == len(named_quads(store))


def test_turtle_and_jsonld_hold_the_union(client, store) -> None:
    """Turtle and JSON-LD parse with rdflib to the same union graph (local context only)."""
    triples = union(store)
    turtle = Graph().parse(data=client.get("/data/bokslut.ttl").data, format="turtle")
    body = client.get("/data/bokslut.jsonld").data
    assert b'"@context": "http' not in body and b'"@context":"http' not in body
    jsonld = Graph().parse(data=body, format="json-ld")
    assert len(turtle) == len(jsonld) == len(triples)
    goal_c = URIRef(BASE + "strategi/sodertalje-2025-2030/mal/C")
    assert set(turtle.predicate_objects(goal_c)) == set(jsonld.predicate_objects(goal_c))


def test_observations_csv_has_one_row_per_observation(client, report) -> None:
    """276 rows for the 2025 report, the documented columns, decimal values, known sexes."""
    text = client.get("/data/observationer.csv").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0])[:12] == ["indikator", "indikator_iri", "mal", "omrade", "omrade_iri",
                                  "ar", "kon", "uppdelning", "varde", "enhet", "kalla",
                                  "rapport"]
    mine = [r for r in rows if r["rapport"] == REPORT]
    expected = sum(len(i.observations) for i in report.indicators)
    assert len(mine) == expected == 276
    assert len({r["observation_iri"] for r in mine}) == 276
    assert {r["kon"] for r in mine} == {"", "kvinnor", "män"}
    assert all(Decimal(r["varde"]) is not None and r["ar"].isdigit() for r in mine)
    assert {r["mal"] for r in mine} <= set("ABCDEFGHIJKLMNO")
    assert any(r["omrade"] == "Riket" and r["omrade_iri"] == BASE + "omrade/riket" for r in mine)
    first = report.indicators[0]
    values = {Decimal(r["varde"]) for r in mine if r["indikator"] == first.name}
    assert values == {Decimal(str(o.value)) for o in first.observations}


def test_void_counts_match_the_store(client, store) -> None:
    """VoID parses; its triple count is the store's union; subsets are the named graphs."""
    response = client.get("/data/void.ttl")
    assert response.mimetype == "text/turtle"
    void = Graph().parse(data=response.data, format="turtle")
    (dataset,) = [s for s in void.subjects(RDF.type, VOID.Dataset)
                  if (s, VOID.subset, None) in void]
    assert void.value(dataset, VOID.triples).toPython() == len(union(store))
    subsets = list(void.objects(dataset, VOID.subset))
    sizes = {k: v for k, v in graph_sizes(store).items() if k}
    assert {str(s): void.value(s, VOID.triples).toPython() for s in subsets} == sizes
    assert str(void.value(dataset, VOID.sparqlEndpoint)) == "http://localhost/sparql"
    assert URIRef("https://w3id.org/bokslut/def#") in set(void.objects(dataset, VOID.vocabulary))
    partitions = {str(void.value(p, VOID["class"])): void.value(p, VOID.entities).toPython()
                  for p in void.objects(dataset, VOID.classPartition)}
    assert partitions["https://w3id.org/bokslut/def#Goal"] == 15
    assert void.value(dataset, VOID.classes).toPython() == len(partitions)
    for dump in void.objects(dataset, VOID.dataDump):
        assert client.get(str(dump).removeprefix("http://localhost")).status_code == 200


def test_well_known_void_is_the_same_description(client) -> None:
    """/.well-known/void (the VoID spec's discovery place) serves the same Turtle."""
    assert client.get("/.well-known/void").data == client.get("/data/void.ttl").data


def test_downloads_page_lists_files_columns_and_graphs(client) -> None:
    """The Swedish page links every file with its size and explains the CSV's columns."""
    response = client.get("/data")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<h1>Ladda ner data</h1>" in html
    for name in ("bokslut.trig", "bokslut.ttl", "bokslut.jsonld", "observationer.csv"):
        assert f'href="/data/{name}"' in html
    assert "kB" in html and "<code>varde</code>" in html and "graf/rapport/sodertalje-2025" in html
    assert 'href="/data/void.ttl"' in html and 'href="/api/openapi.json"' in html
    assert 'aria-current="page"' in html  # the menu marks Data as the current page
