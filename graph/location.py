"""Where the graph lives: the data directory's store, and optionally an external SPARQL server."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class StoreLocation:
    """The store directory (generations and their derived files, always local) and, when
    `endpoint` is set, the SPARQL 1.1 server that holds the published quads."""

    directory: Path
    endpoint: str | None = None
    query_path: str = "/query"
    update_path: str = "/update"

    @classmethod
    def parse(cls, directory: Path, store: str | None, query_path: str = "/query",
              update_path: str = "/update") -> StoreLocation:
        """From the BOKSLUT_STORE setting: '' or 'oxigraph' = embedded, an http(s) URL = server."""
        value = (store or "").strip()
        if value in ("", "oxigraph", "embedded"):
            return cls(Path(directory))
        if not value.startswith(("http://", "https://")):
            raise ValueError(f"BOKSLUT_STORE={value!r}: expected empty (the embedded store) "
                             "or the URL of a SPARQL server, e.g. http://127.0.0.1:7878")
        return cls(Path(directory), value.rstrip("/"), query_path, update_path)

    @property
    def remote(self) -> bool:
        """True when the quads are served by an external SPARQL server."""
        return self.endpoint is not None

    @property
    def query_url(self) -> str:
        """The SPARQL 1.1 Protocol query URL."""
        return _join(self.endpoint or "", self.query_path)

    @property
    def update_url(self) -> str:
        """The SPARQL 1.1 Update URL."""
        return _join(self.endpoint or "", self.update_path)

    def describe(self) -> str:
        """A short human description (for logs and health output)."""
        return self.endpoint or str(self.directory)


def _join(base: str, path: str) -> str:
    """A server URL plus a path setting (a full URL in the setting is taken as is)."""
    if path.startswith(("http://", "https://")):
        return path
    return base + "/" + path.lstrip("/")
