"""The ontology data files: vocabulary contract, reference vocabularies and SHACL shapes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import OWL, RDF, RDFS, SKOS, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS

from corpus import ids

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY = ROOT / "ontology"
REPORT = ROOT / "corpus" / "reports" / "sodertalje-bokslut-social-hallbarhet-2025.txt"
CONTRACT = ROOT.parent / "shared" / "design" / "vocabulary.md"
BASE = ids.DEFAULT_BASE_IRI
BK = Namespace("https://w3id.org/bokslut/def#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
QB = Namespace("http://purl.org/linked-data/cube#")
SH = Namespace("http://www.w3.org/ns/shacl#")
SDMX_DIM = Namespace("http://purl.org/linked-data/sdmx/2009/dimension#")
SDMX_MEASURE = Namespace("http://purl.org/linked-data/sdmx/2009/measure#")

CLASSES = [
    "Report",
    "Municipality",
    "Strategy",
    "GoalArea",
    "Goal",
    "RightsInstrument",
    "RightsArticle",
    "SDG",
    "Action",
    "Initiative",
    "DevelopmentArea",
    "Indicator",
    "Area",
    "Passage",
    "InferredSupport",
    "CuratedLink",
]
OBJECT_PROPERTIES = [
    "strategy",
    "goalArea",
    "goal",
    "instrument",
    "report",
    "mentionedIn",
    "reportedIn",
    "indicator",
    "contributesToRight",
    "supportsRight",
    "contributesToSDG",
    "inferredSupport",
    "action",
    "article",
    "sdg",
]
DATATYPE_PROPERTIES = [
    "year",
    "sha256",
    "number",
    "letter",
    "articleNumber",
    "text",
    "unit",
    "breakdown",
    "order",
    "heading",
    "page",
    "score",
    "method",
    "comment",
    "alias",
    "justification",
    "direction",
]
ARTICLE_COUNTS = {"CRC": 54, "UDHR": 30, "CRPD": 50, "JAM": 6}
CITED = {
    "CRC": {6, 12, 18, 19, 24, 26, 27, 28, 30, 31, 33},
    "UDHR": {3, 7, 19, 20, 21, 22, 23, 25, 26, 27},
    "CRPD": {9, 24, 27, 29},
    "JAM": {1, 3, 5, 6},
}
PREFIXES = """
@prefix bk: <https://w3id.org/bokslut/def#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix qb: <http://purl.org/linked-data/cube#> .
@prefix sdmx-dimension: <http://purl.org/linked-data/sdmx/2009/dimension#> .
@prefix sdmx-measure: <http://purl.org/linked-data/sdmx/2009/measure#> .
@prefix sdmx-code: <http://purl.org/linked-data/sdmx/2009/code#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""
SHA = "a" * 64
TINY = f"""
<kommun/0181> a bk:Municipality ; skos:prefLabel "Södertälje kommun"@sv ; skos:notation "0181" .
<rapport/sodertalje-2025> a bk:Report ; dcterms:title "Bokslut social hållbarhet 2025"@sv ;
    bk:year 2025 ; dcterms:publisher <kommun/0181> ; dcterms:source "bokslut.txt" ;
    bk:sha256 "{SHA}" .
<strategi/s> a bk:Strategy ; skos:prefLabel "Strategi"@sv ; dcterms:publisher <kommun/0181> .
<strategi/s/malomrade/1> a bk:GoalArea ; bk:number 1 ; skos:prefLabel "En god start"@sv ;
    bk:strategy <strategi/s> ; bk:contributesToRight <rattighet/crc/31> .
<strategi/s/mal/A> a bk:Goal ; bk:letter "A" ; skos:prefLabel "Ekonomisk trygghet"@sv ;
    bk:goalArea <strategi/s/malomrade/1> .
<rattighet/crc> a bk:RightsInstrument ; skos:notation "CRC" ;
    skos:prefLabel "Barnkonventionen"@sv , "Convention on the Rights of the Child"@en .
<rattighet/crc/31> a bk:RightsArticle , skos:Concept ; bk:instrument <rattighet/crc> ;
    skos:inScheme <rattighet/crc> ; bk:articleNumber 31 ; skos:prefLabel "Lek och fritid"@sv .
<r/passage/1> a bk:Passage ; bk:text "Text." ; bk:report <rapport/sodertalje-2025> ; bk:order 1 .
<r/atgard/A-1> a bk:Action ; bk:goal <strategi/s/mal/A> ; bk:report <rapport/sodertalje-2025> ;
    skos:prefLabel "Fritid"@sv ; bk:text "Text." ; prov:wasDerivedFrom <r/passage/1> ;
    bk:supportsRight <rattighet/crc/31> .
<r/atgard/A-1/stod/1> a bk:InferredSupport ; bk:action <r/atgard/A-1> ;
    bk:article <rattighet/crc/31> ; bk:score 0.81 ; bk:method "dense" .
<indikator/0181/x> a bk:Indicator ; skos:prefLabel "X, andel (%)"@sv ; bk:goal <strategi/s/mal/A> ;
    bk:unit "andel (%)" ; dcterms:source "SCB" ; bk:reportedIn <rapport/sodertalje-2025> ;
    bk:direction "lower-is-better" .
<omrade/sodertalje> a bk:Area ; skos:prefLabel "Södertälje"@sv ; skos:notation "0181" .
<r/observation/1> a qb:Observation ; bk:indicator <indikator/0181/x> ;
    sdmx-measure:obsValue 9.1 ; sdmx-dimension:refArea <omrade/sodertalje> ; bk:year 2024 ;
    bk:report <rapport/sodertalje-2025> ; sdmx-dimension:sex sdmx-code:sex-F .
"""


