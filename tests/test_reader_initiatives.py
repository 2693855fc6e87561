"""Named initiatives: recall against a gold list made by reading the report, aliases, mentions."""

from __future__ import annotations

import re

from corpus.ids import slug

# Named programmes, methods and efforts, listed by reading the 2025 report.
# Each entry holds the accepted spellings (the report writes both "Relationsvårdcenter"
# and "Relationsvårdscener").
GOLD: list[tuple[str, ...]] = [
    ("Signs of Safety",), ("Rätt kurva",), ("Tidiga samordnade insatser",), ("Ung fritid",),
    ("Pryloteket",), ("Idrottsgalan",), ("Telge hjärta",), ("Mosaik",), ("Kulturskolan",),
    ("idrottsåret",), ("Tom Tits Experiment",), ("Mattemagiskt",), ("Naturskolan",),
    ("Delat beslutsfattande",), ("Södertäljemodellen",), ("Översiktsplan 2050",),
    ("Nöjd Kund Index",), ("Företagslots",), ("Alla behöver ett hem",), ("Bostad först",),
    ("En frisk skolstart",), ("Första hjälpen i psykisk hälsa",), ("Psyk E bas",),
    ("Våga fråga",), ("Trygga övergångar",), ("Krogar mot knark",), ("Grannsamverkan",),
    ("SSPF",), ("Sociala insatsgrupper",), ("Pax",), ("Botryggt2030",), ("Orange Week",),
    ("Relationsvårdcenter", "Relationsvårdscener"), ("barnkonsekvensanalyser", "BKA"),
]
GENERIC = {"Kommunen", "Under 2025", "Det", "Detta"}


def word_contains(found: str, gold: str) -> bool:
    """Slug equality, or the gold slug as a run of whole words of the found slug."""
    return found == gold or re.search(rf"(^|-){re.escape(gold)}(-|$)", found) is not None


def is_found(report, spellings: tuple[str, ...]) -> bool:
    forms = [slug(f) for i in report.initiatives for f in (i.name, *i.aliases)]
    return any(word_contains(form, slug(s)) for s in spellings for form in forms)


def by_name(report, name: str):
    hits = [i for i in report.initiatives if i.name == name]
    assert len(hits) == 1, (name, [i.name for i in report.initiatives])
    return hits[0]


def test_word_contains_rule():
    assert word_contains("idrottsgalan-2025", "idrottsgalan")
    assert word_contains("bostad-forst", "bostad-forst")
    assert not word_contains("ung-fritidsgard", "ung-fritid")
    assert not word_contains("paxx", "pax")


def test_recall_against_gold_list(report):
    missed = [s[0] for s in GOLD if not is_found(report, s)]
    recall = (len(GOLD) - len(missed)) / len(GOLD)
    print(f"\ninitiatives: {len(report.initiatives)} found; recall {recall:.3f} "
          f"({len(GOLD) - len(missed)}/{len(GOLD)}); missed: {missed}")
    print("found names:", [i.name for i in report.initiatives])
    assert recall >= 0.90, missed


def test_no_generic_phrases_as_names(report):
    names = [i.name for i in report.initiatives]
    assert not GENERIC & set(names)
    assert not [n for n in names if n.startswith(("Under ", "Inom ", "Genom "))]
    assert len(set(names)) == len(names)


def test_aliases_linked(report):
    assert "SoS" in by_name(report, "Signs of Safety").aliases
    assert "TSI" in by_name(report, "Tidiga samordnade insatser").aliases
    assert "NKI" in by_name(report, "Nöjd Kund Index").aliases
    # an abbreviation is not also an initiative of its own
    names = {i.name for i in report.initiatives}
    assert not {"SoS", "TSI", "NKI"} & names


def test_mentions_under_the_right_goal(report):
    assert {m.goal for m in by_name(report, "Bostad först").mentions} == {"J"}
    assert {m.goal for m in by_name(report, "Rätt kurva").mentions} == {"B", "E", "N"}
    sos = by_name(report, "Signs of Safety")
    assert {m.goal for m in sos.mentions} == {"B"}
    assert {m.surface for m in sos.mentions} == {"Signs of Safety", "SoS"}
    tsi = by_name(report, "Tidiga samordnade insatser")
    assert {m.goal for m in tsi.mentions} == {"B", "D"}


def test_mentions_point_at_real_text(report):
    lines = {p.line: p.text for s in report.sections for p in s.paragraphs}
    for area in report.goal_areas:
        lines |= {p.line: p.text for s in area.summary for p in s.paragraphs}
        for goal in area.goals:
            lines |= {p.line: p.text for s in goal.sections for p in s.paragraphs}
    goal_area = {g.letter: g.goal_area for g in report.goals}
    for item in report.initiatives:
        assert item.mentions, item.name
        for mention in item.mentions:
            assert mention.surface in lines[mention.line], (item.name, mention)
            if mention.goal is not None:
                assert mention.goal_area == goal_area[mention.goal]
