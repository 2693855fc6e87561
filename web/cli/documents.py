"""Options that say what a document is when it does not say so itself (--municipality …)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from corpus.unstructured import Metadata


def metadata_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """--municipality, --year and --title for documents outside the bokslut format."""
    func = click.option("--title", default=None,
                        help="Title, when the document does not give one.")(func)
    func = click.option("--year", type=click.IntRange(1900, 2100), default=None,
                        help="Report year (e.g. 2023).")(func)
    return click.option("--municipality", default=None,
                        help="Municipality, e.g. 'Nykvarns kommun'.")(func)


def metadata(municipality: str | None, year: int | None, title: str | None) -> Metadata:
    """The options as one Metadata value."""
    return Metadata(municipality, year, title)
