"""Split lines into blocks and repair paragraphs that a page break cut in two."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

TERMINAL = tuple(".!?:;”\"»)")
HEADING_MAX = 90
# After a hyphen at a page break these words mean the hyphen is real ("gång- och cykelvägar").
CONJUNCTIONS = {"och", "eller", "samt", "respektive", "till", "som"}


@dataclass
class Block:
    """A run of non-empty lines; `line` is the 1-based number of the first one."""

    line: int
    lines: list[str]
    breaks: list[int] = field(default_factory=list)  # lines where a page break was repaired
    numbers: list[int] = field(default_factory=list)  # source line of each line (may skip)

    def line_at(self, offset: int) -> int:
        """The 1-based source line of `lines[offset]`."""
        return self.numbers[offset] if offset < len(self.numbers) else self.line + offset

    @property
    def text(self) -> str:
        """The block's lines joined by newlines."""
        return "\n".join(self.lines)

    @property
    def is_table(self) -> bool:
        """True for tab-separated rows (table of contents or indicator table)."""
        return "\t" in self.lines[0]

    @property
    def is_bullets(self) -> bool:
        """True when every line is a '- ' bullet."""
        return all(line.startswith("- ") for line in self.lines)


def split_blocks(lines: list[str]) -> list[Block]:
    """Group consecutive non-empty lines into blocks."""
    blocks: list[Block] = []
    current: Block | None = None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            current = None
            continue
        if current is None:
            current = Block(number, [])
            blocks.append(current)
        current.lines.append(line)
    return blocks


def is_prose(block: Block) -> bool:
    """A single-line block of running text (not a table, list or structural line)."""
    return len(block.lines) == 1 and not block.is_table and not block.is_bullets


def is_split_head(block: Block) -> bool:
    """A paragraph that stops mid-sentence: long, or ending in a broken word."""
    text = block.lines[-1].rstrip().rstrip("*")  # "…verka i.**" ends a bold sentence
    if text.endswith(TERMINAL):
        return False
    return len(text) > HEADING_MAX or bool(re.search(r"\w-$", text))


def starts_as_tail(block: Block) -> bool:
    """A block that begins mid-sentence (lowercase first letter)."""
    first = block.lines[0].lstrip("*")
    return bool(first) and first[0].islower()


def join_split(head: str, tail: str) -> str:
    """Join two halves of a paragraph, de-hyphenating a broken word but keeping real hyphens."""
    if re.search(r"\w-$", head):
        first_word = re.match(r"[\w-]+", tail)
        if first_word and first_word.group(0).lower() in CONJUNCTIONS:
            return f"{head} {tail}"
        return head[:-1] + tail
    return f"{head} {tail}"


def repair_paragraphs(blocks: list[Block]) -> list[Block]:
    """Merge paragraphs the PDF conversion split at page breaks."""
    repaired: list[Block] = []
    for block in blocks:
        prev = repaired[-1] if repaired else None
        if (
            prev is not None
            and is_prose(prev)
            and is_prose(block)
            and is_split_head(prev)
            and (starts_as_tail(block) or len(block.lines[0]) > HEADING_MAX)
            and not STRUCTURAL.match(block.lines[0])
        ):
            prev.lines[0] = join_split(prev.lines[0], block.lines[0])
            prev.breaks.append(block.line)
            continue
        repaired.append(Block(block.line, list(block.lines), numbers=list(block.numbers)))
    return repaired


STRUCTURAL = re.compile(r"^(Målområde \d+:|Mål [A-ZÅÄÖ]\. |Indikator\t)")
