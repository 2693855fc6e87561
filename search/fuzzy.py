"""Typo tolerance: a symmetric-deletion neighbourhood index over the search vocabulary."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

# Longer "words" (URLs, pasted garbage) are never corrected: their deletion sets grow as n².
MAX_WORD_LEN = 40


def max_typo_distance(word: str, long_len: int = 8) -> int:
    """Allowed edits for a query word: one, or two for words of `long_len` characters or more."""
    return 2 if len(word) >= long_len else 1


def osa_distance(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment distance (adjacent swaps cost one), capped at `limit + 1`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        row = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            row[j] = min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                row[j] = min(row[j], prev2[j - 2] + 1)
        if min(row) > limit:
            return limit + 1
        prev2, prev = prev, row
    return min(prev[-1], limit + 1)


def deletions(word: str, depth: int) -> set[str]:
    """All strings reachable from `word` by deleting up to `depth` characters (word included)."""
    level = {word}
    found = {word}
    for _ in range(depth):
        level = {w[:i] + w[i + 1 :] for w in level for i in range(len(w))}
        found |= level
    return found


# If two strings are within edit distance k, deleting at most k characters from each yields a
# common string; indexing every term's deletions lets a query probe only its own deletions,
# then verify the candidates with the real distance.
class DeletionIndex:
    """Maps deletion variants to vocabulary terms so near neighbours are found without a scan."""

    def __init__(self, terms: Iterable[str], long_len: int = 8, min_len: int = 4) -> None:
        """Index every term of at least `min_len` characters (two deletions when long enough)."""
        self.long_len = long_len
        self.min_len = min_len
        self._keys: dict[str, list[str]] = {}
        for term in sorted(set(terms)):
            if len(term) < min_len - 1 or term.isdigit():
                continue
            # A term two edits from a long query can be two characters shorter than it.
            depth = 2 if len(term) >= long_len - 2 else 1
            for key in deletions(term, depth):
                self._keys.setdefault(key, []).append(term)

    def __len__(self) -> int:
        """Number of deletion keys held (a size measure)."""
        return len(self._keys)

    def nearest(
        self, word: str, weights: Mapping[str, int], limit: int | None = None
    ) -> str | None:
        """The closest term within the allowed distance; ties go to higher weight, then A-Z."""
        if not self.min_len <= len(word) <= MAX_WORD_LEN or word.isdigit():
            return None
        allowed = max_typo_distance(word, self.long_len)
        limit = allowed if limit is None else min(limit, allowed)
        best: tuple[int, int, str] | None = None
        seen: set[str] = set()
        for key in deletions(word, limit):
            for term in self._keys.get(key, ()):
                if term in seen or term == word:
                    continue
                seen.add(term)
                dist = osa_distance(word, term, limit)
                if dist > limit:
                    continue
                rank = (dist, -weights.get(term, 0), term)
                if best is None or rank < best:
                    best = rank
        return None if best is None else best[2]
