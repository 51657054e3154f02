"""A web worker's threads all ask for the catalog on their first requests: it is read and
validated once, the others waiting for it (the draft-saves benchmark's profile found each thread
loading it at the same time, a third of the first 30 seconds' samples)."""
from __future__ import annotations

import functools
import threading
import time

from shared.criteria import loader


def test_concurrent_first_loads_read_the_catalog_once(monkeypatch):
    version = loader.available_versions()[0]
    reads, read = [], loader.read_catalog

    def slow_read(directory):
        reads.append(directory)
        time.sleep(0.2)  # long enough for every thread to ask while the first read is going on
        return read(directory)

    monkeypatch.setattr(loader, "read_catalog", slow_read)
    # A cache of its own, as a new process has: the process-wide one keeps the catalog other tests hold.
    monkeypatch.setattr(loader, "_load_catalog", functools.cache(loader._load_catalog.__wrapped__))
    start, loaded = threading.Barrier(4), []

    def first_request() -> None:
        start.wait()
        loaded.append(loader.load_catalog(version))

    threads = [threading.Thread(target=first_request) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(reads) == 1
    assert len(loaded) == 4 and all(catalog is loaded[0] for catalog in loaded)
