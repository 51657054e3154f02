"""Services at work for the length of a test: a runtime's relay, consumer and periodic jobs as threads, or
the four services as processes."""
from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest

from shared.messaging.consumer import EventConsumer
from shared.runtime import ServiceRuntime
from tests.support import infrastructure
from tests.support.keys import TEST_JWKS_URL
from tests.support.processes import ROOT, RunningSystem

SEED = ROOT / "services" / "rounds" / "seed"


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
def consuming(consumer: EventConsumer) -> Iterator[Callable[[], None]]:
    """`consumer`'s queues declared and its loop running in a thread until the block ends, or until the
    function it yields stops it and waits for it to go (a replica leaving mid-test)."""
    consumer.declare()
    stop = threading.Event()
    thread = threading.Thread(target=consumer.run_until, args=(stop,), daemon=True)
    thread.start()

    def stop_consuming() -> None:
        stop.set()
        thread.join(10)

    try:
        yield stop_consuming
    finally:
        stop_consuming()


@contextlib.contextmanager
def running(runtime: ServiceRuntime) -> Iterator[ServiceRuntime]:
    """`runtime` migrated and at work in the background; its engine disposed at the end."""
    runtime.migrate()
    try:
        with in_background(runtime):
            yield runtime
    finally:
        runtime.engine.dispose()


@contextlib.contextmanager
def services_as_processes(postgres_server_url: str, amqp_url: str, namespace: str,
                          tmp_path_factory: pytest.TempPathFactory, *,
                          registries: Sequence[str] = ("hatinh-2021.yaml", "hatinh-2025.yaml"),
                          review_models: Path = SEED / "review_models.yaml", portal_port: int | None = None,
                          **env: str) -> Iterator[RunningSystem]:
    """The four services as processes (tests/support/processes.py) on a database of their own
    (`CQS_DATABASE_URL` in the system's `env`), in `namespace`, with Hà Tĩnh's unit `registries` (seed files)
    and the `review_models` loaded and the messaging quick; with `portal_port`, the portal too. Stopped and
    the namespace removed from the broker at the end. `env` adds to their environment."""
    logs = tmp_path_factory.mktemp("logs")
    with infrastructure.fresh_database(postgres_server_url) as database_url:
        running = RunningSystem({**os.environ, "CQS_DATABASE_URL": database_url, "CQS_BROKER_URL": amqp_url,
                                 "CQS_NAMESPACE": namespace, "CQS_JWKS_URL": TEST_JWKS_URL,
                                 "CQS_DATA_DIR": str(tmp_path_factory.mktemp("data")),
                                 "CQS_RELAY_INTERVAL_S": "0.05", "CQS_CONSUMER_BACKOFF_S": "0.05", **env}, logs)
        try:
            running.cli("migrate", "submission")
            running.cli("load-units", *(str(SEED / "units" / name) for name in registries))
            running.cli("load-review-models", str(review_models))
            running.start(portal_port=portal_port)
            yield running
        finally:
            running.stop()
            infrastructure.delete_namespace(amqp_url, namespace)
