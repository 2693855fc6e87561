"""Rights links inferred at ingest (graf/harlett) on the real report, model and index."""

from __future__ import annotations

import shutil
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from graph.namespaces import INFERRED_GRAPH, sparql_prologue
from graph.store import list_graphs, open_store
from graph.trusted_query import trusted_select
from search.engine import embedder_for, index_dir
from search.index_store import SearchIndex
from web.pipeline.inferred import THRESHOLD, action_passage_rows, article_queries, score_matrix
from web.pipeline.ingest import store_dir
from web.settings import resolve

BASE = "https://w3id.org/bokslut/id/"
ACTION = BASE + "rapport/sodertalje-2025/atgard/"

NODES = sparql_prologue() + """
SELECT ?node ?action ?article ?score ?method ?g WHERE {
  GRAPH ?g { ?node a bk:InferredSupport ; bk:action ?action ; bk:article ?article ;
                   bk:score ?score ; bk:method ?method .
             ?action bk:inferredSupport ?node . }
}"""


@pytest.fixture(scope="module")
def store(built_data: Path):
    """The built store (read-only use)."""
    return open_store(store_dir(built_data))


@pytest.fixture(scope="module")
def nodes(store) -> list[dict]:
    """Every inferred-support node with its properties and graph."""
    return trusted_select(store, NODES)


def inferred_for(nodes: list[dict], article: str) -> set[str]:
    """Action ids (C-3 …) inferred for one article ('crpd/30')."""
    return {str(n["action"]).removeprefix(ACTION) for n in nodes
            if str(n["article"]) == BASE + "rattighet/" + article}


def test_the_inferred_graph_exists_and_holds_every_node(built_data: Path, store, nodes) -> None:
    assert BASE + INFERRED_GRAPH in list_graphs(store_dir(built_data))
    assert len(nodes) >= 10
    assert {str(n["g"]) for n in nodes} == {BASE + INFERRED_GRAPH}
    everywhere = trusted_select(store, sparql_prologue()
                                + "SELECT ?n WHERE { ?n a bk:InferredSupport }")
    assert len(everywhere) == len(nodes)


def test_every_node_has_a_score_at_or_above_the_threshold_and_a_method(store, nodes) -> None:
    for n in nodes:
        score = n["score"].toPython()
        assert isinstance(score, Decimal) and THRESHOLD <= score <= 1
        assert str(THRESHOLD) in str(n["method"]) and "cosinus" in str(n["method"])
    per_node = trusted_select(store, sparql_prologue() + """
        SELECT ?node (COUNT(?s) AS ?scores) (COUNT(DISTINCT ?a) AS ?articles) WHERE {
          ?node a bk:InferredSupport ; bk:score ?s ; bk:article ?a } GROUP BY ?node""")
    assert {(r["scores"].toPython(), r["articles"].toPython()) for r in per_node} == {(1, 1)}


def test_no_inferred_link_repeats_a_stated_one(store, nodes) -> None:
    stated = {(str(r["a"]), str(r["r"])) for r in trusted_select(
        store, sparql_prologue() + "SELECT ?a ?r WHERE { ?a bk:supportsRight ?r }")}
    assert stated, "the report states rights links"
    assert not {(str(n["action"]), str(n["article"])) for n in nodes} & stated
    assert len({(str(n["action"]), str(n["article"])) for n in nodes}) == len(nodes)


def test_an_article_the_report_never_cites_is_found_where_the_text_is_about_it(nodes) -> None:
    """CRPD 30 (kultur, rekreation, fritid och idrott) is in no målområde's list, yet the
    fritid actions under mål C and 'Fysisk aktivitet' (L-2) are about exactly that."""
    found = inferred_for(nodes, "crpd/30")
    assert {"C-3", "L-2"} <= found
    assert {a[0] for a in found} <= {"C", "L"}
    violence = {a[0] for a in inferred_for(nodes, "crpd/16")}  # skydd mot våld och övergrepp
    assert "O" in violence and violence <= {"N", "O"}  # målområde 6, Ett tryggt Södertälje


def test_procedural_articles_get_no_inferred_links(nodes) -> None:
    """Articles about the treaty machinery (signing, entry into force) match no action."""
    for article in ("crc/47", "crc/49", "crc/53", "crpd/45", "crpd/50", "udhr/30"):
        assert not inferred_for(nodes, article), article


@pytest.fixture(scope="module")
def scores(built_data: Path, store):
    """(articles, actions, score matrix) recomputed with the real model and index."""
    settings = resolve({"data": built_data})
    embedder = embedder_for(settings["embed_model"], str(built_data))
    index = SearchIndex.load(index_dir(built_data), embedder)
    queries = article_queries(store)
    actions, matrix = score_matrix(embedder.embed_queries(list(queries.values())), index,
                                   action_passage_rows(store, index, BASE))
    return list(queries), actions, matrix


@pytest.mark.parametrize(("article", "stated_goals"), [
    ("crc/31", "ABCLM"),  # lek, vila och fritid: målområde 1 and 5
    ("crc/28", "DEF"),  # utbildning: målområde 2
    ("jam/6", "NO"),  # mäns våld mot kvinnor: målområde 6
])
def test_the_score_ranks_the_reports_own_links_first(scores, article, stated_goals) -> None:
    """The measure carries signal: for cited articles the best-scoring action is a stated one."""
    articles, actions, matrix = scores
    row = matrix[articles.index(BASE + "rattighet/" + article)]
    best = actions[int(row.argmax())].removeprefix(ACTION)
    assert best[0] in stated_goals


def test_article_queries_use_the_reports_own_wording(store) -> None:
    """The project's title first, then every wording the report uses; uncited: the title."""
    queries = article_queries(store)
    assert len(queries) == 54 + 30 + 50 + 6
    assert queries[BASE + "rattighet/crc/31"] == ("Lek, vila och fritid. Barn har rätt till "
                                                   "lek, vila och fritid. Barns rätt till lek, "
                                                   "vila och fritid")
    assert queries[BASE + "rattighet/crc/40"] == "Barn i rättsväsendet"


def pairs(rows: list[dict]) -> list[tuple[str, str, str]]:
    """(action, article, score) of inferred nodes, sorted."""
    return sorted((str(r["action"]), str(r["article"]), str(r["score"])) for r in rows)


def test_links_follow_reports_in_and_out(built_data: Path, tmp_path: Path, nodes) -> None:
    """A second report gets its own inferred links; removing it removes them (no dangling)."""
    from tests.second_report import write_second_report
    from web.pipeline.ingest import ingest, remove_report

    data = tmp_path / "data"
    shutil.copytree(built_data / "store", data / "store", symlinks=True)
    shutil.copytree(built_data / "index", data / "index")
    embedder = embedder_for(resolve({"data": built_data})["embed_model"], str(built_data))
    ingest([write_second_report(tmp_path)], data, BASE, embedder, progress=lambda _: None)
    added = trusted_select(open_store(store_dir(data)), NODES)
    per_report = Counter(str(n["action"]).split("/atgard/")[0] for n in added)
    assert per_report == {BASE + "rapport/sodertalje-2025": len(nodes),
                          BASE + "rapport/sodertalje-2026": len(nodes)}  # same text, same links
    remove_report(data, "rapport/sodertalje-2026", BASE, embedder)
    assert pairs(trusted_select(open_store(store_dir(data)), NODES)) == pairs(nodes)
