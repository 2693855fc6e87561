"""Rights links inferred from text at ingest time: actions close in meaning to an article.

The report states rights per målområde, so `bk:supportsRight` links every action under a
målområde to every right it lists. Actions elsewhere can still be about the same thing (a
fritid action under a mål that does not cite CRPD art. 30). This module finds those with the
search model and keeps them apart, in the named graph `graf/harlett`, as qualified nodes:

    ?action bk:inferredSupport ?node .
    ?node a bk:InferredSupport ; bk:action ?action ; bk:article ?article ;
          bk:score 0.8512 ; bk:method "multilingual-e5-small: cosinus …" .

Method. Every rights article (cited or not) becomes one Swedish query built from its labels
(the project's title and the report's own wordings, skos:altLabel/prefLabel @sv), embedded
with the model's query prompt. An action's score is the mean cosine between that query and
the action's narrative passages in the search index (the vectors already stored there). The
mean, not the max: with the max, actions with many passages win everywhere (on the 2025
report the correlation between an action's passage count and its average score over all
articles is 0.62 with the max, 0.18 with the mean).

Threshold 0.845, chosen from the score distribution on the 2025 report (45 actions × 140
articles; e5 cosines are compressed, 0.73–0.86). Stated links serve as a weak reference: among
the 29 cited articles, 21 % of (article, action) pairs are stated. Above 0.845, 68 % of the
pairs are stated (above 0.84: 55 %, above 0.83: 50 %; above 0.85: 80 % but only a handful of
new links), so 0.845 is where the scores carry real signal while still adding links. It gives
about 27 inferred links, e.g. CRPD 30 (fritid och idrott) → the fritid actions under mål C and
L-2 "Fysisk aktivitet"; CRPD 16 (skydd mot våld) → actions under mål O. The number belongs to
this model: another embedding model needs its own threshold (see README).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from graph.namespaces import BK, INFERRED_GRAPH, sparql_prologue
from graph.store_writer import StoreBuilder
from graph.trusted_query import trusted_select
from search.embedder import Embedder
from search.index_store import SearchIndex

THRESHOLD = Decimal("0.845")

# These run on the store being built, whose default graph may not yet hold the union of
# the named graphs just written, so every pattern names its graph.
ARTICLES = sparql_prologue() + """
SELECT ?article ?label ?alt WHERE {
  GRAPH ?g { ?article a bk:RightsArticle }
  { GRAPH ?h { ?article skos:altLabel ?label } BIND(true AS ?alt) }
  UNION { GRAPH ?h { ?article skos:prefLabel ?label } BIND(false AS ?alt) }
  FILTER(lang(?label) = "sv")
}"""

ACTIONS = sparql_prologue() + "SELECT DISTINCT ?action WHERE { GRAPH ?g { ?action a bk:Action } }"
STATED = sparql_prologue() + """
SELECT DISTINCT ?action ?article WHERE { GRAPH ?g { ?action bk:supportsRight ?article } }"""


@dataclass(frozen=True)
class InferredLink:
    """One action–article pair that scored at or above the threshold."""

    action: str
    article: str
    score: Decimal


def method_text(model_name: str) -> str:
    """The bk:method literal: model, measure, aggregation and threshold."""
    return (f"{model_name}: cosinus mellan artikelns etiketter (frågeprompt) och insatsens "
            f"textavsnitt, medelvärde ≥ {THRESHOLD}")


def article_queries(store: ox.Store) -> dict[str, str]:
    """Article IRI -> Swedish query text: the project's title first, then the report's wordings."""
    labels: dict[str, list[tuple[bool, str]]] = {}
    for row in trusted_select(store, ARTICLES):
        labels.setdefault(str(row["article"]), []).append(
            (not row["alt"].toPython(), str(row["label"])))
    return {article: ". ".join(dict.fromkeys(text for _, text in sorted(found)))
            for article, found in sorted(labels.items())}


def action_passage_rows(store: ox.Store, index: SearchIndex, base: str) -> dict[str, list[int]]:
    """Action IRI -> rows of its narrative passages in the search index."""
    actions = {str(row["action"]) for row in trusted_select(store, ACTIONS)}
    rows: dict[str, list[int]] = {}
    for i, p in enumerate(index.passages):
        source = base + p["source"] if p.get("source") else None
        if p["kind"] == "narrative" and source in actions:
            rows.setdefault(source, []).append(i)
    return rows


def score_matrix(queries: np.ndarray, index: SearchIndex,
                 rows: dict[str, list[int]]) -> tuple[list[str], np.ndarray]:
    """(actions, scores[article, action]): mean cosine over each action's passages."""
    actions = sorted(rows)
    scores = np.zeros((len(queries), len(actions)), dtype=np.float32)
    for j, action in enumerate(actions):
        vectors = np.stack([index.dense.vector(r) for r in rows[action]])
        scores[:, j] = (queries @ vectors.T).mean(axis=1)
    return actions, scores


def inferred_links(store: ox.Store, index: SearchIndex, embedder: Embedder,
                   base: str) -> list[InferredLink]:
    """Every (action, article) pair at or above the threshold that the report does not state."""
    queries = article_queries(store)
    rows = action_passage_rows(store, index, base)
    if not queries or not rows:
        return []
    articles = list(queries)
    actions, scores = score_matrix(embedder.embed_queries(list(queries.values())), index, rows)
    stated = {(str(r["action"]), str(r["article"])) for r in trusted_select(store, STATED)}
    links = []
    for i, j in zip(*np.nonzero(scores >= float(THRESHOLD) - 1e-4), strict=True):
        score = Decimal(str(round(float(scores[i, j]), 4)))
        if score >= THRESHOLD and (actions[j], articles[i]) not in stated:
            links.append(InferredLink(actions[j], articles[i], score))
    return sorted(links, key=lambda link: (link.article, -link.score, link.action))


def node_iri(link: InferredLink) -> URIRef:
    """A readable node IRI under the action: …/atgard/C-3/harlett/crpd/30."""
    return URIRef(f"{link.action}/harlett/{'/'.join(link.article.split('/')[-2:])}")


def inferred_graph(links: list[InferredLink], model_name: str) -> Graph:
    """The triples of graf/harlett."""
    graph, method = Graph(), Literal(method_text(model_name), lang="sv")
    for link in links:
        node, action = node_iri(link), URIRef(link.action)
        graph.add((node, RDF.type, BK.InferredSupport))
        graph.add((node, BK.action, action))
        graph.add((node, BK.article, URIRef(link.article)))
        graph.add((node, BK.score, Literal(link.score, datatype=XSD.decimal)))
        graph.add((node, BK.method, method))
        graph.add((action, BK.inferredSupport, node))
    return graph


def add_inferred(builder: StoreBuilder, index: SearchIndex, embedder: Embedder, base: str,
                 progress: Callable[[str], None]) -> int:
    """Replace graf/harlett in the store being built (after the report graphs are in it)."""
    links = inferred_links(builder.store, index, embedder, base)
    count = builder.replace_graph(base + INFERRED_GRAPH, inferred_graph(links, embedder.name))
    progress(f"härledda rättighetskopplingar: {len(links)} (cosinus ≥ {THRESHOLD})")
    return count
