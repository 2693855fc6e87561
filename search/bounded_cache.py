"""A remembered value per key, the whole store dropped when it reaches a bound.

Queries bring endless new words and texts, so every per-query cache in search/ is bounded; dropping
the store whole costs nothing on the hot path (no eviction bookkeeping), and a word asked for again
is simply computed again.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class BoundedCache(Generic[K, V]):
    """Values by key, each computed once by the caller's function until the store is dropped."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._values: dict[K, V] = {}

    def get(self, key: K, make: Callable[[K], V]) -> V:
        """The remembered value for `key`, made (and remembered) the first time it is asked for."""
        # one read and a local: the worker beside the encoder (search.beside) uses these caches
        # too, and another thread's clear() between a store and a re-read would lose the key
        found = self._values.get(key)
        if found is None:
            if len(self._values) >= self.limit:
                self._values.clear()
            found = make(key)
            self._values[key] = found
        return found

    def clear(self) -> None:
        """Forget every value."""
        self._values.clear()

    def __len__(self) -> int:
        return len(self._values)
