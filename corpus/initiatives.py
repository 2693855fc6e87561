"""Named initiatives (programmes, methods, named efforts) found in the text by rules."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from functools import cache

from corpus.ids import slug
from corpus.initiative_rules import (
    COMPOUND_CUES,
    CUES,
    LOCATIVE,
    NON_NAME_HEADS,
    STOP,
    abbreviation_pairs,
)
from corpus.records import Initiative, Mention, Report, Section

# thinc (under spaCy) imports torch when it is installed: 4 s of CPU a process, never used by
# this blank pipeline. Hidden while spaCy loads; a later `import torch` works as usual.
_hide_torch = sys.modules.setdefault("torch", None) is None
import spacy  # noqa: E402
from spacy.language import Language  # noqa: E402
from spacy.tokens import Doc, Span  # noqa: E402

if _hide_torch:
    del sys.modules["torch"]

QUOTES = {'"', "”", "“", "«", "»"}


@cache
def nlp() -> Language:
    """spaCy's rule-based Swedish tokenizer with a sentencizer (no trained model needed)."""
    pipeline = spacy.blank("sv")
    pipeline.add_pipe("sentencizer")
    return pipeline


def is_cap(token: str) -> bool:
    """Capitalised or an alphanumeric code such as 'Botryggt2030'."""
    return token[:1].isupper()


def grow_name(doc: Doc, start: int, limit: int = 6) -> Span | None:
    """From a capitalised token, take following words until punctuation or a clause word."""
    if start >= len(doc) or not is_cap(doc[start].text) or (not doc[start].is_alpha and \
            not doc[start].text[:1].isalpha()):
        return None
    end = start + 1
    while end < len(doc) and end - start < limit:
        tok = doc[end]
        if tok.is_punct or tok.lower_ in STOP or tok.is_sent_start:
            break
        end += 1
    return doc[start:end]


def quoted(doc: Doc) -> Iterator[Span]:
    """Spans between quotation marks, 1–6 tokens long."""
    opened: int | None = None
    for tok in doc:
        if tok.text in QUOTES:
            if opened is not None and 0 < tok.i - opened - 1 <= 6:
                yield doc[opened + 1: tok.i]
                opened = None
            else:
                opened = tok.i
    return


def cue_positions(doc: Doc) -> Iterator[int]:
    """Token index right after each cue ('modellen X', 'inom ramen för X', 'enligt X' …)."""
    text = doc.text.lower()
    patterns = [rf"(?<!\w){re.escape(cue)}\s+" for cue in CUES]
    patterns += [rf"\w{re.escape(cue)}\s+" for cue in COMPOUND_CUES]
    for pattern in patterns:
        for m in re.finditer(pattern, text):
            span = doc.char_span(m.end(), m.end() + 1, alignment_mode="expand")
            if span is not None and doc[span.start].text not in QUOTES:
                yield span.start


def after_cues(doc: Doc) -> Iterator[Span]:
    """Names after a cue, and the further names of an enumeration ('X, Y och Z')."""
    for start in cue_positions(doc):
        for _ in range(5):
            name = grow_name(doc, start)
            if name is None:
                break
            yield name
            if name.end + 1 >= len(doc) or doc[name.end].text not in {",", "och", "samt"}:
                break
            start = name.end + 1


def year_names(doc: Doc) -> Iterator[Span]:
    """A capitalised word followed by a year: 'Idrottsgalan 2025', 'Översiktsplan 2050'."""
    for tok in doc[:-1]:
        nxt = doc[tok.i + 1]
        if (is_cap(tok.text) and tok.is_alpha and tok.lower_ not in STOP
                and re.fullmatch(r"(19|20)\d\d", nxt.text) and len(tok.text) >= 5):
            yield doc[tok.i: tok.i + 2]


def capital_runs(doc: Doc) -> Iterator[Span]:
    """Capitalised words in a row: two inside a sentence, three at its start."""
    i = 0
    while i < len(doc):
        tok = doc[i]
        if is_cap(tok.text) and tok.is_alpha and not tok.is_upper:
            j = i + 1
            while j < len(doc) and ((is_cap(doc[j].text) and doc[j].is_alpha) or
                                    (doc[j].lower_ in {"of", "for", "and"} and j + 1 < len(doc)
                                    and is_cap(doc[j + 1].text))):
                j += 1
            needed = 3 if tok.is_sent_start else 2
            if j - i >= needed and doc[i - 1].lower_ not in LOCATIVE:
                yield doc[i:j]
            i = j
        else:
            i += 1


def bare_names(doc: Doc) -> Iterator[Span]:
    """A single capitalised compound inside a sentence, not after a place preposition."""
    for tok in doc:
        if (tok.is_alpha and is_cap(tok.text) and not tok.is_sent_start and not tok.is_upper
                and len(tok.text) >= 8 and doc[tok.i - 1].lower_ not in LOCATIVE
                and doc[tok.i - 1].text not in {",", "och", "samt"}
                and re.search(r"(skolan|teket|modellen|lots|samverkan|galan)$", tok.lower_)):
            yield doc[tok.i: tok.i + 1]


def plausible(name: str) -> bool:
    """Reject generic phrases, organisations and places."""
    words = name.split()
    if not words or len(name) < 3 or NON_NAME_HEADS.search(name):
        return False
    return not (len(words) == 1 and words[0].lower() in STOP)