def load(*names: str, base: str = BASE) -> Graph:
    """Parse ontology files with a public base, as the graph builder does."""
    graph = Graph()
    for name in names:
        graph.parse(ONTOLOGY / name, format="turtle", publicID=base)
    return graph


def iri(relative: str) -> URIRef:
    return URIRef(BASE + relative)


def turtle(text: str) -> Graph:
    return Graph().parse(data=PREFIXES + text, format="turtle", publicID=BASE)


def shacl_results(data: Graph) -> list[tuple[URIRef, URIRef, Literal | None]]:
    """(severity, focus node, first message) for every validation result."""
    _, report, _ = validate(data, shacl_graph=load("shapes.ttl"), inference="none")
    return [
        (
            report.value(r, SH.resultSeverity),
            report.value(r, SH.focusNode),
            report.value(r, SH.resultMessage),
        )
        for r in report.subjects(RDF.type, SH.ValidationResult)
    ]


def violations(data: Graph) -> list:
    return [r for r in shacl_results(data) if r[0] == SH.Violation]


def langs(graph: Graph, subject: URIRef, predicate: URIRef) -> set[str | None]:
    return {o.language for o in graph.objects(subject, predicate)}


@pytest.mark.parametrize("name", sorted(p.name for p in ONTOLOGY.glob("*.ttl")))
def test_file_parses_and_has_no_file_iris(name: str) -> None:
    graph = load(name)
    assert len(graph) > 0
    assert not [t for t in graph.all_nodes() if str(t).startswith("file:")]


def test_ontology_header() -> None:
    graph = load("bokslut.ttl")
    onto = URIRef("https://w3id.org/bokslut/def")
    assert (onto, RDF.type, OWL.Ontology) in graph
    assert graph.value(onto, OWL.versionInfo) is not None
    assert langs(graph, onto, DCTERMS.title) >= {"sv", "en"}


