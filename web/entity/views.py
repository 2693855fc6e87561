"""Resource pages: /id/<path> for every IRI in the graph, as HTML or RDF (Accept or suffix)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, make_response, render_template, request

from graph import BK, GRAPH_FORMATS, QB, GraphReader
from search.index_store import SearchIndexError
from web.entity import indicators as entity_indicators
from web.entity import reference as entity_reference
from web.entity import strategy as entity_strategy
from web.entity import text as entity_text
from web.entity.data import exists, incoming_rows, label_of, outgoing, property_rows, types
from web.entity.rdf import (
    CONTENT_TYPES,
    HTML,
    alternates,
    negotiate,
    serialize,
    split_suffix,
)
from web.services import services

bp = Blueprint("entity", __name__, template_folder="../templates")

Builder = Callable[[GraphReader, str], dict[str, Any]]
# Most specific first: a resource with several types gets the first page that fits.
PAGES: list[tuple[str, str, Builder]] = [
    (str(BK.Goal), "goal", entity_strategy.goal),
    (str(BK.GoalArea), "goal_area", entity_strategy.goal_area),
    (str(BK.Indicator), "indicator", entity_indicators.indicator),
    (str(BK.Action), "action", entity_text.action),
    (str(BK.Initiative), "initiative", entity_text.initiative),
    (str(BK.RightsArticle), "rights_article", entity_reference.rights_article),
    (str(BK.Report), "report", entity_text.report),
    (str(BK.Passage), "passage", entity_text.passage),
    (str(BK.SDG), "sdg", entity_reference.sdg),
    (str(BK.Municipality), "municipality", entity_reference.municipality),
    (str(BK.Area), "area", entity_reference.area),
    (str(BK.Strategy), "strategy", entity_strategy.strategy),
    (str(QB.Observation), "observation", entity_reference.observation),
]
KIND_FALLBACK = {str(QB.Observation): "Observation", str(QB.DataSet): "Datamängd"}


def _kind_labels(store: GraphReader, kinds: set[str]) -> list[str]:
    """Swedish names of the resource's classes (the ontology's labels)."""
    return sorted(label_of(store, k) or KIND_FALLBACK.get(k) or k.rsplit("#", 1)[-1]
                  for k in kinds if not k.startswith("http://www.w3.org/2004/02/skos/"))


def page_data(store: GraphReader, iri: str) -> tuple[str, dict[str, Any]]:
    """The template to use and its data; the generic page when no class page fits."""
    kinds = types(store, iri)
    for kind, name, build in PAGES:
        if kind in kinds:
            try:
                return name, build(store, iri)
            except (LookupError, TypeError, ValueError):
                break  # a resource lacking what its class page needs: show its triples
    return "generic", {}


def similar_passages(provenance: list[dict[str, Any]], k: int = 5) -> list[dict[str, Any]]:
    """Passages nearest an action's first passage in embedding space, its own left out."""
    if not provenance:
        return []
    base = services().base
    own = {p["passage"][len(base):] for p in provenance}
    try:
        hits = services().searcher().more_like_this(provenance[0]["passage"][len(base):],
                                                    k=k + len(own))
    except (SearchIndexError, KeyError, OSError, ValueError):
        return []  # no index (yet) or an index from before this report: leave the list out
    return [{"iri": base + h.passage["id"], "heading": h.passage.get("heading"),
             "page": h.passage.get("page"), "text": h.passage["text"],
             "goal": h.passage.get("goal"), "year": h.passage.get("year")}
            for h in hits if h.passage["id"] not in own][:k]


def render_resource(store: GraphReader, iri: str, rest: str) -> str:
    """The HTML page for a resource."""
    name, data = page_data(store, iri)
    if name == "action":
        data["similar"] = similar_passages(data["provenance"])
    kinds = types(store, iri)
    page = {"iri": iri, "path": "/id/" + rest, "label": label_of(store, iri),
            "kinds": _kind_labels(store, kinds), "alternates": alternates("/id/" + rest),
            "properties": property_rows(store, iri), "incoming": incoming_rows(store, iri)}
    return render_template(f"entity/{name}.html", page=page, **data)


@bp.get("/id/<path:rest>")
def resource(rest: str) -> Response:
    """A resource's description: HTML for browsers, RDF by Accept header or file suffix."""
    svc = services()
    store, base = svc.store(), svc.base
    fmt, negotiated = negotiate(request.headers.get("Accept")), True
    if not exists(store, base + rest):
        split = split_suffix(rest)
        if split is None or not exists(store, base + split[0]):
            return _vary(not_found(base + rest, fmt), negotiated)
        (rest, fmt), negotiated = split, False
    iri = base + rest
    if fmt is None:
        return _vary(not_acceptable(), negotiated)
    if fmt == HTML:
        response = make_response(render_resource(store, iri, rest))
    else:
        body = serialize(iri, outgoing(store, iri), fmt, base)
        response = Response(body, content_type=CONTENT_TYPES[fmt])
    return _vary(response, negotiated)


def _vary(response: Response, negotiated: bool) -> Response:
    """Tell caches the body depends on Accept (not for suffix URLs, whose format is fixed)."""
    if negotiated:
        response.vary.add("Accept")
    return response


def not_found(iri: str, fmt: str | None) -> Response:
    """404: a Swedish page for browsers, plain text for RDF clients."""
    if fmt == HTML:
        return make_response(render_template("entity/404.html", iri=iri), 404)
    return Response(f"Resursen finns inte i grafen: {iri}\n", 404,
                    content_type="text/plain; charset=utf-8")


def not_acceptable() -> Response:
    """406 listing what this URL can be had as."""
    offered = ", ".join(["text/html", *GRAPH_FORMATS.values()])
    return Response("Inget av formaten i Accept-huvudet finns för den här resursen.\n"
                    f"Tillgängliga format: {offered}\n", 406,
                    content_type="text/plain; charset=utf-8")
