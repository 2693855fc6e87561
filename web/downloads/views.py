"""Downloads at /data: RDF dumps, a CSV of every observation, and the VoID description."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for

from graph import StoreError
from web.downloads.dumps import CACHE, CSV_COLUMNS, DUMPS
from web.downloads.void import Links, describe, graph_titles, public_base
from web.services import services

bp = Blueprint("downloads", __name__, template_folder="../templates")

NO_DATA = "Det finns ingen data ännu: läs in boksluten med bokslut ingest.\n"
COLUMN_HELP = {
    "indikator": "indikatorns namn som bokslutet skriver det",
    "indikator_iri": "indikatorns IRI i grafen (samma nod för alla år)",
    "mal": "målets bokstav (A–O)",
    "omrade": "geografiskt område, t.ex. Södertälje, Stockholms län, Riket",
    "omrade_iri": "områdets IRI",
    "ar": "året värdet avser",
    "kon": "kvinnor eller män när värdet gäller ett kön, annars tomt",
    "uppdelning": "annan uppdelning, t.ex. Åk 7-9, annars tomt",
    "varde": "värdet med decimalpunkt",
    "enhet": "enheten, t.ex. %",
    "kalla": "källan enligt bokslutets tabell",
    "rapport": "bokslutets IRI",
    "observation_iri": "observationens IRI (qb:Observation)",
}


def live_generation() -> Path:
    """The published store generation, or a 503 when nothing has been ingested."""
    generation = services().live.generation
    if generation is None:
        abort(Response(NO_DATA, 503, content_type="text/plain; charset=utf-8"))
    return generation


def build(name: str) -> tuple[bytes, Path]:
    """A dump's body for the live generation (cached) and that generation."""
    generation = live_generation()
    body = CACHE.get(services().store_path, generation, name,
                     lambda _: DUMPS[name].build(services().store()))
    return body, generation


def file_response(body: bytes, media_type: str, generation: Path, tag: str,
                  attachment: str | None = None) -> Response:
    """A UTF-8 file with validators, so clients can revalidate instead of downloading again."""
    response = Response(body, content_type=f"{media_type}; charset=utf-8")
    if attachment:
        response.headers["Content-Disposition"] = f'attachment; filename="{attachment}"'
    response.set_etag(f"{generation.name}-{tag}")
    response.last_modified = datetime.fromtimestamp(generation.stat().st_mtime, UTC)
    response.cache_control.no_cache = True
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response.make_conditional(request)


@bp.get("/data/<name>")
def dump(name: str) -> Response:
    """One dump file as an attachment."""
    if name not in DUMPS:
        abort(404)
    body, generation = build(name)
    return file_response(body, DUMPS[name].media_type, generation, name, attachment=name)


def site_links() -> Links:
    """Absolute URLs for the VoID description, on the public base URL (setting or cached)."""
    base = public_base(current_app.extensions, services().settings["public_base_url"],
                       request.host_url)
    sparql = (base + url_for("sparql.editor")
              if "sparql.editor" in current_app.view_functions else None)
    dumps = [base + url_for("downloads.dump", name=n)
             for n, d in DUMPS.items() if d.media_type != "text/csv"]
    return Links(home=base + url_for("start.index"), sparql=sparql, dumps=dumps)


@bp.get("/.well-known/void")
@bp.get("/data/void.ttl")  # applied first, so url_for gives this one
def void() -> Response:
    """The VoID description of the dataset (Turtle, shown inline)."""
    generation = live_generation()
    links = site_links()
    site = hashlib.sha256(f"{links.home} {links.sparql}".encode()).hexdigest()[:12]
    tag = f"void-{site}"

    def make(gen: Path) -> bytes:
        """Describe this generation with this site's URLs."""
        graph = describe(services().store(), gen, services().base, links)
        return graph.serialize(format="turtle").encode("utf-8")

    body = CACHE.get(services().store_path, generation, tag, make)
    return file_response(body, "text/turtle", generation, tag)


def size_text(size: int) -> str:
    """A file size in Swedish: '594 kB', '1,2 MB'."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} kB"
    return f"{size / (1024 * 1024):.1f} MB".replace(".", ",")


@bp.get("/data")
def page() -> str | Response:
    """The downloads page: files with sizes, the CSV's columns, the named graphs."""
    generation = services().live.generation
    files, graphs = [], []
    if generation is not None:
        try:
            store = services().store()
            titles = graph_titles(store, services().base)
            graphs = [(iri, titles.get(iri, iri), size)
                      for iri, size in sorted(store.graph_sizes().items()) if iri]
            files = [(d, size_text(len(build(n)[0]))) for n, d in DUMPS.items()]
        except StoreError:
            files, graphs = [], []
    return render_template("downloads/downloads.html", files=files, graphs=graphs,
                           has_data=bool(files),
                           columns=[(c, COLUMN_HELP[c]) for c, _ in CSV_COLUMNS])
