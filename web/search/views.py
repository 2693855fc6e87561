"""Search: the /sok page, its JSON twin /api/search, and a passage shown in its section."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, Response, abort, jsonify, render_template, request
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException

from graph import StoreError
from search.domain_gate import has_no_term
from search.hybrid import MAX_QUERY_CHARS, MODES, Hit, HybridSearcher, Results, clean_query
from search.index_store import SearchIndexError
from web.search.api import make_filters, results_json
from web.search.data import HitContext, hit_context, passage_in_context
from web.search.present import group_rows, marked
from web.services import Services, services

bp = Blueprint("search", __name__, template_folder="../templates")


@bp.errorhandler(404)
def not_found(error: HTTPException) -> tuple[str, int]:
    """A Swedish 404 page that says what was not found and where to go instead."""
    return render_template("rights/404.html", message=error.description), 404


@bp.errorhandler(SearchIndexError)
@bp.errorhandler(StoreError)
def no_data(error: Exception) -> tuple[str, int]:
    """503 with a Swedish explanation when nothing has been ingested (or the index is damaged)."""
    return render_template("rights/404.html", heading="Sökningen är inte tillgänglig",
                           message=NO_DATA), 503


KINDS = {"narrative": "Löptext", "indicator": "Indikator", "rights": "Rättighetslista",
         "development_area": "Utvecklingsområde"}
MODE_LABELS = {"hybrid": "Hybrid (ord och betydelse)", "dense": "Betydelse (semantisk)",
               "bm25": "Ord (BM25)"}
PAGE_SIZES = (10, 20, 50)
MAX_K = 100
MAX_PAGE = 100
NO_DATA = "Det finns ingen sökbar data ännu, eller sökindexet är skadat: kör bokslut ingest."


@dataclass
class SearchForm:
    """The search parameters, validated; `errors` holds Swedish messages for bad values."""

    q: str = ""
    text: str = ""  # q cleaned (control characters out, whitespace collapsed)
    k: int = 10
    year: int | None = None
    goal: str | None = None
    goal_area: int | None = None
    kind: str | None = None
    mode: str = "hybrid"
    page: int = 1  # 1-based page of k hits
    errors: list[str] = field(default_factory=list)

    def number(self, args: MultiDict, name: str, label: str, low: int, high: int) -> int | None:
        """An optional integer parameter within [low, high]."""
        raw = args.get(name, "").strip()
        if not raw:
            return None
        # length first: int() of thousands of digits is slow, and raises past 4,300 digits
        digits = raw.lstrip("0") or "0"
        if (raw.isascii() and raw.isdigit() and len(digits) <= len(str(high))
                and low <= int(digits) <= high):
            return int(digits)
        self.errors.append(f"Ogiltigt värde för {label}: ange ett heltal {low}–{high}.")
        return None

    @classmethod
    def parse(cls, args: MultiDict) -> SearchForm:
        """Read and check every parameter."""
        form = cls(q=args.get("q", ""))
        try:
            form.text = clean_query(form.q)
        except ValueError:
            form.errors.append(f"Sökfrågan är för lång: högst {MAX_QUERY_CHARS} tecken.")
        form.k = form.number(args, "k", "antal träffar", 1, MAX_K) or 10
        form.page = form.number(args, "page", "sida", 1, MAX_PAGE) or 1
        form.year = form.number(args, "year", "år", 1900, 2100)
        form.goal_area = form.number(args, "goal_area", "målområde", 1, 99)
        goal = args.get("goal", "").strip().upper()
        if goal and not (len(goal) == 1 and "A" <= goal <= "Z"):
            form.errors.append("Ogiltigt mål: ange en bokstav, t.ex. C.")
        form.goal = goal if len(goal) == 1 and "A" <= goal <= "Z" else None
        kind = args.get("kind", "").strip()
        if kind and kind not in KINDS:
            form.errors.append(f"Okänt slag: välj bland {', '.join(KINDS)}.")
        form.kind = kind if kind in KINDS else None
        form.mode = args.get("mode", "").strip() or "hybrid"
        if form.mode not in MODES:
            form.errors.append(f"Okänt sökläge: välj bland {', '.join(MODES)}.")
            form.mode = "hybrid"
        return form

    @property
    def shown(self) -> str:
        """The query as echoed into the search box: cleaned, or cut and printable if too long."""
        return self.text or "".join(ch for ch in self.q[:MAX_QUERY_CHARS] if ch.isprintable())

    @property
    def searchable(self) -> bool:
        """True when the query holds a term: the searcher's own test
        (search.gate_text.has_no_term), so the page, the API and the downloads never disagree
        with it about "!!!" or "och i att"."""
        return not has_no_term(self.text)

    @property
    def only_signs(self) -> bool:
        """True when the query has no letter or digit at all ("!!!"): the page asks for words
        then; function words alone ("och i att") get the off-topic note instead."""
        return bool(self.text) and not any(ch.isalnum() for ch in self.text)

    def unsearched(self) -> Results:
        """The answer when no search is run: signs alone ("!!!") match nothing, said as the
        searcher says it of other nonsense; no text, or a bad parameter, is no question."""
        return Results([], 0, off_topic=bool(self.text) and not self.errors)

    def run(self) -> list[Hit]:
        """The hits of the requested page (the searcher is cached by services())."""
        return self.run_page().hits

    def run_page(self, searcher: HybridSearcher | None = None) -> Results:
        """The requested page of hits, the total above the threshold, the gate's verdict
        (with the app's searcher unless one is given: the lean path has no app context)."""
        filters = make_filters(self.year, self.goal, self.goal_area, self.kind)
        searcher = services().searcher() if searcher is None else searcher
        return searcher.search_page(self.text, self.k, self.mode, filters,
                                    offset=(self.page - 1) * self.k)

    def api_errors(self) -> str | None:
        """The /api/search 400's message, or None when the request can be searched."""
        errors = self.errors or ([] if self.text else ["Parametern q saknas eller är tom."])
        return " ".join(errors) if errors else None

    def api_response(self, svc: Services) -> Response:
        """/api/search's 200: results exactly as web.search.api.results_json (the CLI's shape),
        fields in the documented order. SearchIndexError when there is nothing to search."""
        found = self.run_page(svc.searcher()) if self.searchable else self.unsearched()
        body = json.dumps(results_json(self.q, found.hits, svc.base, found.total,
                                       found.off_topic), ensure_ascii=False)
        return Response(body, mimetype="application/json")


def filter_options(context: HitContext) -> dict[str, Any]:
    """Choices for the filter controls, from the index and the graph."""
    passages = services().searcher().index.passages
    return {"years": sorted({p["year"] for p in passages}, reverse=True),
            "areas": sorted({(a.number, a.label) for a in context.areas.values()}),
            "goals": sorted({(g["letter"], g["label"]) for g in context.goals.values()}),
            "kinds": KINDS, "modes": MODE_LABELS, "sizes": PAGE_SIZES}


@bp.get("/sok")
def page() -> tuple[str, int] | str:
    """The search page: form, filters, hits with their mål, rights and links."""
    form = SearchForm.parse(request.args)
    context = hit_context()
    options = filter_options(context)
    found = form.run_page() if form.searchable and not form.errors else form.unsearched()
    rows = [{"hit": h, **context.for_passage(h.passage)} for h in found.hits]
    html = render_template("search/search.html", form=form, hits=rows, groups=group_rows(rows),
                           options=options, total=found.total, off_topic=found.off_topic,
                           pages=-(-found.total // form.k),
                           asked="q" in request.args, kinds=KINDS,
                           services_base=services().base)
    return html, 400 if form.errors else 200  # the form explains what was wrong


@bp.get("/api/search")
def api() -> tuple[Response, int] | Response:
    """The JSON twin of /sok (a program's plain GET is answered by web.search.lean_api with
    the same SearchForm methods)."""
    form = SearchForm.parse(request.args)
    message = form.api_errors()
    if message is not None:
        return jsonify({"error": message}), 400
    try:
        return form.api_response(services())
    except SearchIndexError:
        return jsonify({"error": NO_DATA}), 503


@bp.get("/sok/kontext/<path:passage>")
def context(passage: str) -> str:
    """A passage in its section: the neighbouring passages under the same heading."""
    found = passage_in_context(passage)
    if found is None:
        abort(404, description="Okänt textavsnitt")
    form = SearchForm.parse(request.args)  # the query, kept so it can be marked and returned to
    query = form.text if form.searchable and not form.errors else ""
    return render_template("search/context.html", kinds=KINDS, services_base=services().base,
                           q=query, mark=lambda text: marked(text, query),
                           **found, **hit_context().for_passage(found["passage"]))
