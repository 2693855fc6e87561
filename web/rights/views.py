"""The rights explorer: instruments, their articles, and what in the reports supports each."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from werkzeug.exceptions import HTTPException

from graph.store import StoreError
from web.pipeline.inferred import THRESHOLD
from web.rights.data import INSTRUMENTS, article_detail, articles_of, instrument_info

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
    """All four instruments with every article and how much links to it."""
    instruments = [info | {"articles": articles_of(slug)}
                   for slug in INSTRUMENTS if (info := instrument_info(slug)) is not None]
    return render_template("rights/index.html", instruments=instruments)


@bp.get("/rattigheter/<instrument>")
def instrument(instrument: str) -> str:
    """One instrument's articles."""
    info = known_instrument(instrument)
    return render_template("rights/instrument.html", instrument=info,
                           articles=articles_of(instrument))


@bp.get("/rattigheter/<instrument>/<int:number>")
def article(instrument: str, number: int) -> str:
    """One article: stated målområden, mål, insatser, indikatorer; inferred insatser apart."""
    info = known_instrument(instrument)
    detail = article_detail(instrument, number)
    if detail is None:
        abort(404, description=f"{info['label']} har ingen {info['word']} {number}")
    return render_template("rights/article.html", instrument=info, article=detail,
                           threshold=THRESHOLD)
