"""The waitress queue warning passes once per interval and counts what it held back."""

from __future__ import annotations

import logging

from web.cli.log_limits import QUEUE_LOGGER, OncePerInterval, limit_queue_warnings


def record(depth: int) -> logging.LogRecord:
    """A record like waitress's own queue warning."""
    return logging.LogRecord(QUEUE_LOGGER, logging.WARNING, __file__, 1,
                             "Task queue depth is %d", (depth,), None)


def test_one_warning_per_interval_and_the_next_names_the_held_back():
    now = [100.0]
    limit = OncePerInterval(10.0, clock=lambda: now[0])
    assert limit.filter(record(1))
    assert [limit.filter(record(d)) for d in (2, 3, 4)] == [False, False, False]
    now[0] = 110.5
    later = record(5)
    assert limit.filter(later)
    assert later.getMessage() == "Task queue depth is 5 (och 3 liknande varningar sedan förra)"
    assert not limit.filter(record(6))


def test_installed_once_on_waitress_queue_logger(caplog):
    logger = logging.getLogger(QUEUE_LOGGER)
    before = list(logger.filters)
    try:
        first = limit_queue_warnings(60.0)
        assert limit_queue_warnings(60.0) is first
        assert sum(isinstance(f, OncePerInterval) for f in logger.filters) == 1
        with caplog.at_level(logging.WARNING, logger=QUEUE_LOGGER):
            for depth in range(1, 21):
                logger.warning("Task queue depth is %d", depth)
        assert [r.getMessage() for r in caplog.records] == ["Task queue depth is 1"]
    finally:
        logger.filters[:] = before
