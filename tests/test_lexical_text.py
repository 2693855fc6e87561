"""What BM25 reads of a passage (search.lexical_text, round 23)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from corpus import read_report
from corpus.passages import build_passages
from search.embedder import FakeEmbedder
from search.engine import index_dir, sync_index
from search.index_store import SearchIndex
from search.lexical import BM25Index
from search.lexical_text import bm25_document
from tests.conftest import REPORT_PATH

LOW_INCOME = ("Andel barn i familjer med låg inkomststandard: Södertälje 9,1 % år 2024 "
              "(jämförelse: Länet 5,7 %, Riket 6,0 %, Huddinge 5,7 %, Botkyrka 9,7 %, "
              "Haninge 6,4 %). Enhet: %. "
              "Källa: SCB. Huddinge, Botkyrka och Haninge redovisas som kommuner med "
              "socioekonomiska förutsättningar som bedömts vara jämförbara med Södertälje.")
SMOKING = ("Invånare 16-84 år som röker dagligen, andel (%): Södertälje 11 %, kvinnor 10 %, "
           "män 12 % år 2024 (jämförelse: Länet 6 %, Länet kvinnor 7 %, Riket män 5 %). Enhet: %. "
           "Källa: Nationella folkhälsoenkäten Hälsa på lika villkor.")


def indicator(text: str) -> dict:
    """An indicator row as corpus.passages gives it."""
    return {"kind": "indicator", "text": text}


def test_an_indicator_row_loses_the_comparison_words_and_the_note():
    """Places and 'jämförelse' go; the figures, unit and source stay; the note goes."""
    assert bm25_document(indicator(LOW_INCOME)) == (
        "Andel barn i familjer med låg inkomststandard: Södertälje 9,1 % år 2024 "
        "(5,7 %, 6,0 %, 5,7 %, 9,7 %, 6,4 %). Enhet: %. Källa: SCB.")


def test_group_labels_and_a_named_survey_stay():
    """kvinnor/män in the comparison and a survey named as the source are content."""
    document = bm25_document(indicator(SMOKING))
    assert "(6 %, kvinnor 7 %, män 5 %)" in document
    assert document.endswith("Källa: Nationella folkhälsoenkäten Hälsa på lika villkor.")
    assert "Länet" not in document and "Riket" not in document


def test_a_capitalised_breakdown_leaves_the_clause_but_not_the_row():
    """'Flickor:' is written like an area: it leaves the comparison; the row's values keep it."""
    row = indicator("Elever som röker, andel (%): Södertälje Flickor: 6 %, Pojkar: 8 % år 2025 "
                    "(jämförelse: Stadsövergripande Flickor: 9 %, Stadsövergripande Pojkar: 8 %). "
                    "Enhet: %. Källa: Stockholmsenkäten.")
    document = bm25_document(row)
    assert "(: 9 %, : 8 %)" in document and document.count("Flickor") == 1
    assert document.startswith("Elever som röker, andel (%): Södertälje Flickor: 6 %, Pojkar: 8 %")
    assert "Stadsövergripande" not in document


def test_narrative_and_unclosed_clauses_are_left_as_they_are():
    """Only an indicator row's closed comparison clause is touched."""
    narrative = {"kind": "narrative", "text": "Riket (jämförelse: Länet) och Huddinge."}
    assert bm25_document(narrative) == narrative["text"]
    unclosed = indicator("Andel: Södertälje 3 % (jämförelse: Länet 4 %. Enhet: %.")
    assert bm25_document(unclosed) == unclosed["text"]
    plain = indicator("Vårdnadshavares nöjdhet med förskolan: Södertälje 96,5 % år 2025. Enhet: %.")
    assert bm25_document(plain) == plain["text"]


def test_bm25_finds_the_narrative_passage_not_the_table_block():
    """A place named only in the comparison clauses no longer lifts every indicator row."""
    rows = [indicator(LOW_INCOME), indicator(SMOKING),
            {"kind": "narrative", "text": "Riket och länet följer upp barnfattigdomen varje år."}]
    raw = BM25Index.build([r["text"] for r in rows])
    assert {i for i, _ in raw.search("riket", 3)} == {0, 1, 2}
    ours = BM25Index.build([bm25_document(r) for r in rows])
    assert [i for i, _ in ours.search("riket", 3)] == [2]


def test_an_index_that_read_the_whole_rows_is_updated(tmp_path: Path):
    """An index saved before round 23 (BM25 over the rows' whole text) is rebuilt, vectors kept."""
    passages = build_passages(read_report(REPORT_PATH))
    index, _ = sync_index(tmp_path, passages, FakeEmbedder())
    rows = [dataclasses.asdict(p) for p in passages]
    assert index.bm25.texts == tuple(bm25_document(r) for r in rows)
    assert index.bm25.texts != tuple(r["text"] for r in rows)  # the report has such rows
    dataclasses.replace(index, bm25=BM25Index.build([r["text"] for r in rows])).save(
        index_dir(tmp_path))
    assert SearchIndex.load(index_dir(tmp_path)).bm25.texts == tuple(r["text"] for r in rows)
    updated, status = sync_index(tmp_path, passages, FakeEmbedder())
    assert status == "updated"
    assert updated.bm25.texts == tuple(bm25_document(r) for r in rows)
    assert sync_index(tmp_path, passages, FakeEmbedder())[1] == "unchanged"
