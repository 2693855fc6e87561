"""The rights explorer: instruments, their articles, and the insatser that support each, ranked."""

from __future__ import annotations

import json

from flask import Blueprint, Response, abort, render_template, request
from werkzeug.exceptions import HTTPException, NotFound

from graph import StoreError
from web.rights.answer import CLASS_ORDER, answer_csv, article_answer, explanation
from web.rights.data import INSTRUMENTS, article_detail, articles_of, instrument_info
from web.services import services

bp = Blueprint("rights", __name__, template_folder="../templates")


@bp.errorhandler(404)
def not_found(error: HTTPException) -> tuple[str, int]:
    """A Swedish 404 page that says what was not found and where to go instead."""
    return render_template("rights/404.html", message=error.description), 404


@bp.errorhandler(StoreError)
def no_data(error: StoreError) -> tuple[str, int]:
    """503 with a Swedish explanation when no store has been built."""
    return render_template("rights/404.html", heading="Rättigheterna är inte tillgängliga",
                           message="Det finns ingen data ännu: kör bokslut ingest."), 503


def known_instrument(slug: str) -> dict:
    """The instrument for a URL segment, or 404."""
    info = instrument_info(slug) if slug in INSTRUMENTS else None
    if info is None:
        abort(404, description=f"Okänt rättighetsinstrument: {slug}")
    return info


@bp.get("/rattigheter")
def index() -> str:
    """All four instruments with every article, counts per class, optionally only linked ones."""
    only_linked = request.args.get("bara") == "kopplade"
    instruments = []
    for slug in INSTRUMENTS:
        info = instrument_info(slug)
        if info is not None:
            articles = articles_of(slug)
            shown = [a for a in articles if a["linked"]] if only_linked else articles
            instruments.append(info | {"articles": shown, "total": len(articles),
                                       "linked": sum(a["linked"] for a in articles)})
    return render_template("rights/index.html", instruments=instruments,
                           only_linked=only_linked, classes=CLASS_ORDER)


@bp.get("/rattigheter/<instrument>")
def instrument(instrument: str) -> str:
    """One instrument's articles."""
    info = known_instrument(instrument)
    return render_template("rights/instrument.html", instrument=info,
                           articles=articles_of(instrument), classes=CLASS_ORDER)


def answer_or_404(instrument: str, number: int) -> tuple[dict, dict]:
    """(instrument info, ranked answer for the requested year) or a 404 that says why."""
    info = known_instrument(instrument)
    year = request.args.get("ar", type=int)
    answer = article_answer(services().store(), services().base, instrument, number, year)
    if answer is None:
        abort(404, description=f"{info['label']} har ingen {info['word']} {number}")
    if year is not None and year not in answer["article"]["years"]:
        abort(404, description=f"Inget bokslut för {year}")
    return info, answer


@bp.get("/rattigheter/<instrument>/<int:number>")
def article(instrument: str, number: int) -> str:
    """One article: what it guarantees, the ranked insatser with evidence, the report's lists."""
    info, answer = answer_or_404(instrument, number)
    detail = article_detail(instrument, number)
    groups = [(cls, explanation(cls, answer["article"]["title"]),
               [a for a in answer["actions"] if a["class"] == cls]) for cls in CLASS_ORDER]
    return render_template("rights/article.html", instrument=info, article=detail,
                           answer=answer, groups=groups)


def json_error(status: int, error: str, message: str) -> Response:
    """An API error as the OpenAPI document's Error schema."""
    body = {"error": error, "message": message, "status": status}
    return Response(json.dumps(body, ensure_ascii=False), status, mimetype="application/json")


@bp.get("/api/rattigheter/<instrument>/<int:number>")
def article_json(instrument: str, number: int) -> Response:
    """The article page's JSON twin: the same ranked answer the CLI prints (errors in JSON)."""
    try:
        answer = answer_or_404(instrument, number)[1]
    except NotFound as missing:
        return json_error(404, "hittades inte", str(missing.description))
    except StoreError:
        return json_error(503, "ingen data", "Det finns ingen data ännu: kör bokslut ingest.")
    body = json.dumps(answer, ensure_ascii=False)
    return Response(body, mimetype="application/json")  # key order as the CLI prints it


@bp.get("/rattigheter/<instrument>/<int:number>.csv")
def article_csv(instrument: str, number: int) -> Response:
    """The ranked answer as a CSV download."""
    _, answer = answer_or_404(instrument, number)
    a = answer["article"]
    name = f"{a['instrument'].lower()}-{a['number']}-{a['year']}.csv"
    return Response(answer_csv(answer), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
