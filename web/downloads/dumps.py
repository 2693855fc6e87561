"""Data dumps built from the live store: RDF exports and a tidy CSV of every observation.

Each dump is built once per store generation and kept in memory until a re-ingest publishes
a new generation (the whole graph is a few MB).
"""

from __future__ import annotations

import csv
import io
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from graph import GraphReader, sparql_prologue


@dataclass(frozen=True)
class Dump:
    """One downloadable file."""

    name: str
    label: str
    media_type: str
    description: str
    build: Callable[[GraphReader], bytes]


OBSERVATIONS = sparql_prologue() + """
SELECT ?obs ?indicator (SAMPLE(?il) AS ?indicatorLabel) (SAMPLE(?l) AS ?letter) ?area
       (SAMPLE(?al) AS ?areaLabel) ?year ?sex ?breakdown ?value ?unit ?source ?report
WHERE {
  ?obs a qb:Observation ; bk:indicator ?indicator ; sdmx-measure:obsValue ?value ;
       sdmx-dimension:refArea ?area ; bk:year ?year ; bk:report ?report .
  ?indicator skos:prefLabel ?il .
  OPTIONAL { ?indicator bk:goal/bk:letter ?l }
  OPTIONAL { ?indicator bk:unit ?unit }
  OPTIONAL { ?indicator dcterms:source ?source }
  OPTIONAL { ?area skos:prefLabel ?al FILTER(lang(?al) = "sv" || lang(?al) = "") }
  OPTIONAL { ?obs sdmx-dimension:sex ?sex }
  OPTIONAL { ?obs bk:breakdown ?breakdown }
}
GROUP BY ?obs ?indicator ?area ?year ?sex ?breakdown ?value ?unit ?source ?report
ORDER BY ?report ?letter ?indicatorLabel ?areaLabel ?year ?sex ?breakdown ?obs
"""
# (CSV column, query variable) in column order.
CSV_COLUMNS = (
    ("indikator", "indicatorLabel"), ("indikator_iri", "indicator"), ("mal", "letter"),
    ("omrade", "areaLabel"), ("omrade_iri", "area"), ("ar", "year"), ("kon", "sex"),
    ("uppdelning", "breakdown"), ("varde", "value"), ("enhet", "unit"), ("kalla", "source"),
    ("rapport", "report"), ("observation_iri", "obs"),
)
SEX_LABELS = {"http://purl.org/linked-data/sdmx/2009/code#sex-F": "kvinnor",
              "http://purl.org/linked-data/sdmx/2009/code#sex-M": "män"}


def observation_rows(store: GraphReader) -> list[dict[str, str]]:
    """One dict per observation, keyed by CSV column, every value as plain text."""
    rows = []
    for found in store.select(OBSERVATIONS, trusted=True):
        text = {var: str(found[var]) if var in found else "" for _, var in CSV_COLUMNS}
        text["sex"] = SEX_LABELS.get(text["sex"], text["sex"])
        rows.append({column: text[var] for column, var in CSV_COLUMNS})
    return rows


def observations_csv(store: GraphReader) -> bytes:
    """The tidy CSV: a header row, then one row per observation (UTF-8, comma, decimal point)."""
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=[c for c, _ in CSV_COLUMNS], lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(observation_rows(store))
    return out.getvalue().encode("utf-8")


def rdf_export(fmt: str) -> Callable[[GraphReader], bytes]:
    """A builder exporting the generation in one RDF format."""
    return lambda store: store.export(fmt)


DUMPS: dict[str, Dump] = {d.name: d for d in (
    Dump("bokslut.trig", "TriG", "application/trig",
         "Hela datamängden med de namngivna graferna bevarade: en graf per bokslut, "
         "ontologin, referensvokabulären, de kurerade och de härledda kopplingarna.",
         rdf_export("trig")),
    Dump("bokslut.ttl", "Turtle", "text/turtle",
         "Unionen av alla grafer som en enda graf (varje trippel en gång).", rdf_export("ttl")),
    Dump("bokslut.jsonld", "JSON-LD", "application/ld+json",
         "Samma union som Turtle-filen, som JSON-LD.", rdf_export("jsonld")),
    Dump("observationer.csv", "CSV", "text/csv",
         "Alla indikatorvärden i tabellform, en rad per observation.", observations_csv),
)}


class DumpCache:
    """Built files per (store, generation, name); entries of older generations are dropped."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[tuple[str, str, str], bytes] = {}

    def get(self, store_dir: Path, generation: Path, name: str,
            build: Callable[[GraphReader], bytes]) -> bytes:
        """The cached body, building it (outside the lock) on first use."""
        key = (str(store_dir), generation.name, name)
        with self._lock:
            if key in self._entries:
                return self._entries[key]
        body = build(generation)
        with self._lock:
            for old in [k for k in self._entries if k[0] == key[0] and k[1] != key[1]]:
                del self._entries[old]
            self._entries[key] = body
        return body


CACHE = DumpCache()