@pytest.mark.parametrize(
    ("names", "kind"),
    [
        (CLASSES, OWL.Class),
        (OBJECT_PROPERTIES, OWL.ObjectProperty),
        (DATATYPE_PROPERTIES, OWL.DatatypeProperty),
    ],
)
def test_terms_declared_with_bilingual_docs(names: list[str], kind: URIRef) -> None:
    graph = load("bokslut.ttl")
    for name in names:
        term = BK[name]
        assert (term, RDF.type, kind) in graph, name
        assert langs(graph, term, RDFS.label) >= {"sv", "en"}, name
        assert langs(graph, term, RDFS.comment) >= {"sv", "en"}, name
        if kind != OWL.Class:
            assert graph.value(term, RDFS.domain) is not None, name
            assert graph.value(term, RDFS.range) is not None, name


@pytest.mark.skipif(not CONTRACT.exists(), reason="shared design folder not present")
def test_every_contract_term_exists() -> None:
    graph = load("bokslut.ttl")
    named = set(re.findall(r"\bbk:([A-Za-z]\w*)", CONTRACT.read_text(encoding="utf-8")))
    missing = sorted(n for n in named if (BK[n], RDF.type, None) not in graph)
    assert not missing


def test_datatype_ranges_and_concept_subclasses() -> None:
    graph = load("bokslut.ttl")
    for name in ("year", "number", "articleNumber", "order", "page"):
        assert graph.value(BK[name], RDFS.range) == XSD.integer, name
    assert graph.value(BK.score, RDFS.range) == XSD.decimal
    assert (BK.RightsArticle, RDFS.subClassOf, SKOS.Concept) in graph
    assert (BK.SDG, RDFS.subClassOf, SKOS.Concept) in graph


def test_indicator_data_structure() -> None:
    graph = load("bokslut.ttl")
    assert (BK.IndicatorDSD, RDF.type, QB.DataStructureDefinition) in graph
    components = list(graph.objects(BK.IndicatorDSD, QB.component))
    dims = {graph.value(c, QB.dimension) for c in components} - {None}
    measures = {graph.value(c, QB.measure) for c in components} - {None}
    assert {SDMX_DIM.refArea, BK.year, BK.indicator, SDMX_DIM.sex, BK.breakdown} <= dims
    assert measures == {SDMX_MEASURE.obsValue}
    for name in ("year", "indicator", "breakdown"):
        assert (BK[name], RDF.type, QB.DimensionProperty) in graph


@pytest.mark.parametrize(("code", "count"), sorted(ARTICLE_COUNTS.items()))
def test_articles_complete(code: str, count: int) -> None:
    graph = load("rights.ttl")
    scheme = iri(ids.rights_instrument_id(code))
    assert (scheme, RDF.type, BK.RightsInstrument) in graph
    assert (scheme, RDF.type, SKOS.ConceptScheme) in graph
    assert str(graph.value(scheme, SKOS.notation)) == code
    assert langs(graph, scheme, SKOS.prefLabel) == {"sv", "en"}
    articles = set(graph.subjects(BK.instrument, scheme))
    assert articles == {iri(ids.rights_article_id(code, n)) for n in range(1, count + 1)}
    for article in articles:
        number = graph.value(article, BK.articleNumber)
        assert number.datatype == XSD.integer
        assert str(graph.value(article, SKOS.notation)) == f"{code} {number.toPython()}"
        assert (article, SKOS.inScheme, scheme) in graph
        assert (article, RDF.type, SKOS.Concept) in graph
        swedish = langs(graph, article, SKOS.prefLabel) | langs(graph, article, SKOS.altLabel)
        assert "sv" in swedish and "en" in langs(graph, article, SKOS.prefLabel)


def test_cited_articles_leave_swedish_preflabel_to_the_report() -> None:
    graph = load("rights.ttl")
    for code, count in ARTICLE_COUNTS.items():
        for n in range(1, count + 1):
            article = iri(ids.rights_article_id(code, n))
            pref = "sv" in langs(graph, article, SKOS.prefLabel)
            alt = "sv" in langs(graph, article, SKOS.altLabel)
            assert (alt, pref) == ((True, False) if n in CITED[code] else (False, True))


