"""Narrative text: every sentence of the report lands in exactly one reader paragraph.

The expectation is built from the raw file with this module's own rules, not the reader's:
a prose line is a body line with no tab, not a '- ' bullet and not a structural line, that is
either long or takes part in a page-break split (a line starting in lowercase continues the
previous prose line).
"""

from __future__ import annotations

import re
from collections import Counter

import pytest

from corpus.reader import read_report
from tests.conftest import REPORT_PATH

RAW = REPORT_PATH.read_text(encoding="utf-8").split("\n")
STRUCTURAL = re.compile(r"^(Mål [A-ZÅÄÖ]\. |Målområde \d+:|Sammanfattning för målområdet |"
                        r"Arbete med målområdet )")
SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=[A-ZÅÄÖ0-9\"”])")
REAL_HYPHEN_BEFORE = {"och", "eller", "samt", "respektive", "till"}


def body_range() -> range:
    """Line numbers from after the table of contents to the last indicator row."""
    tab_lines = [n for n, line in enumerate(RAW, start=1) if "\t" in line]
    toc_end = max(n for n in tab_lines if re.search(r"\t\d+$", RAW[n - 1]) and n < 100)
    return range(toc_end + 1, max(tab_lines) + 1)


def prose_lines() -> list[int]:
    """1-based numbers of the raw prose lines, in order."""
    body = [n for n in body_range() if RAW[n - 1].strip()]
    found = []
    for i, n in enumerate(body):
        line = RAW[n - 1]
        if "\t" in line or line.startswith("- ") or STRUCTURAL.match(line):
            continue
        nxt = RAW[body[i + 1] - 1] if i + 1 < len(body) else ""
        if len(line) > 120 or line[0].islower() or nxt[:1].islower():
            found.append(n)
    return found


PROSE = prose_lines()
TAILS = {n for n in PROSE if RAW[n - 1][0].islower()}
HEADS = {PROSE[PROSE.index(n) - 1] for n in TAILS}


def join(head: str, tail: str) -> str:
    """Rejoin a paragraph split by a page break."""
    if re.search(r"\w-$", head) and tail.split()[0].strip(",.") not in REAL_HYPHEN_BEFORE:
        return head[:-1] + tail
    return f"{head} {tail}"


def expected_paragraphs() -> dict[int, str]:
    """Start line -> repaired paragraph text, from the raw lines alone."""
    paragraphs: dict[int, str] = {}
    start = 0
    for n in PROSE:
        text = RAW[n - 1].replace("**", "").strip()
        if n in TAILS:
            paragraphs[start] = join(paragraphs[start], text)
        else:
            start = n
            paragraphs[n] = text
    return paragraphs


def reader_paragraphs(report):
    """(section, paragraph) for every narrative paragraph the reader produced."""
    sections = list(report.sections)
    for area in report.goal_areas:
        sections += area.summary
        for goal in area.goals:
            sections += goal.sections
    return [(s, p) for s in sections for p in s.paragraphs]


def internal_sentences() -> Counter[str]:
    """Sentences of prose lines, without the ends a page break cut."""
    found: Counter[str] = Counter()
    for n in PROSE:
        pieces = SENTENCE_BREAK.split(RAW[n - 1].replace("**", "").strip())
        if n in HEADS:
            pieces = pieces[:-1]
        if n in TAILS:
            pieces = pieces[1:]
        found.update(p for p in pieces if len(p.split()) >= 3)
    return found


def test_raw_prose_is_found():
    # guards the independent expectation itself: 173 paragraphs from 189 lines, 16 page splits
    assert len(PROSE) == 189
    assert len(TAILS) == 16
    assert len(HEADS) == 16
    assert len(expected_paragraphs()) == 173


def test_every_raw_paragraph_is_one_reader_paragraph(report):
    expected = expected_paragraphs()
    got = {p.line: p.text for _, p in reader_paragraphs(report)}
    assert len(got) == len(reader_paragraphs(report)), "two paragraphs start on one line"
    assert sorted(got) == sorted(expected)
    for line, text in expected.items():
        assert got[line] == text, line


def test_every_sentence_lands_exactly_once(report):
    texts = [p.text for _, p in reader_paragraphs(report)]
    sentences = internal_sentences()
    assert len(sentences) > 500
    for sentence, times in sentences.items():
        found = sum(t.count(sentence) for t in texts)
        assert found == times, (sentence, times, found)


def test_repeated_sentence_counted_per_occurrence(report):
    closing = ("För att nå full måluppfyllelse bedöms att arbetet inom målområdet fortsatt behöver "
               "utvecklas inom flera områden.")
    assert internal_sentences()[closing] == 6
    where = [s.heading for s, p in reader_paragraphs(report) if closing in p.text]
    assert where == ["Pågående arbete"] * 6


def test_word_count_matches_raw_prose(report):
    raw_words = sum(len(RAW[n - 1].replace("**", " ").split()) for n in PROSE)
    hyphen_joins = sum(1 for n in TAILS if re.search(r"\w-$", RAW[PROSE[PROSE.index(n) - 1] - 1])
                       and RAW[n - 1].split()[0] not in REAL_HYPHEN_BEFORE)
    assert hyphen_joins == 2  # "förutsätt-/ningar" and "struk-/turer"
    reader_words = sum(len(p.text.split()) for _, p in reader_paragraphs(report))
    assert reader_words == raw_words - hyphen_joins


