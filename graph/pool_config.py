"""The query pool's settings, its refusals, and how a worker process is started."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class PoolConfig:
    """Pool size, waiting places, one client's share, and the unisolated override."""

    workers: int = 2
    queue: int = 16
    per_client: int = 4
    allow_unisolated: bool = False

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> PoolConfig:
        """The pool settings (sparql_workers, sparql_queue, sparql_per_client, …)."""
        return cls(workers=max(1, int(settings["sparql_workers"])),
                   queue=max(0, int(settings["sparql_queue"])),
                   per_client=max(1, int(settings["sparql_per_client"])),
                   allow_unisolated=bool(settings["sparql_allow_unisolated"]))


class PoolBusy(Exception):
    """No worker is free and no waiting place is left (or this client holds its share)."""

    def __init__(self, message: str, per_client: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.per_client = per_client


class IsolationUnavailable(Exception):
    """Workers cannot leave the network here and running unisolated is not allowed."""


def worker_command(allow_unisolated: bool) -> list[str]:
    """How a worker is started: this interpreter, the worker's own start file."""
    flag = ["--allow-unisolated"] if allow_unisolated else []
    return [sys.executable, str(Path(__file__).with_name("worker_start.py")), *flag]


UNISOLATED = (
    "Queries are not run here: the query process could neither enter an empty network "
    "namespace nor install its seccomp filter, so nothing would stop a query from reaching "
    "the network. An administrator can allow unisolated queries with "
    "BOKSLUT_SPARQL_ALLOW_UNISOLATED=1 (not recommended)."
)


def worker_env() -> dict[str, str]:
    """The worker's environment: this one, with the project importable."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(_ROOT), env.get("PYTHONPATH")) if p)
    return env