def test_cited_articles_match_the_report() -> None:
    headings = {
        "Barnkonventionen": "CRC",
        "FN:s allmänna förklaring": "UDHR",
        "FN:s konvention om rättigheter för personer": "CRPD",
        "Jämställdhetspolitiken": "JAM",
    }
    found: dict[str, set[int]] = {code: set() for code in ARTICLE_COUNTS}
    current = None
    for line in REPORT.read_text(encoding="utf-8").splitlines():
        item = re.match(r"- (?:Art|Mål) (\d+)\.", line)
        if item and current:
            found[current].add(int(item.group(1)))
        elif line.strip():
            current = next((c for h, c in headings.items() if line.startswith(h)), None)
    assert found == CITED


def test_seventeen_sdgs() -> None:
    graph = load("sdg.ttl")
    goals = set(graph.subjects(RDF.type, BK.SDG))
    assert goals == {iri(ids.sdg_id(n)) for n in range(1, 18)}
    for goal in goals:
        n = str(goal).rsplit("/", 1)[1]
        assert str(graph.value(goal, SKOS.notation)) == n
        assert (goal, SKOS.exactMatch, URIRef(f"http://metadata.un.org/sdg/{n}")) in graph
        assert langs(graph, goal, SKOS.prefLabel) == {"sv", "en"}
    first = iri(ids.sdg_id(1))
    assert Literal("Ingen fattigdom", lang="sv") in set(graph.objects(first, SKOS.prefLabel))


def test_areas_and_municipality() -> None:
    graph = load("areas.ttl")
    expected = {
        "Södertälje": "0181",
        "Stockholms län": "01",
        "Riket": "SE",
        "Huddinge": "0126",
        "Botkyrka": "0127",
        "Haninge": "0136",
        "Polisregion Stockholm": None,
        "Polisregion Stockholm Syd": None,
        "Stadsövergripande": None,
    }
    assert set(graph.subjects(RDF.type, BK.Area)) == {iri(ids.area_id(k)) for k in expected}
    for label, code in expected.items():
        area = iri(ids.area_id(label))
        assert Literal(label, lang="sv") in set(graph.objects(area, SKOS.prefLabel))
        notation = graph.value(area, SKOS.notation)
        assert (str(notation) if notation is not None else None) == code
    lan = iri(ids.area_id("Stockholms län"))
    assert Literal("Länet", lang="sv") in set(graph.objects(lan, SKOS.altLabel))
    kommun = iri(ids.municipality_id("0181"))
    assert (kommun, RDF.type, BK.Municipality) in graph
    assert str(graph.value(kommun, SKOS.notation)) == "0181"


def test_curated_sdg_links_are_justified() -> None:
    graph = load("sdg-links.ttl")
    strategy = ids.strategy_id("sodertalje", 2025, 2030)
    areas = {iri(ids.goal_area_id(strategy, n)) for n in range(1, 7)}
    pairs = set(graph.subject_objects(BK.contributesToSDG))
    assert {a for a, _ in pairs} == areas
    assert all(str(s).startswith(BASE + "sdg/") for _, s in pairs)
    links = set(graph.subjects(RDF.type, BK.CuratedLink))
    assert {(graph.value(n, BK.goalArea), graph.value(n, BK.sdg)) for n in links} == pairs
    for node in links:
        assert langs(graph, node, BK.justification) == {"sv"}
        assert str(graph.value(node, DCTERMS.creator)) == "Bokslutsgrafen (kurerad)"
    assert "NOT STATED IN THE TEXT" in (ONTOLOGY / "sdg-links.ttl").read_text(encoding="utf-8")


def test_base_is_configurable() -> None:
    graph = load("rights.ttl", base="https://example.org/annan/")
    assert (
        URIRef("https://example.org/annan/rattighet/crc/31"),
        BK.articleNumber,
        Literal(31),
    ) in graph


