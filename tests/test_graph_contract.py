"""The graph's public contract on the real 2025 report, queried in the real on-disk store."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from graph.namespaces import sparql_prologue
from graph.store import open_store
from graph.trusted_query import trusted_select
from web.pipeline.ingest import store_dir

BASE = "https://w3id.org/bokslut/id/"


@pytest.fixture(scope="module")
def store(built_data: Path):
    """The live store generation of the session's data directory."""
    return open_store(store_dir(built_data))


def count(store, pattern: str) -> int:
    """COUNT(DISTINCT ?x) over a pattern."""
    rows = trusted_select(store, sparql_prologue() +
                          f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {pattern} }}")
    return rows[0]["n"].toPython()


@pytest.mark.parametrize(("pattern", "expected"), [
    ("?x a bk:GoalArea", 6),
    ("?x a bk:Goal", 15),
    ("?x a bk:DevelopmentArea", 29),
    ("?x a bk:Action", 45),
    ("?x a bk:Indicator", 73),
    ("?x a qb:Observation", 276),
    ("?x a bk:Report", 1),
    ("?a a bk:GoalArea ; bk:contributesToRight ?r . BIND(CONCAT(STR(?a), STR(?r)) AS ?x)", 35),
])
def test_counts(store, pattern: str, expected: int) -> None:
    """The counts the report gives."""
    assert count(store, pattern) == expected


def test_every_action_supports_the_rights_of_its_goal_area(store) -> None:
    """bk:supportsRight is materialised for every action under a målområde that states it."""
    rows = trusted_select(store, sparql_prologue() + """
        SELECT ?action (COUNT(DISTINCT ?r) AS ?stated) (COUNT(DISTINCT ?s) AS ?supported) WHERE {
          ?action a bk:Action ; bk:goal/bk:goalArea ?area .
          ?area bk:contributesToRight ?r .
          OPTIONAL { ?action bk:supportsRight ?s }
        } GROUP BY ?action""")
    assert len(rows) == 45
    assert all(r["stated"] == r["supported"] for r in rows)


def observations(store, indicator: str) -> set[tuple]:
    """(area label, year, sex, breakdown, value) of an indicator's observations."""
    rows = trusted_select(store, sparql_prologue() + """
        SELECT ?area ?year ?sex ?breakdown ?value WHERE {
          ?ind skos:prefLabel ?label . FILTER(STR(?label) = ?name)
          ?o bk:indicator ?ind ; bk:year ?year ; sdmx-measure:obsValue ?value ;
             sdmx-dimension:refArea/skos:prefLabel ?area . FILTER(lang(?area) = "sv")
          OPTIONAL { ?o sdmx-dimension:sex ?sex } OPTIONAL { ?o bk:breakdown ?breakdown }
        }""".replace("?name", f'"{indicator}"'))
    return {(str(r["area"]), r["year"].toPython(),
             str(r["sex"]).rsplit("-", 1)[-1] if "sex" in r else None,
             str(r["breakdown"]) if "breakdown" in r else None,
             Decimal(str(r["value"]))) for r in rows}


