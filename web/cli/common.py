"""Shared pieces of the CLI: settings from options, user-facing errors."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

import click

from web.settings import resolve


def fail(message: str, code: int = 1) -> NoReturn:
    """Print a user-facing error and exit non-zero (no traceback)."""
    click.echo(f"fel: {message}", err=True)
    sys.exit(code)


def data_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """--data DIR (overrides BOKSLUT_DATA)."""
    return click.option("--data", "data", type=click.Path(path_type=Path), default=None,
                        help="Data directory (default: BOKSLUT_DATA or ./data).")(func)


def settings(**overrides: Any) -> dict[str, Any]:
    """Resolved settings with CLI overrides applied."""
    return resolve(overrides)
