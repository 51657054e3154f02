"""Outbox relay throughput on the real PostgreSQL and RabbitMQ.

Fills a fresh outbox with N committed events, then times the relay until the outbox is empty:
each batch is published with publisher confirms collected together, and marked sent in the
same transaction that selected it. A batch of 1 is one blocking confirm per message, the
baseline the batching is there to beat.

    .venv/bin/python -m benchmarks.outbox_relay [--events 20000] [--batch 200 1]

Uses CQS_TEST_POSTGRES_URL / CQS_TEST_AMQP_URL (defaults: the local servers), a database and a
broker namespace of its own, both removed afterwards.
"""
from __future__ import annotations

import argparse
import json
import time
import uuid

import sqlalchemy as sa
from kombu import Connection, Queue

from services.submission import bootstrap as submission
from services.submission.adapters import orm
from shared.config import ServiceSettings
from shared.messaging.topology import events_exchange
from tests.support import infrastructure


def fill(runtime, count: int) -> None:
    body = {"specversion": "1.0", "source": "/cqs/submission", "type": "vn.gov.cqs.report.submitted",
            "datacontenttype": "application/json", "time": "2026-11-25T00:00:00Z",
            "data": {"answers": {f"field_{i}": i for i in range(40)}}}
    rows = []
    for _ in range(count):
        event_id = str(uuid.uuid4())
        rows.append({"event_id": event_id, "routing_key": "report.submitted",
                     "body": json.dumps({**body, "id": event_id, "subject": f"reports/{event_id}"})})
    with runtime.engine.begin() as conn:
        conn.execute(sa.delete(orm.outbox))
        conn.execute(orm.outbox.insert(), rows)


def time_relay(runtime, batch_size: int) -> float:
    runtime.settings = ServiceSettings(**{**runtime.settings.__dict__, "relay_batch_size": batch_size})
    relay = runtime.relay()
    started = time.perf_counter()
    while relay.relay_once():
        pass
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--batch", type=int, nargs="+", default=[200, 1])
    args = parser.parse_args()
    namespace = f"cqs-bench-{uuid.uuid4().hex[:8]}"
    with infrastructure.postgres_server() as pg, infrastructure.rabbitmq_server() as amqp, \
            infrastructure.fresh_database(pg) as database_url:
        settings = ServiceSettings(service="submission", database_url=database_url, broker_url=amqp,
                                   jwks_url="", data_dir=None,
                                   namespace=namespace)
        runtime = submission.runtime(settings)
        runtime.migrate()
        sink = Queue(f"{namespace}.sink", exchange=events_exchange(namespace), routing_key="#", durable=True)
        with Connection(amqp) as conn:
            sink(conn.channel()).declare()
        try:
            for batch_size in args.batch:
                count = args.events if batch_size > 1 else min(args.events, 2_000)
                fill(runtime, count)
                seconds = time_relay(runtime, batch_size)
                print(f"batch {batch_size:>4}: {count} events in {seconds:.2f} s = {count / seconds:,.0f} events/s")
        finally:
            with Connection(amqp) as conn:
                conn.channel().queue_delete(sink.name)
            infrastructure.delete_namespace(amqp, namespace)
            runtime.engine.dispose()


if __name__ == "__main__":
    main()
