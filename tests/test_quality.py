"""Data-quality notes: values that contradict their unit or their breakdown by sex."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from graph.quality import quality_notes

TTL = """
@prefix bk: <https://w3id.org/bokslut/def#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dim: <http://purl.org/linked-data/sdmx/2009/dimension#> .
@prefix m: <http://purl.org/linked-data/sdmx/2009/measure#> .
@prefix sdmx-code: <http://purl.org/linked-data/sdmx/2009/code#> .
@prefix ex: <http://example.org/> .

ex:lan skos:prefLabel "Länet"@sv .
ex:count a bk:Indicator ; skos:prefLabel "Deltagartillfällen, antal/invånare"@sv ; bk:unit "%" .
ex:c1 bk:indicator ex:count ; m:obsValue 26 ; bk:year 2024 ; dim:refArea ex:lan .
ex:health a bk:Indicator ; skos:prefLabel "Självskattad god hälsa"@sv ; bk:unit "%" .
ex:h bk:indicator ex:health ; m:obsValue 74 ; bk:year 2022 ; dim:refArea ex:lan .
ex:hk bk:indicator ex:health ; m:obsValue 70 ; bk:year 2022 ; dim:refArea ex:lan ;
      dim:sex sdmx-code:sex-F .
ex:hm bk:indicator ex:health ; m:obsValue 73 ; bk:year 2022 ; dim:refArea ex:lan ;
      dim:sex sdmx-code:sex-M .
ex:fine a bk:Indicator ; skos:prefLabel "Andel behöriga"@sv ; bk:unit "%" .
ex:f bk:indicator ex:fine ; m:obsValue 72 ; bk:year 2022 ; dim:refArea ex:lan .
ex:fk bk:indicator ex:fine ; m:obsValue 70 ; bk:year 2022 ; dim:refArea ex:lan ;
      dim:sex sdmx-code:sex-F .
ex:fm bk:indicator ex:fine ; m:obsValue 73 ; bk:year 2022 ; dim:refArea ex:lan ;
      dim:sex sdmx-code:sex-M .
ex:days a bk:Indicator ; skos:prefLabel "Dagar som tas ut av män, andel av antal dagar (%)"@sv ;
        bk:unit "%" .
ex:d bk:indicator ex:days ; m:obsValue 31 ; bk:year 2022 ; dim:refArea ex:lan .
ex:people a bk:Indicator ; skos:prefLabel "Antal invånare"@sv ; bk:unit "antal" .
ex:p bk:indicator ex:people ; m:obsValue 300 ; bk:year 2022 ; dim:refArea ex:lan .
ex:pk bk:indicator ex:people ; m:obsValue 140 ; bk:year 2022 ; dim:refArea ex:lan ;
      dim:sex sdmx-code:sex-F .
ex:pm bk:indicator ex:people ; m:obsValue 160 ; bk:year 2022 ; dim:refArea ex:lan ;
      dim:sex sdmx-code:sex-M .
"""


@pytest.fixture()
def store() -> ox.Store:
    store = ox.Store()
    store.load(TTL.encode(), ox.RdfFormat.TURTLE)
    return store


def test_a_count_per_inhabitant_shown_as_percent_is_noted(store) -> None:
    notes = [n for n in quality_notes(store) if n.kind == "unit"]
    assert [n.indicator for n in notes] == ["http://example.org/count"]  # not "andel av antal"
    assert "antal" in notes[0].message and "%" in notes[0].message
    assert notes[0].observations == ("http://example.org/c1",)


def test_a_share_above_both_sexes_is_noted_and_counts_are_not(store) -> None:
    notes = [n for n in quality_notes(store) if n.kind == "breakdown"]
    assert [n.indicator for n in notes] == ["http://example.org/health"]
    assert "Länet 2022: totalen 74 ligger över" in notes[0].message
    assert "(70)" in notes[0].message and "(73)" in notes[0].message


def test_notes_for_one_indicator_only(store) -> None:
    assert quality_notes(store, "http://example.org/fine") == []
    assert len(quality_notes(store, "http://example.org/health")) == 1


@pytest.mark.slow
def test_the_real_report_has_both_kinds_of_contradiction(built_data) -> None:
    from graph.store import open_store
    from web.pipeline.ingest import store_dir

    notes = quality_notes(open_store(store_dir(built_data)))
    labels = {n.kind: n.label for n in notes}
    assert "Deltagartillfällen" in labels.get("unit", ""), notes
    assert any(n.kind == "breakdown" and "74" in n.message and "(70)" in n.message
               and "(73)" in n.message for n in notes), notes


@pytest.mark.slow
def test_validate_lists_the_notes_as_notes(built_data) -> None:
    from click.testing import CliRunner

    from web.cli.main import main

    result = CliRunner().invoke(main, ["validate", "--data", str(built_data)])
    assert "datakvalitet (unit):" in result.output and "Deltagartillfällen" in result.output
    assert "Violation: " + "https://w3id.org/bokslut/id/indikator" not in result.output
    assert "datakvalitet (breakdown):" in result.output
    assert "3 datakvalitetsanmärkningar" in result.output