def paragraph_with(report, fragment: str):
    hits = [(s, p) for s, p in reader_paragraphs(report) if fragment in p.text]
    assert len(hits) == 1, (fragment, len(hits))
    return hits[0]


@pytest.mark.parametrize(("fragment", "line", "heading"), [
    ("förutsättningar. Nöjdheten med tillgången", 167, "Tillgängliga och trygga fritidsmiljöer"),
    ("Ämnet svenska samt läs- och skrivstrategier har", 282, "Systematiskt kvalitetsarbete"),
    ("Gemensamma strukturer, stärkt samverkan", 620, "Pågående arbete"),
    ("Kommunen arbetar därför med olika lösningar", 851, "Stödinsatser"),
    ("skolor där gymnasiebehörighet, skolnärvaro eller", 235, "Exempel på utvecklingsområden"),
    ("Förskolan har därför bedrivit", 255, "Närvaro och tidigt stöd"),
    ("upprustning av inne- och utemiljöer", 532, "Exempel på utvecklingsområden"),
])
def test_page_break_joins(report, fragment, line, heading):
    section, para = paragraph_with(report, fragment)
    assert (para.line, section.heading) == (line, heading)


def test_bold_sentence_end_ends_the_paragraph(report):
    # line 46 ends "…att verka i.**": bold markup must not hide the full stop
    section, para = paragraph_with(report, "Södertälje kommun är en attraktiv plats att verka i.")
    assert (section.heading, para.line) == ("Om bokslut social hållbarhet", 46)
    assert para.text.endswith("att verka i.")
    _, following = paragraph_with(report, "Strategi för social hållbarhet genomförs gemensamt")
    assert following.line == 48


def test_broken_words_do_not_survive(report):
    texts = " ".join(p.text for _, p in reader_paragraphs(report))
    for broken in ("förutsätt-", "förutsätt ningar", "struk-", "struk turer", "**"):
        assert broken not in texts


@pytest.mark.parametrize("real_hyphen", [
    "gång- och cykelvägar", "idrotts- och motionsanläggningar", "läs- och skrivstrategier",
    "sommar- och jullov", "hälso- och sjukvård",
])
def test_real_hyphens_kept(report, real_hyphen):
    assert any(real_hyphen in p.text for _, p in reader_paragraphs(report))


def test_split_tail_is_not_a_heading(report):
    headings = [s.heading for s, _ in reader_paragraphs(report)]
    headings += [s.heading for a in report.goal_areas for s in a.summary]
    assert not [h for h in headings if h[:1].islower()]
    assert not [h for h in headings if "gymnasiebehörighet" in h or h.startswith("därför")]


def test_pages_advance_across_page_breaks(report):
    goal_c = next(g for g in report.goals if g.letter == "C")
    pages = {p.line: p.page for s in goal_c.sections for p in s.paragraphs}
    # the paragraph ending "förutsätt-" starts on the mål's page; the next one is on the next
    assert pages[167] == 8
    assert pages[171] == 9
    goal_e = next(g for g in report.goals if g.letter == "E")
    pages_e = {p.line: p.page for s in goal_e.sections for p in s.paragraphs}
    assert (pages_e[282], pages_e[286]) == (13, 14)


def test_pages_stay_within_toc_bounds(report):
    toc_pages = sorted({e.page for e in report.toc})

    def bounds(first: int) -> tuple[int, int]:
        later = [p for p in toc_pages if p > first]
        return first, later[0] if later else first + 5

    units = [(s.page, s.paragraphs) for s in report.sections]
    units += [(a.page, [p for s in a.summary for p in s.paragraphs]) for a in report.goal_areas]
    units += [(g.page, [p for s in g.sections for p in s.paragraphs]) for g in report.goals]
    for start, paragraphs in units:
        low, high = bounds(start)
        assert all(low <= p.page <= high for p in paragraphs), (start, [p.page for p in paragraphs])
    in_order = [p.page for _, p in reader_paragraphs(report)]
    assert in_order == sorted(in_order)


@pytest.mark.parametrize(("line", "head_ends", "tail_starts"), [
    (173, "närhet till gång-", "och cykelbanor."),  # real hyphen before "och": kept
    (110, "inför sommar-", "och jullov,"),  # real hyphen before "och": kept
    (116, "arbetsplatser i kollektiv-", "trafiknära lägen"),  # broken word: joined
    (143, "samverkar med olika delar av", "socialkontoret för"),  # no hyphen: one space
])
def test_new_page_break_is_repaired(tmp_path, report, line, head_ends, tail_starts):
    """Cut a real paragraph as a page break would; it must read back as before."""
    original = RAW[line - 1]
    head_text = head_ends.replace("kollektiv-", "kollektiv")
    cut = original.index(head_text) + len(head_text)
    head = original[:cut] + ("-" if head_ends.endswith("kollektiv-") else "")
    tail = original[cut:].lstrip()
    assert tail.startswith(tail_starts)
    lines = [*RAW[: line - 1], head, "", tail, *RAW[line:]]
    path = tmp_path / "sidbrytning.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    variant = read_report(path)
    before = {p.line: p.text for _, p in reader_paragraphs(report)}
    after = {p.line: p.text for _, p in reader_paragraphs(variant)}
    assert after[line] == before[line]
    assert len(after) == len(before)
    page = {p.line: p.page for _, p in reader_paragraphs(variant)}
    old_page = {p.line: p.page for _, p in reader_paragraphs(report)}
    following = min(n for n in old_page if n > line)
    # the break moves every later paragraph of the mål one page on
    assert page[following + 2] == old_page[following] + 1
