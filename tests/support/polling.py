"""Waiting for what another thread or process does (a consumer, a relay, a service): poll until it
holds, or fail saying what was awaited and what was last seen."""
from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def eventually(check: Callable[[], T], until: Callable[[T], object] = bool, *, timeout_s: float = 30.0,
               interval_s: float = 0.05, what: str = "condition") -> T:
    """Call `check` until `until` holds for what it returns (by default: until it returns something
    truthy), and return that value."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = check()
        if until(value):
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} not met within {timeout_s}s; last value: {value!r}"[:2000])
        time.sleep(interval_s)
