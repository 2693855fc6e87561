"""Swedish compound splitting against the words, lemmas and stems seen in the corpus."""

from __future__ import annotations

import math
from collections.abc import Mapping

from search.bounded_cache import BoundedCache

# (unknown pieces, pieces, unknown letters, linking letters, -sum log(1 + df)): lower is better.
Cost = tuple[int, int, int, int, float]
Segments = tuple[tuple[str, bool], ...]
MAX_CACHE = 50_000


# A dynamic programme covers the string with known forms of at least `min_part_len`
# characters, optionally joined by one Swedish linking letter ("s", "e", "a"). It prefers the
# fewest pieces, then the fewest linking letters, then the most frequent parts. Long parts
# are split again, so both "cykelväg" and "cykel" + "väg" come out. A part must occur in
# `min_part_df` passages (one more if it has only three letters), which keeps rare fragments
# such as "struk" + "turer" from splitting "strukturer".
class CompoundSplitter:
    """Finds the parts of a compound such as "cykelvägsutbyggn" -> "cykelväg", "cykel", "väg"."""

    def __init__(
        self,
        forms: Mapping[str, str],
        df: Mapping[str, int],
        *,
        min_compound_len: int = 7,
        min_part_len: int = 3,
        linking_letters: str = "sea",
        max_df: int = 10,
        min_part_df: int = 2,
    ) -> None:
        """Use `forms` (known string -> term to emit) and `df` (term -> passage count)."""
        self.forms = forms
        self.df = df
        self.min_compound_len = min_compound_len
        self.min_part_len = min_part_len
        self.links = frozenset(linking_letters)
        self.max_df = max_df
        self.min_part_df = min_part_df
        self._cache: BoundedCache[tuple[str, bool, int], tuple[str, ...]] = BoundedCache(MAX_CACHE)

    def forget(self) -> None:
        """Drop the remembered splits (benchmarks time a first split)."""
        self._cache.clear()

    def eligible(self, term: str) -> bool:
        """Long and not itself frequent: frequent compounds are kept whole as established terms."""
        return len(term) >= self.min_compound_len and self.df.get(term, 0) <= self.max_df

    def parts(self, term: str, allow_unknown: bool = False, depth: int = 3) -> tuple[str, ...]:
        """Terms for the parts of `term` (recursively), or () when it does not split."""
        return self._cache.get((term, allow_unknown, depth), lambda key: self._parts(*key))

    def _parts(self, term: str, allow_unknown: bool, depth: int) -> tuple[str, ...]:
        """Uncached body of `parts`."""
        segments = self.segment(term, allow_unknown)
        out: list[str] = []
        for piece, known in segments:
            if not known:
                continue
            out.append(self.forms[piece])
            if depth > 1 and self.eligible(piece):
                out.extend(self.parts(piece, False, depth - 1))
        return tuple(dict.fromkeys(out))

    def head(self, term: str) -> str | None:
        """The last known part of `term` ("väg" for "cykelväg"), for "gång- och cykelvägar"."""
        segments = self.segment(term)
        if segments:
            return segments[-1][0]
        for start in range(2, len(term) - self.min_part_len + 1):
            if term[start:] in self.forms:
                return term[start:]
        return None

    def segment(self, s: str, allow_unknown: bool = False) -> Segments:
        """Best cover of `s` by known pieces (at most one unknown piece if allowed), or ()."""
        n = len(s)
        if n < 2 * self.min_part_len or n > 60:
            return ()
        best: list[tuple[Cost, Segments] | None] = [None] * (n + 1)
        best[0] = ((0, 0, 0, 0, 0.0), ())
        for i in range(n):
            if best[i] is None:
                continue
            for j in range(i + self.min_part_len, n + 1):
                self._extend(best, s, i, j, allow_unknown)
        final = best[n]
        return final[1] if final is not None and len(final[1]) > 1 else ()

    def _extend(
        self, best: list[tuple[Cost, Segments] | None], s: str, i: int, j: int, allow_unknown: bool
    ) -> None:
        """Try piece s[i:j] after the best cover of s[:i], with and without a linking letter."""
        (unknown, pieces, unknown_len, links, weight), segs = best[i]  # type: ignore[misc]
        piece = s[i:j]
        known = piece != s and self._usable(piece)
        if not known:
            # An unknown piece may cover at most half of the word, and only one is allowed.
            if not allow_unknown or unknown or 2 * len(piece) > len(s):
                return
            score = 0.0
        else:
            score = math.log1p(self.df.get(self.forms[piece], 0))
        cost: Cost = (
            unknown + (not known),
            pieces + 1,
            unknown_len + (0 if known else len(piece)),
            links,
            weight - score,
        )
        segs = (*segs, (piece, known))
        _relax(best, j, cost, segs)
        if j + self.min_part_len < len(s) and s[j] in self.links:
            _relax(best, j + 1, (*cost[:3], links + 1, cost[4]), segs)

    def _usable(self, piece: str) -> bool:
        """A known form whose term is common enough to be trusted as a compound part."""
        term = self.forms.get(piece)
        if term is None:
            return False
        needed = self.min_part_df + (len(piece) <= self.min_part_len)
        return self.df.get(term, 0) >= needed


def _relax(best: list[tuple[Cost, Segments] | None], at: int, cost: Cost, segs: Segments) -> None:
    """Keep the cheaper of the stored and the new cover of the prefix ending at `at`."""
    current = best[at]
    if current is None or cost < current[0]:
        best[at] = (cost, segs)
