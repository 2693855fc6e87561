"""Scored rights support at ingest: every (article, action) pair ranked from the action's text.

The report states rights per målområde, so `bk:supportsRight` links every action under a
målområde to every right it lists; that keeps meaning exactly what the report states. This
module scores each pair from the action's own sentences (web/pipeline/rights_score.py),
classes and ranks them (rights_rank.py) and writes the result to the named graph
`graf/harlett` as reified nodes:

    ?node a bk:ScoredSupport ; bk:action ?action ; bk:article ?article ;
          bk:supportClass bk:SupportDirect ; bk:rank 1 ; bk:score 3.21 ;
          bk:method "…" ; bk:evidencePassage ?passage ; bk:evidenceSentence "…"@sv .

Nodes of class härledd (not stated by the report) are also bk:InferredSupport, reached by
`?action bk:inferredSupport ?node`. Procedural articles (bk:ProceduralArticle) get no node.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from graph import BK, INFERRED_GRAPH, REFERENCE_GRAPH, StoreBuilder, sparql_prologue
from search.embedder import Embedder
from search.index_store import SearchIndex
from search.rights_signal import RightsSignal
from web.pipeline.rights_rank import (
    CHOSEN,
    CONTRIBUTES,
    DIRECT,
    INFERRED,
    VIA_GOAL_AREA,
    RankedSupport,
    Thresholds,
    rank_supports,
)
from web.pipeline.rights_score import features, pair_scores
from web.pipeline.rights_text import ArticleText, action_sentences
from web.pipeline.rights_vouchers import BETA, with_vouchers
from web.pipeline.search_rights import rights_for_search, with_ranked

# These run on the store being built, whose default graph may not yet hold the union of
# the named graphs just written, so every pattern names its graph.
ARTICLES = sparql_prologue() + """
SELECT ?article ?notation ?definition ?procedural ?scope WHERE {
  GRAPH ?g { ?article a bk:RightsArticle ; skos:notation ?notation ; skos:definition ?definition }
  BIND(EXISTS { GRAPH ?h { ?article a bk:ProceduralArticle } } AS ?procedural)
  OPTIONAL { GRAPH ?s { ?article skos:scopeNote ?note } FILTER(lang(?note) = "sv") }
  BIND(COALESCE(?note, "") AS ?scope)
}"""
LABELS = sparql_prologue() + """
SELECT ?article ?label ?g WHERE {
  GRAPH ?g { ?article a bk:RightsArticle }
  GRAPH ?g { ?article skos:prefLabel|skos:altLabel ?label } FILTER(lang(?label) = "sv")
}"""
REPORT_LABELS = sparql_prologue() + """
SELECT ?article ?label ?g WHERE {
  GRAPH ?g { ?area bk:contributesToRight ?article }
  GRAPH ?g { ?article skos:prefLabel ?label } FILTER(lang(?label) = "sv")
}"""
STATED = sparql_prologue() + """
SELECT DISTINCT ?action ?article WHERE { GRAPH ?g { ?action bk:supportsRight ?article } }"""

ACTION_PASSAGES = sparql_prologue() + """
SELECT ?action ?passage WHERE { GRAPH ?g { ?action a bk:Action ; prov:wasDerivedFrom ?passage } }"""

CLASS_TERMS = {DIRECT: BK.SupportDirect, CONTRIBUTES: BK.SupportContributes,
               INFERRED: BK.SupportInferred, VIA_GOAL_AREA: BK.SupportViaGoalArea}
Rows = list[dict[str, str]]


def article_texts(definitions: Rows, titles: Rows, wordings: Rows) -> tuple[
        list[ArticleText], set[str]]:
    """(every article's text, the IRIs of procedural ones) from plain query rows."""
    title = {r["article"]: r["label"] for r in titles}
    said: dict[str, list[str]] = {}
    for r in sorted(wordings, key=lambda r: (r["g"], r["label"])):
        said.setdefault(r["article"], []).append(r["label"])
    texts, procedural = [], set()
    for r in sorted(definitions, key=lambda r: r["article"]):
        iri = r["article"]
        if r["procedural"].lower() == "true":  # "true" from Oxigraph, "True" via rdflib
            procedural.add(iri)
        texts.append(ArticleText(iri, r["notation"], title.get(iri, ""),
                                 tuple(dict.fromkeys(said.get(iri, []))), r["definition"],
                                 r.get("scope", "")))
    return texts, procedural


def plain(rows: list[dict]) -> Rows:
    """Query rows with every term as its lexical form (IRI or literal value)."""
    return [{k: str(getattr(v, "value", v)) for k, v in r.items()} for r in rows]


def store_articles(store: Any, base: str) -> tuple[list[ArticleText], set[str]]:
    """Articles as the store describes them: title, report wordings, definition, scope note."""
    labels = plain(store.select(LABELS, trusted=True))
    titles = [r for r in labels if r["g"] == base + REFERENCE_GRAPH]
    return article_texts(plain(store.select(ARTICLES, trusted=True)), titles,
                         plain(store.select(REPORT_LABELS, trusted=True)))


def method_text(model_name: str, t: Thresholds) -> str:
    """The bk:method literal: model, signals, aggregation and thresholds."""
    return (f"{model_name}: insatsens {t.top} bästa meningar mot artikelns beskrivning och "
            f"bokslutets formulering och mot artikelns typiska kommunala arbete "
            f"(skos:scopeNote); {1 - t.lexical_weight:.0%} cosinus (medel av de två "
            f"frågorna, frågeprompt mot meningens egen vektor) och {t.lexical_weight:.0%} "
            f"lexikal överlappning med beskrivningen, "
            f"{'centrerade per mening och ' if t.centre else ''}standardiserade över alla par, "
            f"sedan per artikel över alla insatser; plus {BETA} × (säkerhet × betyg / 3) när "
            f"en bedömd sökfråga som nämner artikeln betygsätter textavsnittet med insatsens "
            f"bästa mening; direkt ≥ {t.direct}, "
            f"bidrar ≥ {t.contributes}, härledd ≥ {t.inferred} (och ≥ {t.floor} på den "
            f"gemensamma skalan); rangordning: relevans + {t.stated_bonus} om bokslutet "
            f"anger rättigheten")


class Rankings(NamedTuple):
    """The two rankings ingest makes of the same scored pairs."""

    shown: list[RankedSupport]  # graf/harlett: with the judged questions' vouchers
    for_search: list[RankedSupport]  # search's rights signal: without them (see below)


def ranked_supports(store: Any, index: SearchIndex, embedder: Embedder, base: str,
                    naming: RightsSignal, t: Thresholds = CHOSEN) -> Rankings:
    """Every linked (article, action) pair of the store being built, ranked per report;
    `naming` is search's rights recognition over the articles' names (no ranking read)."""
    articles, procedural = store_articles(store, base)
    sentences = action_sentences(index.passages, base)
    if not articles or not sentences:
        return Rankings([], [])
    report_of = {base + p["source"]: p["report"] for p in index.passages if p.get("source")}
    stated = {(str(r["action"]), str(r["article"])) for r in store.select(STATED, trusted=True)}
    # every article, procedural ones included, is the background the signals are centred
    # and standardised against; procedural ones are only kept out of the links
    pairs = pair_scores(features(articles, sentences, embedder), t.lexical_weight, t.top,
                        t.centre)
    shown = with_vouchers(pairs, index.passages, naming, base)
    # The vouchers are search's own judged questions, which search already reads (its memory
    # and adapter); search keeps the ranking without them, so they do not reach it twice
    # (round 28: with them its gate failed by 0.00002, benchmarks/results/round28_gates.txt).
    return Rankings(rank_supports(shown, stated, report_of, procedural, t),
                    rank_supports(pairs, stated, report_of, procedural, t))


def search_rows(store: Any, supports: list[RankedSupport]) -> list[dict[str, str]]:
    """A ranking as the rows search_rights.SUPPORTS reads from graf/harlett: one per passage
    of each ranked action."""
    passages: dict[str, list[str]] = {}
    for r in store.select(ACTION_PASSAGES, trusted=True):
        passages.setdefault(str(r["action"]), []).append(str(r["passage"]))
    return [{"article": s.article, "rank": str(s.rank), "class": str(CLASS_TERMS[s.support_class]),
             "evidence": s.sentence.passage, "passage": passage}
            for s in supports for passage in passages.get(s.action, [])]


def node_iri(support: RankedSupport) -> URIRef:
    """A readable node IRI under the action: …/atgard/C-3/stod/crc/31."""
    return URIRef(f"{support.action}/stod/{'/'.join(support.article.split('/')[-2:])}")


def support_graph(supports: list[RankedSupport], method: str) -> Graph:
    """The triples of graf/harlett."""
    graph, method_literal = Graph(), Literal(method, lang="sv")
    for s in supports:
        node, action = node_iri(s), URIRef(s.action)
        graph.add((node, RDF.type, BK.ScoredSupport))
        graph.add((node, BK.action, action))
        graph.add((node, BK.article, URIRef(s.article)))
        graph.add((node, BK.supportClass, CLASS_TERMS[s.support_class]))
        graph.add((node, BK.rank, Literal(s.rank)))
        graph.add((node, BK.score, Literal(f"{s.relevance:.3f}", datatype=XSD.decimal)))
        graph.add((node, BK.method, method_literal))
        graph.add((node, BK.evidencePassage, URIRef(s.sentence.passage)))
        graph.add((node, BK.evidenceSentence, Literal(s.sentence.text, lang="sv")))
        if s.support_class == INFERRED:
            graph.add((node, RDF.type, BK.InferredSupport))
            graph.add((action, BK.inferredSupport, node))
    return graph


def add_inferred(builder: StoreBuilder, index: SearchIndex, embedder: Embedder, base: str,
                 progress: Callable[[str], None]) -> RightsSignal:
    """Replace graf/harlett in the store being built (after the report graphs are in it);
    returns search's rights signal, over the ranking without the vouchers."""
    # the articles' names, read once: the vouchers' naming, then search's signal with the
    # ranking merged in (no ranking is read from the graph being replaced)
    named = rights_for_search(builder, base, supports=[])
    rankings = ranked_supports(builder, index, embedder, base, RightsSignal(named))
    builder.replace_graph(base + INFERRED_GRAPH,
                          support_graph(rankings.shown, method_text(embedder.name, CHOSEN)))
    counts = {c: sum(s.support_class == c for s in rankings.shown) for c in CLASS_TERMS}
    progress("rättighetsstöd: " + ", ".join(f"{c} {n}" for c, n in counts.items()))
    return RightsSignal(with_ranked(named, search_rows(builder, rankings.for_search), base))
