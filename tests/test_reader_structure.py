"""The reader's structure of the real 2025 report: TOC, målområden, mål, rights, sub-headings.

Every expected value below was copied by hand from the report text, not from the reader.
"""

from __future__ import annotations

import hashlib
from collections import Counter

from tests.conftest import REPORT_PATH

RAW_LINES = REPORT_PATH.read_text(encoding="utf-8").split("\n")

GOAL_AREAS = {
    1: ("En god start i livet – barn och unga har goda uppväxtvillkor", 5),
    2: ("Lärande och utveckling i Södertälje – från förskola till arbetsliv", 10),
    3: ("Ett demokratiskt och jämlikt Södertälje – där människors lika värde står i centrum", 17),
    4: ("En plats för livskvalitet – goda livsmiljöer att växa i", 23),
    5: ("Ett välmående Södertälje – god och jämlik hälsa genom livet", 27),
    6: ("Ett tryggt Södertälje – fritt från våld", 33),
}

# letter: (title, målområde, TOC page)
GOALS = {
    "A": ("Varje barn lever i ekonomisk trygghet", 1, 6),
    "B": ("Varje barn har en trygg och stödjande hemmiljö", 1, 7),
    "C": ("Varje barn och ungdom har en aktiv fritid", 1, 8),
    "D": ("Varje barn har tillgång till förskoleverksamhet av hög kvalitet på lika villkor", 2, 12),
    "E": ("Varje elev har en trygg och framgångsrik skolgång", 2, 13),
    "F": ("Varje invånare i arbetsför ålder är i sysselsättning", 2, 15),
    "G": ("Varje invånare har goda möjligheter till inflytande och till att vara delaktig i "
          "samhällets utveckling", 3, 19),
    "H": ("Varje invånare har förtroende för kommunen och tillit till andra", 3, 21),
    "I": ("Södertälje är en öppen och inkluderande kommun där varje invånares rättigheter "
          "tillgodoses och alla ges likvärdiga möjligheter", 3, 22),
    "J": ("Varje invånare har goda boendeförhållanden", 4, 24),
    "K": ("Varje invånare lever i en god närmiljö", 4, 26),
    "L": ("Varje invånare har goda förutsättningar för hälsa och välmående", 5, 29),
    "M": ("Ett Södertälje fritt från skadligt bruk och beroende", 5, 31),
    "N": ("Varje invånare har en trygg boende- och närmiljö", 6, 35),
    "O": ("Varje invånare lever fritt från våld och hot om våld", 6, 37),
}

INTRO_SECTIONS = [
    ("Om bokslut social hållbarhet", 3),
    ("Perspektiv i arbetet med social hållbarhet", 4),
]

UDHR_26 = ("Var och en har rätt till en levnadsstandard tillräcklig för den egna och familjens "
           "hälsa och välbefinnande")

# (målområde, instrument, number, label) in report order
RIGHTS = [
    (1, "CRC", 6, "Barn har rätt till liv, överlevnad och utveckling"),
    (1, "CRC", 18, "Barnets föräldrar eller vårdnadshavare har gemensamt huvudansvar för barnets "
                   "uppföstran och utveckling, med statens stöd"),
    (1, "CRC", 26, "Barn har rätt till social trygghet"),
    (1, "CRC", 31, "Barn har rätt till lek, vila och fritid"),
    (1, "UDHR", 25, UDHR_26),  # the report writes a final full stop here; the label drops it
    (2, "CRC", 6, "Barns rätt till liv, överlevnad och utveckling"),
    (2, "CRC", 28, "Barns rätt till utbildning"),
    (2, "UDHR", 23, "Var och en har rätt till arbete"),
    (2, "UDHR", 26, "Var och en har rätt till utbildning"),
    (2, "CRPD", 24, "Utbildning"),
    (2, "CRPD", 27, "Arbete och sysselsättning"),
    (2, "JAM", 3, "Jämställd utbildning"),
    (3, "CRC", 12, "Alla barn har rätt att uttrycka sin mening och få den respekterad"),
    (3, "CRC", 30, "Barn som tillhör en minoritet eller ursprungsbefolkning har rätt att utöva sin "
                   "kultur, religion och sitt språk"),
    (3, "JAM", 1, "En jämn fördelning av makt och inflytande"),
    (3, "UDHR", 7, "Alla är lika inför lagen och är berättigade till samma skydd av lagen utan "
                   "diskriminering av något slag"),
    (3, "UDHR", 19, "Var och en har rätt till åsiktsfrihet och yttrandefrihet"),
    (3, "UDHR", 20, "Var och en har rätt till frihet i fråga om fredliga möten och "
                    "sammanslutningar"),
    (3, "UDHR", 21, "Var och en har rätt att delta i sitt lands styre"),
    (3, "CRPD", 29, "Deltagande i det politiska och offentliga livet"),
    (4, "CRC", 27, "Barns rätt till skälig levnadsstandard"),
    (4, "UDHR", 26, UDHR_26),
    (4, "UDHR", 27, "Var och en har rätt att fritt delta i samhällets kulturella liv"),
    (4, "CRPD", 9, "Tillgänglighet"),
    (5, "CRC", 6, "Barns rätt till liv, överlevnad och utveckling"),
    (5, "CRC", 24, "Barns rätt till hälsa och sjukvård"),
    (5, "CRC", 31, "Barns rätt till lek, vila och fritid"),
    (5, "CRC", 33, "Skydd mot narkotika"),
    (5, "UDHR", 26, UDHR_26),
    (5, "JAM", 5, "Jämställd hälsa"),
    (6, "CRC", 6, "Barn har rätt till liv och utveckling"),
    (6, "CRC", 19, "Skydd mot övergrepp"),
    (6, "UDHR", 3, "Var och en har rätt till liv, frihet och personlig säkerhet"),
    (6, "UDHR", 22, "Var och en har rätt till social trygghet"),
    (6, "JAM", 6, "Stopp för mäns våld mot kvinnor"),
]