def candidates(section: Section) -> Iterator[tuple[str, str | None]]:
    """(name, abbreviation or None) for every rule match in one section."""
    for para in section.paragraphs:
        doc = nlp()(para.text)
        for finder in (quoted, after_cues, capital_runs, bare_names, year_names):
            for span in finder(doc):
                yield span.text.strip(), None
        yield from abbreviation_pairs(para.text)


def all_sections(report: Report) -> Iterator[tuple[Section, str | None, int | None]]:
    """Every narrative section with its mål letter and målområde number."""
    for section in report.sections:
        yield section, None, None
    for area in report.goal_areas:
        for section in area.summary:
            yield section, None, area.number
        for goal in area.goals:
            for section in goal.sections:
                yield section, goal.letter, area.number


def canonical(name: str, abbr: str | None) -> str:
    """A capitalised expansion names the thing; a lowercase one yields to its abbreviation."""
    if abbr is None or name[:1].isupper():
        return name
    return abbr


def better_name(a: str, b: str) -> str:
    """Prefer a capitalised multi-word name to an abbreviation or a lowercase form."""
    def rank(name: str) -> tuple[bool, bool, int]:
        return (name[:1].isupper(), not name.isupper(), len(name))
    return max(a, b, key=rank)


def merge_aliases(found: dict[str, Initiative]) -> dict[str, Initiative]:
    """Union items that share a name or alias, keeping the best name."""
    parent: dict[str, str] = {}

    def root(key: str) -> str:
        while parent.setdefault(key, key) != key:
            key = parent[key]
        return key

    for key, item in found.items():
        for alias in item.aliases:
            parent[root(slug(alias))] = root(key)
    groups: dict[str, Initiative] = {}
    for key, item in found.items():
        group = groups.get(root(key))
        if group is None:
            groups[root(key)] = Initiative(item.name, list(item.aliases))
            continue
        best = better_name(group.name, item.name)
        forms = {group.name, item.name, *group.aliases, *item.aliases} - {best}
        groups[root(key)] = Initiative(best, sorted(forms))
    return groups


def drop_fragments(items: list[Initiative]) -> list[Initiative]:
    """Drop a name that is only the start of a longer name mentioned on the same lines."""
    kept = []
    for item in items:
        lines = {m.line for m in item.mentions}
        longer = [o for o in items if o.name.startswith(item.name + " ")
                  and lines <= {m.line for m in o.mentions}]
        if not longer:
            kept.append(item)
    return kept


def recurring_bigrams(report: Report) -> set[str]:
    """'Ung fritid': a capitalised word and a lowercase word that recur together."""
    counts: dict[str, int] = {}
    for section, _, _ in all_sections(report):
        for para in section.paragraphs:
            doc = nlp()(para.text)
            for tok in doc[1:-1]:
                nxt, prev = doc[tok.i + 1], doc[tok.i - 1]
                if (is_cap(tok.text) and tok.is_alpha and not tok.is_sent_start
                        and not tok.is_upper and nxt.is_alpha and nxt.is_lower
                        and nxt.lower_ not in STOP and prev.lower_ not in LOCATIVE | {"av"}):
                    bigram = f"{tok.text} {nxt.text}"
                    counts[bigram] = counts.get(bigram, 0) + 1
    return {b for b, n in counts.items() if n >= 2}


def collect(report: Report) -> dict[str, Initiative]:
    """Initiatives by slug, with aliases from abbreviations."""
    found: dict[str, Initiative] = {}
    pairs = [(name, None) for name in sorted(recurring_bigrams(report))]
    pairs += [c for section, _, _ in all_sections(report) for c in candidates(section)]
    rejected = {abbr for name, abbr in pairs if abbr and not plausible(name)}
    for name, abbr in pairs:
        if not plausible(name) or name in rejected or abbr in rejected:
            continue
        main = canonical(name, abbr)
        item = found.setdefault(slug(main), Initiative(main))
        for alias in (name, abbr):
            if alias and alias != item.name and alias not in item.aliases:
                item.aliases.append(alias)
    return merge_aliases(found)


def surface_pattern(item: Initiative) -> re.Pattern[str]:
    """A regex for the name and its aliases (abbreviations case-sensitive)."""
    forms = sorted({item.name, *item.aliases}, key=len, reverse=True)
    parts = [re.escape(f) if f.isupper() or re.search(r"[a-zåäö][A-Z]", f)
             else "(?i:" + re.escape(f) + ")" for f in forms]
    # a trailing genitive s ("Ung fritids arbete") is still a mention
    return re.compile(r"(?<![\wåäöÅÄÖ])(" + "|".join(parts) + r")s?(?![\wåäöÅÄÖ])")


def find_initiatives(report: Report) -> list[Initiative]:
    """Every named initiative with every place it is mentioned."""
    items = collect(report)
    for item in items.values():
        pattern = surface_pattern(item)
        for section, letter, area in all_sections(report):
            for para in section.paragraphs:
                for m in pattern.finditer(para.text):
                    item.mentions.append(Mention(letter, area, section.heading, para.line,
                                                 m.group(1)))
    found = [i for i in items.values() if i.mentions]
    return sorted(drop_fragments(found), key=lambda i: i.name.lower())
