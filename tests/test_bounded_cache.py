"""The bounded cache every per-query store in search/ uses."""

from search.bounded_cache import BoundedCache


def test_a_value_is_made_once_and_remembered() -> None:
    made: list[str] = []
    cache: BoundedCache[str, str] = BoundedCache(10)

    def make(key: str) -> str:
        made.append(key)
        return key.upper()

    assert cache.get("a", make) == "A"
    assert cache.get("a", make) == "A"
    assert made == ["a"]


def test_the_store_is_dropped_whole_at_its_bound_and_the_new_value_kept() -> None:
    cache: BoundedCache[int, int] = BoundedCache(3)
    for key in range(3):
        cache.get(key, lambda k: k * 2)
    assert len(cache) == 3
    assert cache.get(7, lambda k: k * 2) == 14
    assert len(cache) == 1  # the three earlier ones went, the new one stays
    made: list[int] = []
    cache.get(0, lambda k: made.append(k) or k)
    assert made == [0]  # asked again after the drop: made again


def test_clear_forgets_every_value() -> None:
    cache: BoundedCache[str, int] = BoundedCache(5)
    cache.get("x", len)
    cache.clear()
    assert len(cache) == 0