DEVELOPMENT_COUNTS = {1: 4, 2: 4, 3: 6, 4: 4, 5: 7, 6: 4}
DEVELOPMENT_SAMPLES = {
    (1, 1): "Stärka insatser som ökar vuxnas möjligheter till egen försörjning, både genom att "
            "fler kommer i sysselsättning och genom ökad tillgång till utbildning",
    (2, 2): "Fortsätta arbetet med att stärka barns språkliga utveckling tidigt som en central "
            "grund för lärande och framgång i utbildningskedjan",
    (3, 4): "Stärka arbetet mellan valen för att öka valdeltagandet",
    (4, 2): "Förstärka och vidareutveckla bostadsnära miljöer, med fokus på tillgänglighet, "
            "social samvaro, service, grönområden och attraktiva offentliga rum",
    (5, 5): "Stärka intern samverkan för tidig upptäckt av risker kopplat till ANDTS",
    (6, 4): "Fortsätta utveckla ett sammanhållet och kunskapsbaserat våldsförebyggande arbete",
}

THEMED_SECTIONS = [
    ("A", "Kompensatoriska och förebyggande insatser"),
    ("A", "Strategiskt arbete"),
    ("B", "Utvecklade arbetssätt"),
    ("B", "Arbetssätt och samverkan"),
    ("C", "Kompensatoriska och inkluderande insatser"),
    ("C", "Tillgängliga och trygga fritidsmiljöer"),
    ("C", "Arenor för fritid"),
    ("D", "Utveckling och ökad kompetens"),
    ("D", "Närvaro och tidigt stöd"),
    ("D", "Fysiska miljöer"),
    ("E", "Systematiskt kvalitetsarbete"),
    ("E", "Stödsatser"),
    ("E", "Pedagogiska lärmiljöer"),
    ("E", "Säkra skolvägar"),
    ("F", "Nya arbetssätt"),
    ("F", "Arbetsmarknadsinsatser"),
    ("F", "Praktik"),
    ("F", "Utbildning"),
    ("F", "Starkt företagsklimat"),
    ("G", "Arbetsätt"),
    ("G", "Samverkan och delaktighet"),
    ("H", "Arbetsätt"),
    ("H", "Samverkan och dialog"),
    ("I", "Inkludering"),
    ("I", "Bemötande och rättighetsperspektiv"),
    ("J", "Förebyggande arbete och kunskap"),
    ("J", "Arbetsätt och stödinsatser"),
    ("J", "Bostadsförsörjning och inomhusmiljö"),
    ("K", "Samhällsplanering och gestaltning"),
    ("K", "Utveckling av närmiljöer"),
    ("L", "Stöd och tidiga insatser"),
    ("L", "Fysisk aktivitet"),
    ("L", "Barn och ungas hälsa"),
    ("L", "Suicidprevention"),
    ("M", "Tillsyn och minskad tillgänglighet"),
    ("M", "Förebyggande arbete bland barn och unga"),
    ("M", "Tidiga och frivilliga insatser"),
    ("N", "Kunskapsbaserat och strategiskt arbete"),
    ("N", "Trygghetsskapande insatser"),
    ("N", "Arbetsätt och samverkan"),
    ("N", "Stadsplanering och gestaltning"),
    ("O", "Förebyggande arbete"),
    ("O", "Upptäcka utsatthet"),
    ("O", "Stödinsatser"),
    ("O", "Kunskapshöjning och metodutveckling"),
]


def raw_line_of(prefix: str) -> int:
    """1-based number of the single raw body line (not a TOC line) starting with prefix."""
    hits = [n for n, line in enumerate(RAW_LINES, start=1)
            if line.startswith(prefix) and "\t" not in line]
    assert len(hits) == 1, (prefix, hits)
    return hits[0]


