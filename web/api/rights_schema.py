"""The OpenAPI description of /api/rattigheter/…: the ranked answer for one article."""

from __future__ import annotations

from typing import Any

from web.api.parts import NULLABLE_INT, NULLABLE_STRING, json_response, param, ref
from web.rights.answer import CLASS_ORDER
from web.rights.data import INSTRUMENTS

RIGHTS_SCHEMAS: dict[str, Any] = {
    "RightsAnswer": {
        "type": "object", "required": ["article", "actions"],
        "properties": {"article": ref("RightsArticle"),
                       "actions": {"type": "array", "items": ref("RightsAction"),
                                   "description": "insatserna i rangordning, bäst först"}},
    },
    "RightsArticle": {
        "type": "object",
        "required": ["iri", "instrument", "number", "title", "definition", "procedural", "year",
                     "years"],
        "properties": {
            "iri": {"type": "string", "format": "uri"},
            "instrument": {"type": "string", "description": "CRC, UDHR, CRPD eller JAM"},
            "number": {"type": "integer"},
            "title": NULLABLE_STRING,
            "definition": {**NULLABLE_STRING, "description": "vad artikeln garanterar"},
            "scope": {**NULLABLE_STRING,
                      "description": "vilket kommunalt arbete som brukar tjäna rättigheten "
                                     "(skos:scopeNote); saknas för procedurartiklar"},
            "procedural": {"type": "boolean",
                           "description": "artikeln ger ingen rättighet åt en person, så "
                                          "ingen insats kopplas till den"},
            "year": {**NULLABLE_INT, "description": "bokslutsåret som rangordnats"},
            "years": {"type": "array", "items": {"type": "integer"},
                      "description": "alla bokslutsår i datan, senast först"}},
    },
    "RightsAction": {
        "type": "object",
        "required": ["goal", "order", "iri", "heading", "class", "score", "evidence", "rank",
                     "year"],
        "properties": {
            "goal": {"type": "string", "description": "målets bokstav, t.ex. C"},
            "order": {"type": "integer", "description": "insatsens plats under målet"},
            "iri": {"type": "string", "format": "uri"},
            "heading": {"type": "string"},
            "class": {"type": "string", "enum": list(CLASS_ORDER)},
            "score": {"type": "number", "description": "relevans (högre är bättre)"},
            "evidence": {"type": "object", "required": ["passage", "sentence", "page"],
                         "properties": {"passage": {"type": "string", "format": "uri"},
                                        "sentence": {"type": "string"},
                                        "page": NULLABLE_INT}},
            "rank": {"type": "integer", "minimum": 1},
            "year": {"type": "integer"}},
    },
}


def rights_operation() -> dict[str, Any]:
    """GET /api/rattigheter/{instrument}/{number}: the ranked answer for one article."""
    return {
        "operationId": "rightsArticle",
        "summary": "Vilka insatser stöder rättigheten? Rangordnade, med belägg",
        "parameters": [
            param("instrument", "path", {"type": "string", "enum": list(INSTRUMENTS)},
                  "rättighetsinstrumentet", required=True),
            param("number", "path", {"type": "integer", "minimum": 0, "maximum": 999},
                  "artikelns (eller delmålets) nummer", required=True),
            param("ar", "query", {"type": "integer", "minimum": 1900, "maximum": 2100},
                  "bokslutsåret (standard: det senaste)"),
        ],
        "responses": {"200": json_response("artikeln och insatserna i rangordning",
                                           "RightsAnswer"),
                      "404": json_response("ingen sådan artikel, eller inget bokslut det året",
                                           "Error"),
                      "503": json_response("ingen data inläst ännu", "Error")},
    }
