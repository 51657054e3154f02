"""A service's runtime at work for the length of a test: its relay, consumer and periodic jobs as threads."""
from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

from shared.runtime import ServiceRuntime


@contextlib.contextmanager
def in_background(*runtimes: ServiceRuntime) -> Iterator[None]:
    """Each runtime's relay, consumer and periodic jobs running as threads until the block ends."""
    stop = threading.Event()
    threads = [thread for runtime in runtimes for thread in runtime.start_background(stop)]
    try:
        yield
    finally:
        stop.set()
        for thread in threads:
            thread.join(10)


@contextlib.contextmanager
def running(runtime: ServiceRuntime) -> Iterator[ServiceRuntime]:
    """`runtime` migrated and at work in the background; its engine disposed at the end."""
    runtime.migrate()
    try:
        with in_background(runtime):
            yield runtime
    finally:
        runtime.engine.dispose()