SAMPLES = {
    "Andel barn i familjer med låg inkomststandard": {
        ("Södertälje", 2024, None, None, Decimal("9.1")),
        ("Stockholms län", 2024, None, None, Decimal("5.7")),
        ("Riket", 2024, None, None, Decimal("6.0")),
        ("Huddinge", 2024, None, None, Decimal("5.7")),
        ("Botkyrka", 2024, None, None, Decimal("9.7")),
        ("Haninge", 2024, None, None, Decimal("6.4"))},
    "Invånare med bra självskattat hälsotillstånd, andel (%)": {
        ("Södertälje", 2024, None, None, Decimal(68)), ("Södertälje", 2024, "F", None, Decimal(66)),
        ("Södertälje", 2024, "M", None, Decimal(69)),
        ("Stockholms län", 2024, None, None, Decimal(74)),
        ("Stockholms län", 2024, "F", None, Decimal(70)),
        ("Stockholms län", 2024, "M", None, Decimal(73)),
        ("Riket", 2024, None, None, Decimal(71)), ("Riket", 2024, "F", None, Decimal(69)),
        ("Riket", 2024, "M", None, Decimal(73))},
    "Grad av god psykisk hälsa, index 0-100, åk 9, flickor och pojkar": {
        ("Södertälje", 2024, "F", "Flickor", Decimal(47)),
        ("Södertälje", 2024, "M", "Pojkar", Decimal(66)),
        ("Stadsövergripande", 2024, "F", "Flickor", Decimal(46)),
        ("Stadsövergripande", 2024, "M", "Pojkar", Decimal(63))},
    "Förhör med barn, där barn är målsägande vid våld och övergrepp, antal": {
        ("Södertälje", 2025, None, None, Decimal(199)),
        ("Södertälje", 2025, "M", "Pojkar", Decimal(104)),
        ("Södertälje", 2025, "F", "Flickor", Decimal(95))},
    "Individer 16-84 år utsatta för hot, andel (%)": {
        ("Södertälje", 2025, None, None, Decimal("7.0")),
        ("Södertälje", 2025, "F", None, Decimal("5.3")),
        ("Södertälje", 2025, "M", None, Decimal("8.7")),
        ("Polisregion Stockholm Syd", 2025, None, None, Decimal("7.5")),
        ("Polisregion Stockholm Syd", 2025, "F", None, Decimal("7.0")),
        ("Polisregion Stockholm Syd", 2025, "M", None, Decimal("8.1"))},
    "Anmälda misshandelsbrott mot kvinna, inomhus, bekant med offret, antal/100 000 inv": {
        ("Södertälje", 2024, None, None, Decimal("285.7")),
        ("Stockholms län", 2024, None, None, Decimal("203.0")),
        ("Riket", 2024, None, None, Decimal("208.3"))},
}


@pytest.mark.parametrize("indicator", sorted(SAMPLES))
def test_sample_observations(store, indicator: str) -> None:
    """Values, areas, years, sex and breakdowns as the table gives them."""
    assert observations(store, indicator) == SAMPLES[indicator]


def test_election_row_has_a_year_per_value(store) -> None:
    """Valdeltagande: År '-', each value with its own election year and breakdown."""
    found = observations(store, "Valdeltagande i senaste kommunvalet, regionvalet, "
                         "riksdagsvalet och Europaparlamentsvalet, andel (%)")
    assert ("Södertälje", 2025, None, "EU", Decimal(37)) in found
    assert ("Riket", 2022, None, "Riksdag", Decimal(85)) in found
    assert len(found) == 12


def test_initiatives_link_to_the_actions_that_mention_them(store) -> None:
    """Rätt kurva is mentioned under B, E and N; aliases are kept."""
    rows = trusted_select(store, sparql_prologue() + """
        SELECT DISTINCT ?letter ?alias WHERE {
          ?i a bk:Initiative ; skos:prefLabel "Signs of Safety"@sv ; bk:alias ?alias ;
             bk:mentionedIn/bk:goal/bk:letter ?letter }""")
    assert {(str(r["letter"]), str(r["alias"])) for r in rows} == {("B", "SoS")}
    letters = trusted_select(store, sparql_prologue() + """
        SELECT DISTINCT ?letter WHERE { ?i skos:prefLabel "Rätt kurva"@sv ;
          bk:mentionedIn/bk:goal/bk:letter ?letter }""")
    assert {str(r["letter"]) for r in letters} == {"B", "E", "N"}


def test_provenance_reaches_a_passage_with_a_page(store) -> None:
    """Actions, indicators and observations derive from passages that carry a page."""
    for cls in ("bk:Action", "bk:Indicator", "qb:Observation"):
        missing = count(store, f"?x a {cls} . FILTER NOT EXISTS {{ ?x prov:wasDerivedFrom "
                        "?p . ?p a bk:Passage ; bk:page ?page }")
        assert missing == 0, cls


def test_sdg_links_are_curated_in_their_own_graph(store) -> None:
    """bk:contributesToSDG lives only in the curated named graph."""
    rows = trusted_select(store, sparql_prologue() + """
        SELECT DISTINCT ?g WHERE { GRAPH ?g { ?a bk:contributesToSDG ?sdg } }""")
    assert [str(r["g"]) for r in rows] == [BASE + "graf/kurerat"]


def test_every_observation_of_every_row_is_in_the_store(store, report) -> None:
    """All 73 rows: the store holds exactly the reader's observations (value, area, year,
    sex, breakdown), so the rows checked by hand in test_reader_tables hold in the graph."""
    areas = {"Länet": "Stockholms län"}
    for indicator in report.indicators:
        expected = {(areas.get(o.area, o.area), o.year, o.sex, o.breakdown, o.value)
                    for o in indicator.observations}
        assert observations(store, indicator.name) == expected, indicator.name