def test_tiny_valid_graph_conforms() -> None:
    assert shacl_results(turtle(TINY)) == []


@pytest.mark.parametrize(
    "broken",
    [
        TINY.replace('bk:letter "A" ;', ""),
        TINY.replace("bk:year 2025", 'bk:year "2025"'),
        TINY.replace("obsValue 9.1", 'obsValue "9,1"'),
        TINY.replace("sdmx-code:sex-F", "sdmx-code:sex-T"),
        TINY.replace("prov:wasDerivedFrom <r/passage/1> ;", ""),
        TINY.replace('skos:prefLabel "Ekonomisk trygghet"@sv', 'skos:prefLabel "Goal A"@en'),
        TINY + "<strategi/s/mal/A> bk:goalArea <strategi/s/malomrade/2> .\n"
        '<strategi/s/malomrade/2> a bk:GoalArea ; bk:number 2 ; skos:prefLabel "Två"@sv ;'
        " bk:strategy <strategi/s> .",
    ],
    ids=[
        "goal-without-letter",
        "year-as-string",
        "value-not-decimal",
        "sex-outside-codes",
        "action-without-passage",
        "goal-without-swedish-label",
        "goal-in-two-areas",
    ],
)
def test_broken_graph_is_rejected(broken: str) -> None:
    assert violations(turtle(broken))


def test_article_label_conflict_is_only_a_warning() -> None:
    data = turtle(TINY + '<rattighet/crc/31> skos:prefLabel "Barns rätt till lek"@sv .')
    results = shacl_results(data)
    assert results
    assert {severity for severity, _, _ in results} == {SH.Warning}
    assert {focus for _, focus, _ in results} == {iri(ids.rights_article_id("CRC", 31))}
    conforms, report, _ = validate(data, shacl_graph=load("shapes.ttl"), inference="none")
    assert not conforms  # pyshacl counts warnings unless told otherwise
    messages = set(report.objects(None, SH.resultMessage))
    assert {m.language for m in messages} == {"sv", "en"}
    shapes = load("shapes.ttl")
    assert validate(data, shacl_graph=shapes, inference="none", allow_warnings=True)[0]


def test_reference_vocabularies_conform_once_the_report_names_cited_articles() -> None:
    reference = load("rights.ttl", "sdg.ttl", "areas.ttl")
    missing = {focus for _, focus, _ in violations(reference)}
    assert missing == {iri(ids.rights_article_id(c, n)) for c, ns in CITED.items() for n in ns}
    for code, numbers in CITED.items():
        for n in numbers:
            reference.add(
                (
                    iri(ids.rights_article_id(code, n)),
                    SKOS.prefLabel,
                    Literal(f"Rapportens lydelse {n}", lang="sv"),
                )
            )
    assert shacl_results(reference) == []


def test_scope_notes_on_substantive_articles_only() -> None:
    """Every substantive article says in Swedish what work serves it; procedural ones stay bare."""
    graph = load(*sorted(p.name for p in ONTOLOGY.glob("*.ttl")))
    articles = set(graph.subjects(RDF.type, BK.RightsArticle))
    procedural = set(graph.subjects(RDF.type, BK.ProceduralArticle))
    assert len(articles) == sum(ARTICLE_COUNTS.values()) and len(procedural) == 42
    for article in articles - procedural:
        notes = list(graph.objects(article, SKOS.scopeNote))
        assert [n.language for n in notes] == ["sv"], article
        definition = str(graph.value(article, SKOS.definition))
        # our own 1-3 sentences, not a copy of the definition
        assert 60 <= len(notes[0]) <= 600 and str(notes[0]) != definition, article
        assert len(re.findall(r"[.!?](?:\s|$)", str(notes[0]))) in (1, 2, 3), article
    for article in procedural:
        assert graph.value(article, SKOS.scopeNote) is None, article
        # nothing in the ontology files links to it either
        assert not list(graph.subject_predicates(article)), article
