"""What the editor completes: the known prefixes and the vocabulary's classes and properties."""

from __future__ import annotations

import json
from functools import lru_cache

from graph import PREFIXES, StoreError, sparql_prologue
from web.services import services

# The ontology's own terms with their Swedish label, and every predicate and class the data
# uses (qb:, sdmx-…:, skos:, dcterms: …), so completion offers what a query can match.
TERMS = sparql_prologue() + """
SELECT ?term ?kind (SAMPLE(?l) AS ?label) (SAMPLE(?c) AS ?comment) WHERE {
  { ?term a owl:Class . BIND("class" AS ?kind) }
  UNION { ?term a ?pt . VALUES ?pt { owl:ObjectProperty owl:DatatypeProperty rdf:Property }
          BIND("property" AS ?kind) }
  UNION { [] ?term [] . BIND("property" AS ?kind) }
  UNION { [] a ?term . BIND("class" AS ?kind) }
  OPTIONAL { ?term rdfs:label ?l FILTER(lang(?l) = "sv") }
  OPTIONAL { ?term rdfs:comment ?c FILTER(lang(?c) = "sv" || lang(?c) = "") }
} GROUP BY ?term ?kind
"""


def compact(iri: str) -> str | None:
    """The IRI as prefix:local with a known prefix, or None when no prefix fits."""
    for name, base in PREFIXES.items():
        local = iri[len(base):]
        if iri.startswith(base) and local and all(ch.isalnum() or ch in "_-" for ch in local):
            return f"{name}:{local}"
    return None


def vocabulary() -> dict:
    """Prefixes and terms, for the page to embed as JSON."""
    try:
        store = services().store()
    except StoreError:
        return {"prefixes": dict(PREFIXES), "terms": []}
    # a new generation after a re-ingest: a new store object, or a reader's new generation
    return _cached((id(store), str(getattr(store, "generation", ""))), store)


@lru_cache(maxsize=2)
def _cached(_key: tuple[int, str], store: object) -> dict:
    """One lookup per store generation."""
    terms: dict[str, dict] = {}
    for row in store.select(TERMS, trusted=True):  # type: ignore[arg-type]
        name = compact(str(row["term"]))
        if name is None or (name in terms and terms[name].get("label")):
            continue
        label, comment = row.get("label"), row.get("comment")
        terms[name] = {"name": name, "kind": str(row["kind"]),
                       "label": str(label) if label else "",
                       "comment": str(comment)[:300] if comment else ""}
    return {"prefixes": dict(PREFIXES), "terms": sorted(terms.values(), key=lambda t: t["name"])}


def vocabulary_json() -> str:
    """The vocabulary as JSON safe inside a <script type="application/json"> element."""
    text = json.dumps(vocabulary(), ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
