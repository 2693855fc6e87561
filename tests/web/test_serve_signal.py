"""SIGTERM stops waitress wherever the signal lands (fast: no server, no data)."""

from __future__ import annotations

import pytest
from waitress import wasyncore

from web.cli.serve import Stopped


class _HandlerHit(wasyncore.dispatcher):
    """A channel whose read handler is where the signal lands."""

    def __init__(self) -> None:
        super().__init__(map={})

    def handle_read_event(self) -> None:
        raise Stopped

    def handle_error(self) -> None:
        raise AssertionError("waitress swallowed the stop as a channel error")


def test_a_stop_inside_a_channel_handler_leaves_waitress_loop() -> None:
    # waitress's loop logs any Exception raised in a handler and keeps serving; a SIGTERM
    # arriving there (after the last answer of a test, say) must still end the server
    with pytest.raises(Stopped):
        wasyncore.read(_HandlerHit())


def test_the_stop_is_not_caught_as_an_ordinary_error() -> None:
    with pytest.raises(Stopped):
        try:
            raise Stopped
        except Exception:  # code that guards ordinary failures must not eat the stop
            pytest.fail("Stopped was caught as an Exception")
