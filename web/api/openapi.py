"""The OpenAPI 3.0 description of the JSON and RDF endpoints (served at /api/openapi.json)."""

from __future__ import annotations

from typing import Any

from graph import GRAPH_FORMATS, SELECT_FORMATS
from search.hybrid import MAX_QUERY_CHARS, MODES
from web.api.parts import NULLABLE_INT, NULLABLE_STRING, json_response, param, ref
from web.api.rights_schema import RIGHTS_SCHEMAS, rights_operation
from web.search.api import RESULT_FIELDS

KINDS = ["narrative", "indicator", "rights", "development_area"]
RDF_TYPES = list(GRAPH_FORMATS.values())
SPARQL_RESULT_TYPES = [m for name, m in SELECT_FORMATS.items() if name != "table"]
JSON_LD = {"oneOf": [{"type": "array"}, {"type": "object"}],
           "description": "JSON-LD (utvidgad form, utan extern @context)"}


HIT = {
    "type": "object",
    "required": list(RESULT_FIELDS),
    "properties": {
        "rank": {"type": "integer", "minimum": 1, "description": "1 för bästa träffen"},
        "score": {"type": "number", "description": "sammanvägd relevans (högre är bättre)"},
        "text": {"type": "string", "description": "textavsnittets hela text"},
        "snippet": {"type": "string",
                    "description": "utdrag, HTML-escapat, med sökorden inom <mark>"},
        "passage": {"type": "string", "format": "uri", "description": "textavsnittets IRI"},
        "report": {"type": "string", "format": "uri", "description": "bokslutets IRI"},
        "year": {"type": "integer", "description": "bokslutets år"},
        "goal": {**NULLABLE_STRING, "description": "målets bokstav, t.ex. C"},
        "goal_area": {**NULLABLE_INT, "description": "målområdets nummer"},
        "heading": {**NULLABLE_STRING, "description": "rubriken över avsnittet"},
        "page": {**NULLABLE_INT, "description": "sidan i bokslutet"},
        "kind": {"type": "string", "enum": KINDS},
    },
}
SCHEMAS: dict[str, Any] = {
    "SearchResponse": {
        "type": "object", "required": ["query", "results"],
        "properties": {"query": {"type": "string"},
                       "total": {"type": "integer", "minimum": 0,
                                 "description": "träffar över tröskeln, inte bara sidans"},
                       "results": {"type": "array", "items": {"$ref": "#/components/schemas/Hit"}},
                       "note": {"type": "string",
                                "description": "varför inget matchar (frågan ligger utanför "
                                               "rapporternas ämnen)"}},
    },
    "Hit": HIT,
    "Error": {"type": "object", "required": ["error"],
              "properties": {"error": {"type": "string"}, "message": {"type": "string"},
                             "status": {"type": "integer"}}},
    "Health": {
        "type": "object", "required": ["status"],
        "properties": {"status": {"type": "string", "enum": ["ok", "unavailable"]},
                       "store": {"type": "object"}, "index": {"type": "object"}},
    },
    **RIGHTS_SCHEMAS,
    "SparqlResults": {"type": "object", "required": ["head"],
                      "properties": {"head": {"type": "object"}, "results": {"type": "object"},
                                     "boolean": {"type": "boolean"}}},
}


def text_response(description: str, media_types: list[str]) -> dict[str, Any]:
    """A response with a non-JSON body in one of these media types."""
    return {"description": description,
            "content": {m: {"schema": body_schema(m)} for m in media_types}}


def body_schema(media_type: str) -> dict[str, Any]:
    """The schema of a body in this media type (JSON-LD is JSON, the rest is text)."""
    return JSON_LD if media_type == "application/ld+json" else {"type": "string"}


def sparql_error(description: str) -> dict[str, Any]:
    """A SPARQL endpoint error: plain text, or JSON for clients that prefer it."""
    return {"description": description,
            "content": {"text/plain": {"schema": {"type": "string"}},
                        "application/json": {"schema": ref("Error")}}}


def search_operation() -> dict[str, Any]:
    """GET /api/search."""
    return {
        "operationId": "search", "summary": "Sök i boksluten (hybrid BM25 + semantisk sökning)",
        "parameters": [
            param("q", "query", {"type": "string", "minLength": 1, "maxLength": MAX_QUERY_CHARS},
                  "frågan, fri text",
                  required=True),
            param("k", "query", {"type": "integer", "minimum": 1, "maximum": 100, "default": 10},
                  "antal träffar"),
            param("page", "query", {"type": "integer", "minimum": 1, "maximum": 100,
                                    "default": 1}, "sida med k träffar"),
            param("year", "query", {"type": "integer", "minimum": 1900, "maximum": 2100},
                  "bara bokslut från detta år"),
            param("goal", "query", {"type": "string", "pattern": "^[A-Za-z]$"},
                  "bara avsnitt under detta mål (bokstav)"),
            param("goal_area", "query", {"type": "integer", "minimum": 1, "maximum": 99},
                  "bara avsnitt under detta målområde"),
            param("kind", "query", {"type": "string", "enum": KINDS}, "bara denna sorts avsnitt"),
            param("mode", "query", {"type": "string", "enum": list(MODES), "default": "hybrid"},
                  "sökmetod"),
        ],
        "responses": {"200": json_response("träffarna, bäst först", "SearchResponse"),
                      "400": json_response("ogiltig fråga eller parameter", "Error"),
                      "503": json_response("sökindexet saknas", "Error")},
    }


