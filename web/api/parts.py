"""Building blocks of the OpenAPI document: parameters, references, JSON responses."""

from __future__ import annotations

from typing import Any

NULLABLE_STRING = {"type": "string", "nullable": True}
NULLABLE_INT = {"type": "integer", "nullable": True}


def param(name: str, where: str, schema: dict, description: str,
          required: bool = False) -> dict[str, Any]:
    """One parameter object."""
    return {"name": name, "in": where, "required": required, "schema": schema,
            "description": description}


def ref(name: str) -> dict[str, str]:
    """A reference to a component schema."""
    return {"$ref": f"#/components/schemas/{name}"}


def json_response(description: str, schema_name: str) -> dict[str, Any]:
    """A response with a JSON body of a component schema."""
    return {"description": description,
            "content": {"application/json": {"schema": ref(schema_name)}}}
