"""Template filters: local links for graph IRIs, Swedish number formatting."""

from __future__ import annotations

from decimal import Decimal

from flask import Flask

from web.services import services


def local(iri: str) -> str:
    """An instance IRI as a link to its page on this site (/id/…); others unchanged."""
    base = services().base
    return "/id/" + iri[len(base):] if iri.startswith(base) else iri


def sv_number(value: object) -> str:
    """9.1 -> '9,1' (decimal comma), integers unchanged."""
    if isinstance(value, float):
        value = Decimal(str(round(value, 2)))
    if isinstance(value, Decimal):
        return format(value.normalize(), "f").replace(".", ",")
    return str(value)


def init_app(app: Flask) -> None:
    """Register the filters."""
    app.add_template_filter(local, "local")
    app.add_template_filter(sv_number, "sv")