def sparql_operations() -> dict[str, Any]:
    """GET and POST /sparql (SPARQL 1.1 Protocol, read-only)."""
    graphs = {"type": "array", "items": {"type": "string", "format": "uri"}}
    common = [
        param("default-graph-uri", "query", graphs, "grafer som bildar standardgrafen"),
        param("named-graph-uri", "query", graphs, "namngivna grafer frågan får se"),
        param("format", "query", {"type": "string", "enum": [
            *(n for n in SELECT_FORMATS if n != "table"), *GRAPH_FORMATS, "html"]},
            "svarsformat (i stället för Accept)"),
    ]
    responses = {
        "200": {"description": "SELECT/ASK: resultattabell; CONSTRUCT/DESCRIBE: RDF",
                "content": {
                    "application/sparql-results+json": {"schema": ref("SparqlResults")},
                    **{m: {"schema": body_schema(m)}
                       for m in [*SPARQL_RESULT_TYPES[1:], *RDF_TYPES, "text/html"]}}},
        "400": sparql_error("frågan kunde inte tolkas eller avvisades (t.ex. SERVICE)"),
        "406": sparql_error("inget av de begärda formaten passar frågetypen"),
        "413": sparql_error("frågan är större än 32 KB"),
        "415": sparql_error("fel innehållstyp i POST"),
        "503": sparql_error("tidsgränsen eller minnesgränsen nåddes; se Retry-After"),
    }
    query = {"type": "string", "minLength": 1, "maxLength": 32768}
    return {
        "get": {"operationId": "sparqlGet", "summary": "SPARQL-fråga (skrivskyddad)",
                "parameters": [param("query", "query", query, "SPARQL-frågan", required=True),
                               *common],
                "responses": responses},
        "post": {"operationId": "sparqlPost", "summary": "SPARQL-fråga i anropets kropp",
                 "parameters": common,
                 "requestBody": {"required": True, "content": {
                     "application/x-www-form-urlencoded": {"schema": {
                         "type": "object", "required": ["query"],
                         "properties": {"query": query}}},
                     "application/sparql-query": {"schema": query}}},
                 "responses": responses},
    }


def entity_operation() -> dict[str, Any]:
    """GET /id/{path}: an entity's page or its RDF description."""
    return {
        "operationId": "entity", "summary": "En resurs i grafen (HTML eller RDF efter Accept)",
        "parameters": [param("path", "path", {"type": "string", "minLength": 1},
                             "IRI:n efter basen, t.ex. strategi/sodertalje-2025-2030/mal/C",
                             required=True)],
        "responses": {"200": text_response("beskrivningen", ["text/html", *RDF_TYPES]),
                      "404": {"description": "okänd resurs"},
                      "406": {"description": "inget av de begärda formaten finns"}},
    }


def download(media_type: str, summary: str) -> dict[str, Any]:
    """GET of one data dump."""
    return {"get": {"summary": summary,
                    "responses": {"200": text_response("filen", [media_type]),
                                  "503": {"description": "ingen data inläst ännu"}}}}


def document(server_url: str = "/") -> dict[str, Any]:
    """The whole OpenAPI document."""
    return {
        "openapi": "3.0.3",
        "info": {"title": "Bokslutsgrafen", "version": "1",
                 "description": "Sökning, SPARQL och nedladdningar över kommunernas bokslut "
                                "för social hållbarhet. Allt är läsbart utan inloggning."},
        "servers": [{"url": server_url}],
        "paths": {
            "/api/search": {"get": search_operation()},
            "/sparql": sparql_operations(),
            "/api/health": {"get": {
                "operationId": "health", "summary": "Är data och sökindex inlästa?",
                "responses": {"200": json_response("allt redo", "Health"),
                              "503": json_response("data eller index saknas", "Health")}}},
            "/id/{path}": {"get": entity_operation()},
            "/api/rattigheter/{instrument}/{number}": {"get": rights_operation()},
            "/data/bokslut.trig": download("application/trig", "Alla namngivna grafer (TriG)"),
            "/data/bokslut.ttl": download("text/turtle", "Unionen av graferna (Turtle)"),
            "/data/bokslut.jsonld": download("application/ld+json", "Unionen (JSON-LD)"),
            "/data/observationer.csv": download("text/csv", "Alla observationer (CSV)"),
            "/data/void.ttl": download("text/turtle", "VoID-beskrivning av datamängden"),
        },
        "components": {"schemas": SCHEMAS},
    }
