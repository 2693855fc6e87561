"""The start page: målområden and mål at a glance, the gap panel, the search box."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template

bp = Blueprint("start", __name__, static_folder="../static", static_url_path="/static",
               template_folder="../templates")

NAV = [("sparql.editor", "SPARQL"), ("search.page", "Sök"), ("rights.index", "Rättigheter"),
       ("downloads.page", "Data")]


@bp.app_context_processor
def navigation() -> dict:
    """Menu links for the areas this app has registered."""
    endpoints = set(current_app.view_functions)
    return {"nav_links": [(e, label) for e, label in NAV if e in endpoints],
            "endpoints": endpoints}


@bp.get("/")
def index() -> str:
    """The strategy's målområden and mål with counts."""
    from web.start.overview import gap_panel, overview

    return render_template("start/start.html", areas=overview(), gaps=gap_panel())
