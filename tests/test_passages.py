"""Passages built from the real report: ids, sizes, coverage, rendering and metadata."""

from __future__ import annotations

import re
from collections import Counter

from corpus.passages import build_passages
from corpus.reader import read_report
from tests.conftest import REPORT_PATH


def paragraphs_with_place(report):
    """(paragraph, målområde, mål letter, heading) for every narrative paragraph."""
    found = [(p, None, None, s.heading) for s in report.sections for p in s.paragraphs]
    for area in report.goal_areas:
        found += [(p, area.number, None, s.heading) for s in area.summary for p in s.paragraphs]
        for goal in area.goals:
            found += [(p, area.number, goal.letter, s.heading)
                      for s in goal.sections for p in s.paragraphs]
    return found


def swedish(value) -> str:
    """Decimal('9.1') -> '9,1', written out here rather than with the renderer."""
    return str(value).replace(".", ",")


def test_kinds_and_counts(report):
    passages = build_passages(report)
    kinds = Counter(p.kind for p in passages)
    assert kinds["indicator"] == 73
    assert kinds["rights"] == 6
    assert kinds["development_area"] == 29
    assert kinds["narrative"] > 0
    assert set(kinds) == {"narrative", "indicator", "rights", "development_area"}
    assert [p.order for p in passages] == list(range(1, len(passages) + 1))


def test_ids_unique_and_stable_across_reads(report):
    first = build_passages(report)
    second = build_passages(read_report(REPORT_PATH))
    ids = [p.id for p in first]
    assert len(set(ids)) == len(ids)
    # anchored on the source line ('L127'; 'L127-2' for a second piece of one line)
    assert all(re.fullmatch(rf"rapport/sodertalje-2025/passage/L{p.line}(-[2-9]\d*)?", p.id)
               for p in first)
    assert [(p.id, p.text, p.source) for p in first] == [(p.id, p.text, p.source)
                                                        for p in second]


def test_narrative_passages_fit_the_model(report):
    narrative = [p for p in build_passages(report) if p.kind == "narrative"]
    sizes = [len(p.text.split()) for p in narrative]
    # ≤ 300 words keeps Swedish prose well under e5's 512-token limit
    assert max(sizes) <= 300
    assert min(sizes) > 0


def test_each_paragraph_in_exactly_one_passage(report):
    narrative = [p for p in build_passages(report) if p.kind == "narrative"]
    placed = paragraphs_with_place(report)
    for para, area, goal, heading in placed:
        holders = [p for p in narrative if para.text in p.text]
        assert len(holders) == 1, (para.line, len(holders))
        holder = holders[0]
        assert (holder.goal_area, holder.goal, holder.heading) == (area, goal, heading)
    # and no other text: the passages hold exactly the paragraphs' words
    assert sum(len(p.text.split()) for p in narrative) == sum(
        len(para.text.split()) for para, *_ in placed)


def test_indicator_passages_are_swedish_sentences(report):
    indicators = {p.line: p for p in build_passages(report) if p.kind == "indicator"}
    assert sorted(indicators) == sorted(i.line for i in report.indicators)
    for indicator in report.indicators:
        text = indicators[indicator.line].text
        assert text.startswith(indicator.name)
        assert text.endswith(".") or indicator.comment
        for obs in indicator.observations:
            assert swedish(obs.value) in text, (indicator.line, obs)
    first = indicators[127].text
    assert "9,1 %" in first
    assert "Länet 5,7 %" in first
    assert "Riket 6,0 %" in first
    assert "2024" in first
    assert "285,7" in indicators[880].text and "285.7" not in indicators[880].text
    assert "Länet 203,0" in indicators[880].text


def test_rights_and_development_area_passages(report):
    passages = build_passages(report)
    rights = [p for p in passages if p.kind == "rights"]
    assert [p.goal_area for p in rights] == [1, 2, 3, 4, 5, 6]
    assert "artikel 31: Barn har rätt till lek, vila och fritid" in rights[0].text
    assert "Jämställdhetspolitiken" in rights[5].text
    assert "Stopp för mäns våld mot kvinnor" in rights[5].text
    dev = [p for p in passages if p.kind == "development_area"]
    assert Counter(p.goal_area for p in dev) == {1: 4, 2: 4, 3: 6, 4: 4, 5: 7, 6: 4}
    texts = [d.text for a in report.goal_areas for d in a.development_areas]
    assert all(t in p.text for t, p in zip(texts, dev, strict=True))
    assert dev[0].source == "rapport/sodertalje-2025/utvecklingsomrade/1-1"


def test_metadata_for_a_few_passages(report):
    passages = build_passages(report)

    def narrative_at(line):
        hits = [p for p in passages if p.kind == "narrative" and p.line == line]
        assert len(hits) == 1, line
        return hits[0]

    bostad = narrative_at(548)  # "Kommunkoncernen arbetar sedan två år tillbaka …Bostad först"
    assert (bostad.goal, bostad.goal_area, bostad.heading, bostad.page) == (
        "J", 4, "Arbetsätt och stödinsatser", 24)
    assert bostad.source == "rapport/sodertalje-2025/atgard/J-2"
    assert "Bostad först" in bostad.text

    fritid = narrative_at(171)  # after the page break inside Mål C
    assert (fritid.goal, fritid.goal_area, fritid.page) == ("C", 1, 9)

    intro = narrative_at(42)
    assert (intro.goal, intro.goal_area, intro.heading, intro.page) == (
        None, None, "Om bokslut social hållbarhet", 3)

    summary = narrative_at(95)
    assert (summary.goal, summary.goal_area, summary.heading) == (None, 1, "Pågående arbete")

    row = next(p for p in passages if p.kind == "indicator" and p.line == 816)
    # mål N starts on page 35; one repaired page break ("beskärning av / vegetation") comes
    # before its table, so the table is on page 36 (mål O starts on 37)
    assert (row.goal, row.goal_area, row.page) == ("N", 6, 36)
    assert row.heading == "Andel som upplever sig otrygga på kvällen i sitt bostadsområde, " \
                          "andel (%)"
    assert all(p.report == "rapport/sodertalje-2025" and p.year == 2025
               and p.municipality == "Södertälje kommun" for p in passages)