def test_identity(report):
    assert report.title == "Bokslut social hållbarhet 2025"
    assert report.municipality == "Södertälje kommun"
    assert report.year == 2025
    assert report.file_name == "sodertalje-bokslut-social-hallbarhet-2025.txt"
    assert report.sha256 == hashlib.sha256(REPORT_PATH.read_bytes()).hexdigest()
    assert report.strategy == "Strategi för social hållbarhet 2025–2030"
    assert report.strategy_years == (2025, 2030)


def test_table_of_contents(report):
    expected = [("section", title, title, page) for title, page in INTRO_SECTIONS]
    for number, (title, page) in GOAL_AREAS.items():
        expected.append(("goal_area", str(number), title, page))
        expected += [("goal", letter, g_title, g_page)
                     for letter, (g_title, area, g_page) in GOALS.items() if area == number]
    assert [(e.kind, e.key, e.title, e.page) for e in report.toc] == expected


def test_intro_sections(report):
    assert [(s.heading, s.page) for s in report.sections] == INTRO_SECTIONS
    assert [len(s.paragraphs) for s in report.sections] == [7, 5]
    assert report.sections[0].line == raw_line_of("Om bokslut social hållbarhet")
    assert report.sections[0].paragraphs[0].text.startswith("I maj 2025 antog kommunfullmäktige")
    assert report.sections[1].paragraphs[-1].text.startswith("Funktionsrättsperspektivet beaktas")


def test_six_goal_areas(report):
    got = {a.number: (a.title, a.page) for a in report.goal_areas}
    assert got == GOAL_AREAS
    assert [a.number for a in report.goal_areas] == [1, 2, 3, 4, 5, 6]
    for area in report.goal_areas:
        assert area.line == raw_line_of(f"Målområde {area.number}:")


def test_fifteen_goals_under_the_right_area(report):
    assert [g.letter for g in report.goals] == list("ABCDEFGHIJKLMNO")
    for area in report.goal_areas:
        expected = [letter for letter, (_, a, _) in GOALS.items() if a == area.number]
        assert [g.letter for g in area.goals] == expected
    for goal in report.goals:
        title, area, page = GOALS[goal.letter]
        assert (goal.title, goal.goal_area, goal.page) == (title, area, page)
        assert goal.line == raw_line_of(f"Mål {goal.letter}. ")


def test_toc_pages_spot_checks(report):
    goals = {g.letter: g for g in report.goals}
    areas = {a.number: a for a in report.goal_areas}
    assert goals["C"].page == 8
    assert areas[2].page == 10
    assert goals["O"].page == 37


def test_rights_entries(report):
    got = [(a.number, r.instrument, r.number, r.label) for a in report.goal_areas for r in a.rights]
    assert len(got) == 35
    assert got == RIGHTS
    for area in report.goal_areas:
        for entry in area.rights:
            raw = RAW_LINES[entry.line - 1]
            assert raw.startswith(f"- {'Mål' if entry.instrument == 'JAM' else 'Art'} "
                                  f"{entry.number}. {entry.label}")


def test_development_areas(report):
    counts = {a.number: len(a.development_areas) for a in report.goal_areas}
    assert counts == DEVELOPMENT_COUNTS
    assert sum(counts.values()) == 29
    by_key = {(a.number, d.order): d for a in report.goal_areas for d in a.development_areas}
    for key, text in DEVELOPMENT_SAMPLES.items():
        assert by_key[key].text == text
    for area in report.goal_areas:
        assert [d.order for d in area.development_areas] == list(
            range(1, DEVELOPMENT_COUNTS[area.number] + 1))
        for dev in area.development_areas:
            assert RAW_LINES[dev.line - 1] == f"- {dev.text}"


def test_area_summaries(report):
    for area in report.goal_areas:
        assert [s.heading for s in area.summary] == ["Pågående arbete",
                                                     "Exempel på utvecklingsområden"]
        assert all(s.paragraphs for s in area.summary)
        assert area.summary[0].paragraphs[0].text.endswith(
            "För att nå full måluppfyllelse bedöms att arbetet inom målområdet fortsatt behöver "
            "utvecklas inom flera områden.")


def test_themed_sections_in_order(report):
    got = [(g.letter, s.heading) for g in report.goals for s in g.sections]
    assert len(got) == 45
    assert got == THEMED_SECTIONS
    per_goal = Counter(letter for letter, _ in THEMED_SECTIONS)
    assert {g.letter: len(g.sections) for g in report.goals} == per_goal
    for goal in report.goals:
        for section in goal.sections:
            assert RAW_LINES[section.line - 1] == section.heading
            assert section.paragraphs, section.heading
