"""Scored rights support written at ingest (graf/harlett), on the real report, model and index."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest

from graph.namespaces import INFERRED_GRAPH, sparql_prologue
from graph.store import list_graphs, open_store
from graph.trusted_query import trusted_select
from graph.validate import findings, union_graph, violations
from search.engine import embedder_for
from web.pipeline.ingest import store_dir
from web.settings import resolve

pytestmark = pytest.mark.slow

BASE = "https://w3id.org/bokslut/id/"
ACTION = BASE + "rapport/sodertalje-2025/atgard/"

NODES = sparql_prologue() + """
SELECT ?node ?action ?article ?class ?rank ?score ?sentence ?passage ?g WHERE {
  GRAPH ?g { ?node a bk:ScoredSupport ; bk:action ?action ; bk:article ?article ;
                   bk:supportClass ?class ; bk:rank ?rank ; bk:score ?score ; bk:method ?m ;
                   bk:evidenceSentence ?sentence ; bk:evidencePassage ?passage . }
}"""


@pytest.fixture(scope="module")
def store(built_data: Path):
    """The built store (read-only use)."""
    return open_store(store_dir(built_data))


@pytest.fixture(scope="module")
def nodes(store) -> list[dict]:
    """Every scored-support node with its properties and graph."""
    return trusted_select(store, NODES)


def local(row: dict, name: str) -> str:
    """The last segments of an IRI binding ('crc/31', 'C-3', 'SupportDirect')."""
    value = str(row[name])
    if name == "action":
        return value.removeprefix(ACTION)
    if name == "class":
        return value.rsplit("#", 1)[1]
    return value.removeprefix(BASE + "rattighet/")


def test_every_node_is_in_the_support_graph_with_all_its_parts(built_data, store, nodes) -> None:
    assert BASE + INFERRED_GRAPH in list_graphs(store_dir(built_data))
    assert {str(n["g"]) for n in nodes} == {BASE + INFERRED_GRAPH}
    assert len({(str(n["action"]), str(n["article"])) for n in nodes}) == len(nodes)
    everywhere = trusted_select(store, sparql_prologue()
                                + "SELECT ?n WHERE { ?n a bk:ScoredSupport }")
    assert len(everywhere) == len(nodes)


def test_no_link_of_any_class_reaches_a_procedural_article(store, nodes) -> None:
    procedural = {str(r["a"]) for r in trusted_select(
        store, sparql_prologue() + "SELECT ?a WHERE { ?a a bk:ProceduralArticle }")}
    assert len(procedural) == 42
    assert not {str(n["article"]) for n in nodes} & procedural
    stated = trusted_select(store, sparql_prologue() + """
        SELECT ?x WHERE { { ?x bk:supportsRight ?a } UNION { ?x bk:contributesToRight ?a }
                          ?a a bk:ProceduralArticle }""")
    assert not stated
    assert not [f for f in violations(findings(union_graph(store))) if "procedur" in f.message]


def test_every_stated_link_has_a_node_and_only_stated_links_are_direct_or_via(store,
                                                                              nodes) -> None:
    stated = {(str(r["a"]), str(r["r"])) for r in trusted_select(
        store, sparql_prologue() + "SELECT ?a ?r WHERE { ?a bk:supportsRight ?r }")}
    by_pair = {(str(n["action"]), str(n["article"])): local(n, "class") for n in nodes}
    assert stated <= set(by_pair)
    for pair, cls in by_pair.items():
        assert (cls == "SupportInferred") == (pair not in stated), pair
    assert Counter(by_pair.values())["SupportViaGoalArea"] > 0  # the inherited noise is named


def test_inferred_nodes_keep_the_old_contract(store, nodes) -> None:
    rows = trusted_select(store, sparql_prologue() + """
        SELECT ?n WHERE { ?n a bk:InferredSupport ; bk:supportClass bk:SupportInferred .
                          ?a bk:inferredSupport ?n . ?n bk:action ?a }""")
    assert len(rows) == sum(local(n, "class") == "SupportInferred" for n in nodes) > 0


def test_the_evidence_sentence_is_verbatim_from_its_passage_of_the_same_action(store,
                                                                               nodes) -> None:
    texts = {(str(r["p"])): (str(r["t"]), str(r["a"])) for r in trusted_select(
        store, sparql_prologue() + "SELECT ?p ?t ?a WHERE { ?a prov:wasDerivedFrom ?p . "
                                   "?p a bk:Passage ; bk:text ?t }")}
    for n in nodes:
        text, action = texts[str(n["passage"])]
        assert str(n["sentence"]) in text and action == str(n["action"])


def test_ranks_run_from_one_per_article(nodes) -> None:
    ranks: dict[str, list[int]] = {}
    for n in nodes:
        ranks.setdefault(str(n["article"]), []).append(n["rank"].toPython())
    for article, found in ranks.items():
        assert sorted(found) == list(range(1, len(found) + 1)), article


def ranked(nodes: list[dict], article: str) -> list[tuple[str, str]]:
    """(action, class) for one article in rank order."""
    rows = sorted((n for n in nodes if local(n, "article") == article),
                  key=lambda n: n["rank"].toPython())
    return [(local(n, "action"), local(n, "class")) for n in rows]


def test_crc_31_puts_the_fritid_actions_first_and_kollektivtrafik_planning_last(nodes) -> None:
    order = [a for a, _ in ranked(nodes, "crc/31")]
    assert set(order[:3]) <= {"C-1", "C-2", "C-3", "L-2", "A-1"}
    assert order.index("A-2") > order.index("C-3")  # Strategiskt arbete: kollektivtrafik …
    assert dict(ranked(nodes, "crc/31"))["M-1"] == "SupportViaGoalArea"  # Krogar mot knark


def test_crpd_27_singles_out_the_passage_on_jobs_for_people_with_disabilities(nodes) -> None:
    first, cls = ranked(nodes, "crpd/27")[0]
    assert first == "F-1" and cls in {"SupportDirect", "SupportContributes"}


def test_crpd_30_is_never_stated_but_the_parasport_action_is_inferred(nodes) -> None:
    found = dict(ranked(nodes, "crpd/30"))
    assert found and set(found.values()) == {"SupportInferred"}
    assert "C-1" in found


class Reader:
    """The built store behind the builder's select(), for code that reads a store being built."""

    def __init__(self, store) -> None:
        self.store = store

    def select(self, query: str, trusted: bool = True) -> list[dict]:
        """The query's rows (the built store is the project's own, so trusted)."""
        return trusted_select(self.store, query)


