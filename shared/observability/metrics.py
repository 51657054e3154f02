"""The services' Prometheus metrics, and what a scrape of a web app or a worker returns.

Counters and histograms live in the process (or, under gunicorn with several worker processes,
in `PROMETHEUS_MULTIPROC_DIR`, which every process writes and a scrape of any one of them adds
up). Gauges of shared state (the outbox's backlog and age, the broker's queue depths and dead
letters) are read from the database and the broker when scraped, so they are right whichever
replica answers.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
from collections.abc import Iterable

import sqlalchemy as sa
from kombu import Connection
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

log = logging.getLogger(__name__)

HTTP_REQUEST_SECONDS = Histogram(
    "cqs_http_request_duration_seconds", "Time to answer an HTTP request, by service, route and status.",
    ["service", "method", "route", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0))
EVENTS_HANDLED = Counter(
    "cqs_events_handled", "Events a handler processed to the end.", ["service", "handler"])
EVENTS_FAILED = Counter(
    "cqs_events_failed", "Handler runs that raised (each attempt counts; see dead letters for the given-up).",
    ["service", "handler"])
EVENT_HANDLING_SECONDS = Histogram(
    "cqs_event_handling_duration_seconds", "Time a handler took for one event.", ["service", "handler"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5))
EVENT_BATCH_LOAD_SECONDS = Histogram(
    "cqs_event_batch_load_duration_seconds",
    "Time a handler took to read what a batch of events needs, once for the batch (its `load`).",
    ["service", "handler"], buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5))


class ServiceStateCollector(Collector):
    """The service's shared state, read at scrape time: the outbox (always) and, for a worker,
    the depth of each of its handler queues (the consumers' lag) and of their dead-letter queues."""

    def __init__(self, runtime, *, queues: bool):
        self._runtime = runtime
        self._queues = queues

    def collect(self) -> Iterable[Metric]:
        service = self._runtime.settings.service
        yield from self._outbox(service)
        if self._queues and self._runtime.subscriptions:
            yield from self._queue_depths(service)

    def _outbox(self, service: str) -> Iterable[Metric]:
        outbox = self._runtime.outbox
        try:
            with self._runtime.engine.connect() as connection:
                count, oldest = connection.execute(
                    sa.select(sa.func.count(), sa.func.min(outbox.c.created_at))
                    .where(outbox.c.published_at.is_(None))).one()
        except Exception as exc:  # a scrape reports what it can; the database's health is /ready's job
            log.warning("metrics: outbox of %s unreadable: %r", service, exc)
            return
        backlog = GaugeMetricFamily("cqs_outbox_backlog_events", "Events written but not yet confirmed by the broker.",
                                    labels=["service"])
        backlog.add_metric([service], count)
        age = GaugeMetricFamily("cqs_outbox_oldest_age_seconds", "Age of the oldest event waiting in the outbox.",
                                labels=["service"])
        age.add_metric([service], _age_seconds(oldest))
        yield backlog
        yield age

    def _queue_depths(self, service: str) -> Iterable[Metric]:
        from shared.messaging.topology import queue_name

        ready = GaugeMetricFamily("cqs_queue_messages", "Messages waiting in a handler's queue (the consumer's lag).",
                                  labels=["service", "queue"])
        dead = GaugeMetricFamily("cqs_dead_letters", "Messages parked in a handler's dead-letter queue.",
                                 labels=["service", "queue"])
        settings = self._runtime.settings
        try:
            with Connection(settings.broker_url, connect_timeout=2) as connection:
                channel = connection.channel()
                for subscription in self._runtime.subscriptions:
                    name = queue_name(settings.namespace, service, subscription.handler_name)
                    for family, queue in ((ready, name), (dead, f"{name}.dlq")):
                        with contextlib.suppress(Exception):  # not declared yet: nothing to report
                            _, messages, _ = channel.queue_declare(queue=queue, passive=True)
                            family.add_metric([service, queue], messages)
        except Exception as exc:
            log.warning("metrics: broker queues of %s unreadable: %r", service, exc)
            return
        yield ready
        yield dead


def _age_seconds(oldest: dt.datetime | None) -> float:
    if oldest is None:
        return 0.0
    if oldest.tzinfo is None:  # SQLite keeps UTC without an offset
        oldest = oldest.replace(tzinfo=dt.timezone.utc)
    return max(0.0, (dt.datetime.now(dt.timezone.utc) - oldest).total_seconds())


class _Process(Collector):
    """This process's metrics, or every gunicorn process's when they share PROMETHEUS_MULTIPROC_DIR."""

    def collect(self) -> Iterable[Metric]:
        directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
        if directory:
            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry, path=directory)
            yield from registry.collect()
        else:
            yield from REGISTRY.collect()


def registry_for(runtime, *, queues: bool) -> CollectorRegistry:
    """What a scrape of the runtime's web app (queues=False) or worker (queues=True) shows."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_Process())
    registry.register(ServiceStateCollector(runtime, queues=queues))
    return registry


def exposition(registry: CollectorRegistry) -> bytes:
    return generate_latest(registry)
