"""What search needs from the graph to answer rights questions, read at ingest as plain data.

search/ never imports graph/, so the pipeline hands it, for every substantive rights article,
its wordings (the vocabulary's labels and the report's own, both languages), its definition,
its instrument's names, and the passages that carry the answer: the målområde's rights list
that states the article, and the passages of every action ranked for it with that rank and
class: at ingest graf/harlett's ranking before the judged search questions' vouchers
(web/pipeline/inferred.py hands it over), else graf/harlett's bk:ScoredSupport nodes. Search saves
this with its index (search/rights_signal.py reads it). Every pattern names its graph: the
store being built may not yet hold the union of the named graphs.
"""

from __future__ import annotations

from typing import Any

from graph import sparql_prologue

P = sparql_prologue()
ARTICLES = P + """
SELECT ?article ?instrument ?number ?definition WHERE {
  GRAPH ?g { ?article a bk:RightsArticle ; bk:instrument ?instrument ; bk:articleNumber ?number }
  OPTIONAL { GRAPH ?h { ?article skos:definition ?definition } }
  FILTER NOT EXISTS { GRAPH ?p { ?article a bk:ProceduralArticle } }
}"""
LABELS = P + """
SELECT DISTINCT ?s ?label WHERE {
  GRAPH ?g { ?s skos:prefLabel|skos:altLabel ?label }
  GRAPH ?h { ?s a bk:RightsArticle }
}"""
INSTRUMENTS = P + """
SELECT DISTINCT ?s ?label WHERE {
  GRAPH ?g { ?s a bk:RightsInstrument ; skos:prefLabel|skos:altLabel|skos:notation ?label }
}"""
SUPPORTS = P + """
SELECT ?article ?rank ?class ?evidence ?passage WHERE {
  GRAPH ?g { ?node a bk:ScoredSupport ; bk:article ?article ; bk:action ?action ;
             bk:rank ?rank ; bk:supportClass ?class ; bk:evidencePassage ?evidence }
  GRAPH ?h { ?action prov:wasDerivedFrom ?passage }
}"""
STATED_LISTS = P + """
SELECT DISTINCT ?article ?passage WHERE {
  GRAPH ?g { ?passage bk:kind "rights" ; bk:goalArea ?area }
  GRAPH ?h { ?area bk:contributesToRight ?article }
}"""
LIST = "lista"  # the passage is the målområde's own list of the rights it contributes to


def _plain(rows: list[dict]) -> list[dict[str, str]]:
    """Query rows with every term as its lexical form."""
    return [{k: str(getattr(v, "value", v)) for k, v in r.items()} for r in rows]


def rights_for_search(store: Any, base: str, supports: list[dict[str, str]] | None = None
                      ) -> dict:
    """Articles with wordings, definition, instrument names and answer passages (relative ids);
    the ranked actions' passages from `supports` when given (rows as SUPPORTS gives them: the
    ranking ingest makes for search, web/pipeline/inferred.py), else from graf/harlett."""
    def rel(iri: str) -> str:
        return iri[len(base):] if iri.startswith(base) else iri

    def select(query: str) -> list[dict[str, str]]:
        return _plain(store.select(query, trusted=True))

    labels: dict[str, list[str]] = {}
    for r in select(LABELS) + select(INSTRUMENTS):
        labels.setdefault(rel(r["s"]), []).append(r["label"])
    lists: dict[str, list[str]] = {}
    for r in select(STATED_LISTS):
        lists.setdefault(rel(r["article"]), []).append(rel(r["passage"]))
    articles = []
    for r in sorted(select(ARTICLES), key=lambda r: (r["instrument"], int(r["number"]))):
        iri = rel(r["article"])
        articles.append({
            "iri": iri, "instrument": rel(r["instrument"]), "number": int(r["number"]),
            "labels": sorted(set(labels.get(iri, []))), "definition": r.get("definition", ""),
            "passages": sorted([pid, 0, LIST, True] for pid in set(lists.get(iri, [])))})
    instruments = {iri: sorted(set(names)) for iri, names in labels.items()
                   if any(a["instrument"] == iri for a in articles)}
    named = {"instruments": instruments, "articles": articles}
    return with_ranked(named, select(SUPPORTS) if supports is None else supports, base)


def with_ranked(data: dict, supports: list[dict[str, str]], base: str) -> dict:
    """rights_for_search's data with the ranked actions' passages of `supports` merged in (a
    new dict; each passage keeps its best row: see _better). Ingest reads the articles' names
    once and merges its ranking after (web/pipeline/inferred.py)."""
    def rel(iri: str) -> str:
        return iri[len(base):] if iri.startswith(base) else iri

    passages = {a["iri"]: {pid: row for pid, *row in a["passages"]} for a in data["articles"]}
    for r in supports:
        found = passages.setdefault(rel(r["article"]), {})
        pid, rank = rel(r["passage"]), int(r["rank"])
        row = [rank, r["class"].rsplit("#", 1)[-1], r["passage"] == r["evidence"]]
        if pid not in found or _better(row, found[pid]):
            found[pid] = row
    articles = [{**a, "passages": sorted([pid, *row] for pid, row in passages[a["iri"]].items())}
                for a in data["articles"]]
    return {**data, "articles": articles}


def _better(row: list, old: list) -> bool:
    """A stated list beats any action; otherwise the better rank, then the evidence passage."""
    if old[1] == LIST:
        return False
    return (row[0], not row[2]) < (old[0], not old[2])
