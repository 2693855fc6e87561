"""CSV and JSON of an answer page: /export/<resource>.csv|.json (mål, indikator), /sok.csv."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, abort, request

from graph import BK, StoreError, quality_notes
from search.index_store import SearchIndexError
from web.answers.tables import HIT_COLUMNS, OBS_COLUMNS, hit_rows, obs_rows, plain, to_csv
from web.entity import indicators as entity_indicators
from web.entity import strategy as entity_strategy
from web.entity.data import exists, types
from web.search.views import SearchForm
from web.services import services

bp = Blueprint("answers", __name__)
FORMATS = {"csv": "text/csv; charset=utf-8", "json": "application/json"}


@bp.errorhandler(SearchIndexError)
@bp.errorhandler(StoreError)
def no_data(_error: Exception) -> Response:
    """503 in Swedish when nothing is ingested (or the index is damaged)."""
    return Response("fel: det finns ingen data ännu, eller sökindexet är skadat: kör "
                    "bokslut ingest.\n", 503, content_type="text/plain; charset=utf-8")


def _send(body: str, fmt: str, name: str) -> Response:
    """The file, named for saving (UTF-8 with BOM for CSV, so spreadsheets read å, ä, ö)."""
    if fmt == "csv":
        body = "\ufeff" + body
    response = Response(body, content_type=FORMATS[fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def indicator_answer(store: Any, iri: str) -> tuple[list[dict], dict]:
    """Every observation of one indicator, and the JSON document of its page."""
    data = entity_indicators.indicator(store, iri)
    info = data["info"]
    rows = obs_rows(data["observations"], info["label"], info["unit"])
    doc = {"indikator": plain(info), "observationer": plain(rows),
           "datakvalitet": [n.message for n in quality_notes(store, iri)],
           "kommentarer": data["comments"], "harkomst": plain(data["provenance"])}
    return rows, doc


def goal_answer(store: Any, iri: str) -> tuple[list[dict], dict]:
    """The observations of the mål's indicators, and the JSON document of its page."""
    data = entity_strategy.goal(store, iri)
    obs = entity_indicators.observations(store, goal=iri)
    rows = [row for ind in data["indicators"] for row in obs_rows(
        [o for o in obs if o.indicator == ind["ind"]], ind["label"], ind["unit"])]
    doc = {"mal": plain(data["info"]), "insatser": plain(data["actions"]),
           "initiativ": plain(data["initiatives"]), "rattigheter": plain(data["rights"]),
           "globala_mal": plain(data["sdgs"]), "indikatorer": plain(data["indicators"]),
           "observationer": plain(rows)}
    return rows, doc


ANSWERS = {str(BK.Indicator): indicator_answer, str(BK.Goal): goal_answer}


@bp.get("/export/<path:rest>.<fmt>")
def resource(rest: str, fmt: str) -> Response:
    """The mål or indicator page's data as CSV (its figures) or JSON (all it shows)."""
    if fmt not in FORMATS:
        abort(404)
    store, iri = services().store(), services().base + rest
    if not exists(store, iri):
        abort(404)
    build = next((ANSWERS[t] for t in types(store, iri) if t in ANSWERS), None)
    if build is None:
        abort(404)
    rows, doc = build(store, iri)
    name = rest.replace("/", "-")
    if fmt == "csv":
        return _send(to_csv(rows, OBS_COLUMNS), fmt, name)
    return _send(json.dumps(doc, ensure_ascii=False, indent=1), fmt, name)


@bp.get("/sok.<fmt>")
def search(fmt: str) -> Response:
    """The search page's hits as CSV or JSON (same parameters as /sok)."""
    if fmt not in FORMATS:
        abort(404)
    form = SearchForm.parse(request.args)
    if form.errors or not form.searchable:
        message = " ".join(form.errors) or ("fel: sökfrågan saknar ord att söka på (bara småord "
                                            "eller tecken); ange minst ett sakord (q=…).")
        return Response(message + "\n", 400, content_type="text/plain; charset=utf-8")
    rows = hit_rows(form.run(), services().base)
    if fmt == "csv":
        return _send(to_csv(rows, HIT_COLUMNS), fmt, "sokresultat")
    return _send(json.dumps({"q": form.text, "traffar": rows}, ensure_ascii=False, indent=1),
                 fmt, "sokresultat")
