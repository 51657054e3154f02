"""The consumers' batches and the relay's wake-up, on the real PostgreSQL and RabbitMQ.

1. Consumer throughput: N `report.scored` events waiting in the publication service's queue,
   consumed by its real consumer and handler, one delivery per transaction (batch 1, as before)
   and in batches (prefetch and transaction of 100): events/s until the last is recorded.
2. Relay hop: an event committed through the submission service's unit of work, timed until a
   subscriber's queue holds it, with the relay polling every 200 ms (as before) and with it
   woken by the commit's NOTIFY (same poll as fallback): p50 and p95 over M events.

    .venv/bin/python -m benchmarks.messaging_hops [--events 3000] [--hops 60]

Uses CQS_TEST_POSTGRES_URL / CQS_TEST_AMQP_URL (defaults: the local servers), databases and
broker namespaces of its own, removed afterwards.
"""
from __future__ import annotations

import argparse
import os
import statistics
import threading
import time
import uuid

import sqlalchemy as sa
from kombu import Connection, Producer, Queue

from benchmarks.publication_recording import ROUND, event
from services.publication import bootstrap as publication
from services.publication.adapters import orm as publication_orm
from services.publication.service_layer import handlers
from services.submission import bootstrap as submission
from services.submission.domain.reports import Report
from shared.clock import utc_now
from shared.config import ServiceSettings
from shared.domain.report_header import ReportHeader
from shared.domain.round_events import RoundOpened
from shared.messaging.publisher import ConfirmingPublisher
from shared.messaging.relay import OutboxRelay
from shared.messaging.topology import events_exchange
from tests.support import infrastructure
from tests.support.round_events import round_opened


def consumer_throughput(pg: str, amqp: str, events: int, batch_size: int) -> float:
    namespace = f"cqs-bench-{uuid.uuid4().hex[:8]}"
    with infrastructure.fresh_database(pg) as database_url:
        settings = ServiceSettings(service="publication", database_url=database_url, broker_url=amqp,
                                   jwks_url="", data_dir=None, namespace=namespace,
                                   consumer_batch_size=batch_size)
        runtime = publication.runtime(settings)
        runtime.migrate()
        try:
            with runtime.uow_factory() as uow:
                handlers.on_round_opened(uow, RoundOpened.from_data(round_opened(ROUND, 2026)))
                uow.commit()
            consumer = runtime.consumer()
            consumer.declare()
            with Connection(amqp) as conn:
                producer = Producer(conn.channel(), exchange=events_exchange(namespace))
                for index in range(events):
                    ce = event(index)
                    producer.publish(ce.to_json(), routing_key=ce.routing_key,
                                     content_type="application/cloudevents+json", delivery_mode=2)
            stop = threading.Event()
            started = time.perf_counter()
            thread = threading.Thread(target=consumer.run_until, args=(stop,), daemon=True)
            thread.start()
            processed = sa.select(sa.func.count()).select_from(publication_orm.processed_events)
            while True:
                with runtime.engine.connect() as conn:
                    if conn.execute(processed).scalar_one() >= events:
                        break
                time.sleep(0.05)
            seconds = time.perf_counter() - started
            stop.set()
            thread.join(15)
            return events / seconds
        finally:
            runtime.engine.dispose()
            infrastructure.delete_namespace(amqp, namespace)


def relay_hops(pg: str, amqp: str, hops: int, listen: bool) -> list[float]:
    namespace = f"cqs-bench-{uuid.uuid4().hex[:8]}"
    with infrastructure.fresh_database(pg) as database_url:
        settings = ServiceSettings(service="submission", database_url=database_url, broker_url=amqp,
                                   jwks_url="", data_dir=None, namespace=namespace, relay_interval_s=0.2)
        runtime = submission.runtime(settings)
        runtime.migrate()
        # Without the listener: the relay as it was, a poll every 200 ms.
        relay = runtime.relay() if listen else OutboxRelay(
            runtime.engine, runtime.outbox, ConfirmingPublisher(amqp, events_exchange(namespace)), interval_s=0.2)
        sink = Queue(f"{namespace}.sink", exchange=events_exchange(namespace), routing_key="#", durable=True)
        stop = threading.Event()
        latencies = []
        try:
            with Connection(amqp) as conn:
                channel = conn.channel()
                sink(channel).declare()
                thread = threading.Thread(target=relay.run, args=(stop,), daemon=True)
                thread.start()
                time.sleep(1.0)
                for index in range(hops):
                    time.sleep(0.05 + (index % 7) * 0.013)  # commits at no fixed phase of the poll
                    header = ReportHeader(round_id="2026-annual", unit_code=f"U{index:04d}", unit_name_vi="Đơn vị",
                                          unit_type="province_department", reviewer_unit_code="SKHCN",
                                          reviewer_kind="department")
                    report = Report(id=str(uuid.uuid4()), header=header, catalog_version="hatinh-2021-ref-1")
                    with runtime.uow_factory() as uow:
                        uow.reports.add(report)
                        report.submit(by="bench", now=utc_now(), evidence={})
                        uow.commit()
                    committed = time.perf_counter()
                    while sink(channel).get(no_ack=True) is None:
                        time.sleep(0.001)
                    latencies.append(time.perf_counter() - committed)
        finally:
            stop.set()
            with Connection(amqp) as conn:
                conn.channel().queue_delete(sink.name)
            infrastructure.delete_namespace(amqp, namespace)
            runtime.engine.dispose()
        return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=3_000)
    parser.add_argument("--hops", type=int, default=60)
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    with infrastructure.postgres_server() as pg, infrastructure.rabbitmq_server() as amqp:
        for batch_size in (1, 100):
            rate = consumer_throughput(pg, amqp, args.events, batch_size)
            print(f"publication consumer, batch {batch_size:>3}: {args.events} report.scored at {rate:,.0f} events/s")
        for listen in (False, True):
            latencies = sorted(relay_hops(pg, amqp, args.hops, listen))
            p95 = latencies[int(0.95 * (len(latencies) - 1))]
            print(f"relay hop, {'LISTEN/NOTIFY' if listen else 'poll 200 ms  '}: p50 "
                  f"{1000 * statistics.median(latencies):.1f} ms, p95 {1000 * p95:.1f} ms over {len(latencies)}")


if __name__ == "__main__":
    main()
