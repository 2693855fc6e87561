"""Waitress's queue warning at most once per interval, with how many were held back.

Waitress logs "Task queue depth is N" for every request that has to wait for a thread, so
16 clients against 8 threads write a line per request: a flooded log, and CPU spent
formatting it on the busiest path. The first warning of an interval passes, later ones are
counted and named in the next one that passes.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

QUEUE_LOGGER = "waitress.queue"
INTERVAL_SECONDS = 10.0


class OncePerInterval(logging.Filter):
    """Lets one record through per interval; the next one says how many were held back."""

    def __init__(self, interval: float = INTERVAL_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self.interval, self.clock = interval, clock
        self.next_at = float("-inf")
        self.held_back = 0
        self.lock = threading.Lock()

    def filter(self, record: logging.LogRecord) -> bool:
        """True for the first record of an interval (naming the ones held back before it)."""
        with self.lock:
            now = self.clock()
            if now < self.next_at:
                self.held_back += 1
                return False
            if self.held_back:
                record.msg = f"{record.msg} (och {self.held_back} liknande varningar sedan förra)"
            self.next_at, self.held_back = now + self.interval, 0
            return True


def limit_queue_warnings(interval: float = INTERVAL_SECONDS) -> OncePerInterval:
    """Install the filter on waitress's queue logger (once; returns the one in place)."""
    logger = logging.getLogger(QUEUE_LOGGER)
    for existing in logger.filters:
        if isinstance(existing, OncePerInterval):
            return existing
    installed = OncePerInterval(interval)
    logger.addFilter(installed)
    return installed
