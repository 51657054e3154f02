"""The wiring every service repeats: settings → engine → unit of work → relay and consumer.

A service's `bootstrap.py` builds one `ServiceRuntime` with its own metadata, migrations,
unit-of-work class and subscriptions; the web app, the worker and the tests all start
from it, so production and embedded mode differ only in URLs.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import inspect
import logging
import os
import signal
import threading
from pathlib import Path
from typing import Callable

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from shared import audit_chain, db
from shared.clock import utc_now
from shared.config import ServiceSettings
from shared.messaging.consumer import EventConsumer, Subscription
from shared.messaging.dead_letters import DeadLetterLog, DeadLetterQueues
from shared.messaging.outbox_signal import OutboxListener
from shared.messaging.publisher import ConfirmingPublisher
from shared.messaging.relay import OutboxRelay
from shared.messaging.topology import events_exchange
from shared.observability import logs, metrics, worker_http
from shared.observability.handlers import observed

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class PeriodicJob:
    """Work the worker does on a timer, e.g. the reporting calendar; `run` gets the runtime's clock."""

    name: str
    interval_s: float
    run: Callable[[dt.datetime], None]


@dataclasses.dataclass
class ServiceRuntime:
    settings: ServiceSettings
    engine: Engine
    session_factory: sessionmaker
    outbox: sa.Table
    dead_letters: sa.Table
    migrations_dir: Path
    uow_factory: Callable[[], object]
    subscriptions: list[Subscription]
    periodic_jobs: list[PeriodicJob] = dataclasses.field(default_factory=list)
    # What time it is for the service's use cases; tests set a fixed clock instead of sleeping.
    clock: Callable[[], dt.datetime] = utc_now

    @property
    def security_log(self) -> sa.Table:
        """The service's hash-chained security log (`shared/audit_chain.py`)."""
        return self.outbox.metadata.tables[audit_chain.TABLE_NAME]

    def migrate(self) -> None:
        db.upgrade(self.engine, self.migrations_dir, self.settings.service)

    def ping_database(self) -> None:
        db.ping(self.engine)

    def relay(self) -> OutboxRelay:
        publisher = ConfirmingPublisher(self.settings.broker_url, events_exchange(self.settings.namespace),
                                        heartbeat_s=self.settings.broker_heartbeat_s)
        return OutboxRelay(self.engine, self.outbox, publisher,
                           batch_size=self.settings.relay_batch_size, interval_s=self.settings.relay_interval_s,
                           unroutable_retry_s=self.settings.relay_unroutable_retry_s,
                           listener=OutboxListener(self.engine, self.settings.service)
                           if self.engine.dialect.name == "postgresql" else None)

    def dead_letter_log(self) -> DeadLetterLog:
        return DeadLetterLog(self.engine, self.dead_letters)

    def consumer(self) -> EventConsumer:
        return EventConsumer(
            self.settings.service,
            self.settings.broker_url,
            self.settings.namespace,
            self.subscriptions,
            self.uow_factory,
            dead_letter_log=self.dead_letter_log(),
            max_attempts=self.settings.consumer_max_attempts,
            backoff_s=self.settings.consumer_backoff_s,
            heartbeat_s=self.settings.broker_heartbeat_s,
            batch_size=self.settings.consumer_batch_size,
        )

    def dead_letter_queues(self) -> DeadLetterQueues:
        return DeadLetterQueues(self.settings.broker_url, self.consumer().dead_letter_queues(), self.dead_letter_log())

    def start_background(self, stop: threading.Event, consumer: EventConsumer | None = None) -> list[threading.Thread]:
        """Declare the service's queues, then start its relay, consumer (`consumer`, or a new one) and periodic
        jobs as threads."""
        return self.start_messaging(stop, consumer) + self.start_periodic_jobs(stop)

    def start_messaging(self, stop: threading.Event, consumer: EventConsumer | None = None) -> list[threading.Thread]:
        """Declare the service's queues, then start its relay and consumer (`consumer`, or a new one) as threads."""
        threads = []
        if self.subscriptions:
            consumer = consumer or self.consumer()
            consumer.declare()
            threads.append(threading.Thread(target=consumer.run_until, args=(stop,),
                                            name=f"{self.settings.service}-consumer", daemon=True))
        threads.append(threading.Thread(target=self.relay().run, args=(stop,), name=f"{self.settings.service}-relay",
                                        daemon=True))
        return _started(threads)

    def start_periodic_jobs(self, stop: threading.Event) -> list[threading.Thread]:
        """Start the service's periodic jobs (the reporting calendar, webhooks, anchors) as threads."""
        return _started([threading.Thread(target=self._run_periodically, args=(job, stop),
                                          name=f"{self.settings.service}-{job.name}", daemon=True)
                         for job in [*self.periodic_jobs, *self._anchor_jobs()]])

    def _anchor_jobs(self) -> list[PeriodicJob]:
        """With CQS_AUDIT_ANCHOR_DIR set, the security log's head is exported there periodically."""
        directory = os.environ.get("CQS_AUDIT_ANCHOR_DIR")
        if not directory:
            return []
        interval = float(os.environ.get("CQS_AUDIT_ANCHOR_INTERVAL_S", "3600"))
        return [PeriodicJob("audit-anchor", interval, lambda _now: audit_chain.export_anchor(
            self.engine, self.security_log, self.settings.service, Path(directory)))]

    def _run_periodically(self, job: PeriodicJob, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                job.run(self.clock())
            except Exception:  # the next run tries again; one failure must not stop the timer
                log.exception("periodic job %s failed", job.name)
            stop.wait(job.interval_s)

    def serve_metrics(self, port: int, address: str = "0.0.0.0", consumer: EventConsumer | None = None):
        """The worker's HTTP server on `port` in a thread of its own: `GET /metrics`, `/health`, and `/ready`
        (the database answers and, given the worker's `consumer`, it is consuming from the broker);
        returns the server and its thread."""
        probes = {"database": self.ping_database}
        if consumer is not None:
            probes["broker"] = consumer.ping_broker
        return worker_http.serve(port, address, metrics.registry_for(self, queues=True), self.settings.service,
                                 probes)

    def run_worker(self) -> None:
        """The worker process: relay, consumer and periodic jobs until SIGTERM/SIGINT."""
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        consumer = self.consumer() if self.subscriptions else None
        if self.settings.metrics_port:
            # Before the queues are declared (which waits for the broker): /health answers meanwhile,
            # and /ready says what is missing.
            self.serve_metrics(self.settings.metrics_port, consumer=consumer)
        threads = self.start_background(stop, consumer)
        log.info("%s worker running", self.settings.service)
        stop.wait()
        for thread in threads:
            thread.join(timeout=10)


def _started(threads: list[threading.Thread]) -> list[threading.Thread]:
    for thread in threads:
        thread.start()
    return threads


def inject_dependencies(handler: Callable, dependencies: dict[str, object]) -> Callable:
    """The handler with those of `dependencies` its signature names bound to it (as the book's
    `bootstrap.inject_dependencies`): a use case asks for a clock, the bootstrap hands it one."""
    wanted = {name: dependency for name, dependency in dependencies.items()
              if name in inspect.signature(handler).parameters}
    return functools.partial(handler, **wanted) if wanted else handler


def build_runtime(
    settings: ServiceSettings,
    metadata_tables: tuple[sa.Table, sa.Table, sa.Table],
    migrations_dir: Path,
    uow_class: type,
    subscriptions_factory: Callable[[], list[Subscription]],
) -> ServiceRuntime:
    """The service's runtime; its event handlers get the runtime's clock (`clock`) injected."""
    logs.install()
    engine = db.make_engine(settings.database_url, settings.service, settings.database_pooler)
    session_factory = db.make_session_factory(engine)
    outbox, processed, dead_letters = metadata_tables
    source = f"/cqs/{settings.service}"
    runtime = ServiceRuntime(
        settings=settings,
        engine=engine,
        session_factory=session_factory,
        outbox=outbox,
        dead_letters=dead_letters,
        migrations_dir=migrations_dir,
        uow_factory=lambda: uow_class(session_factory, outbox, processed, source),
        subscriptions=[],
    )
    # Read when a handler runs, not now: tests replace the runtime's clock after building it.
    dependencies = {"clock": lambda: runtime.clock()}
    runtime.subscriptions = [
        observed(dataclasses.replace(subscription, handle=inject_dependencies(subscription.handle, dependencies)),
                 settings.service)
        for subscription in subscriptions_factory()]
    return runtime
