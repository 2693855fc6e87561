"""The start page: the report it is about, målområden and mål, the gap panel, the search box."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, render_template, send_file

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
    """The newest report and what changed, the strategy's målområden and mål, the gaps."""
    from web.start.overview import gap_panel, overview, sdg_list
    from web.start.reports import anchor

    return render_template("start/start.html", areas=overview(), gaps=gap_panel(),
                           anchor=anchor(), sdgs=sdg_list())


@bp.get("/kalla/<name>")
def source(name: str) -> Response:
    """A report's source file as the project read it (only files a report in the store cites)."""
    from web.start.reports import source_file

    path = source_file(name)
    if path is None:
        abort(404)
    return send_file(path, mimetype="text/plain; charset=utf-8", download_name=name)