def test_the_graph_ranks_with_the_questions_vouchers_and_search_without(built_data: Path,
                                                                        store, nodes) -> None:
    """Round 28: graf/harlett is the vouched ranking; search's rights.json is built from the
    ranking of the same pairs without the vouchers, and the two differ where a judged
    question vouched."""
    from search.index_store import SearchIndex
    from search.rights_signal import RightsSignal
    from web.pipeline.inferred import ranked_supports, search_rows
    from web.pipeline.layout import index_dir
    from web.pipeline.search_rights import rights_for_search

    embedder = embedder_for(resolve({"data": built_data})["embed_model"], str(built_data))
    folder = index_dir(built_data)
    naming = RightsSignal(rights_for_search(Reader(store), BASE, supports=[]))
    rankings = ranked_supports(Reader(store), SearchIndex.load(folder), embedder, BASE, naming)
    graph = {(str(n["article"]), str(n["action"])): n["rank"].toPython() for n in nodes}
    assert {(s.article, s.action): s.rank for s in rankings.shown} == graph
    expected = rights_for_search(Reader(store), BASE, search_rows(Reader(store),
                                                                  rankings.for_search))
    assert RightsSignal.load(folder).data["articles"] == expected["articles"]
    plain = {(s.article, s.action): s.rank for s in rankings.for_search}
    moved = {k for k in graph if plain.get(k) != graph[k]}
    assert moved and len(moved) < len(graph) / 2


def test_a_second_report_is_ranked_for_its_own_year_and_leaves_cleanly(built_data: Path,
                                                                       tmp_path: Path,
                                                                       nodes) -> None:
    """Ingesting a derived 2026 report ranks its actions per year; removing it drops them."""
    from tests.second_report import write_second_report
    from web.pipeline.ingest import ingest, remove_report

    data = tmp_path / "data"
    shutil.copytree(built_data / "store", data / "store", symlinks=True)
    embedder = embedder_for(resolve({"data": built_data})["embed_model"], str(built_data))
    ingest([write_second_report(tmp_path)], data, BASE, embedder, progress=lambda _: None)
    added = trusted_select(open_store(store_dir(data)), NODES)
    per_report = Counter(str(n["action"]).split("/atgard/")[0] for n in added)
    assert per_report[BASE + "rapport/sodertalje-2026"] > 0
    assert per_report[BASE + "rapport/sodertalje-2025"] == per_report[
        BASE + "rapport/sodertalje-2026"]
    for year in ("2025", "2026"):
        mine = [n for n in added if f"sodertalje-{year}/" in str(n["action"])
                and local(n, "article") == "crc/31"]
        assert sorted(n["rank"].toPython() for n in mine) == list(range(1, len(mine) + 1))
    remove_report(data, "rapport/sodertalje-2026", BASE, embedder)
    left = trusted_select(open_store(store_dir(data)), NODES)
    assert {str(n["action"]).split("/atgard/")[0] for n in left} == {
        BASE + "rapport/sodertalje-2025"}
