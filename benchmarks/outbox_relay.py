"""Outbox relay throughput on the real PostgreSQL and RabbitMQ.

Fills a fresh outbox with N committed events, then times the relay until the outbox is empty:
each batch is published with publisher confirms collected together, and marked sent in the
same transaction that selected it. A batch of 1 is one blocking confirm per message, the
baseline the batching is there to beat.

    .venv/bin/python -m benchmarks.outbox_relay [--events 20000] [--batch 200 1] [--trickle 1 10 100]

With --trickle, the relay runs as in a worker (woken by each commit's NOTIFY) while events are
committed K at a time, and the CPU its thread used is given per event: what a pass costs when
every commit wakes one.

Uses CQS_TEST_POSTGRES_URL / CQS_TEST_AMQP_URL (defaults: the local servers), a database and a
broker namespace of its own, both removed afterwards.
"""
from __future__ import annotations

import argparse
import json
import threading
import time
import uuid

import sqlalchemy as sa
from kombu import Connection, Queue

from services.submission import bootstrap as submission
from services.submission.adapters import orm
from shared.config import ServiceSettings
from shared.messaging.outbox_signal import channel_for
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


def _rows(count: int) -> list[dict]:
    return [{"event_id": str(uuid.uuid4()), "routing_key": "report.submitted", "body": "{}"} for _ in range(count)]


def relay_cpu_per_event(runtime, per_commit: int, count: int) -> tuple[float, int]:
    """The running relay's CPU in ms per event, and its passes, while `count` events are committed
    `per_commit` at a time (a NOTIFY each, as the unit of work sends it)."""
    with runtime.engine.begin() as conn:
        conn.execute(sa.delete(orm.outbox))
    stop = threading.Event()
    relay = threading.Thread(target=runtime.relay().run, args=(stop,), daemon=True)
    relay.start()
    time.sleep(1.0)  # connected and listening
    clock = time.pthread_getcpuclockid(relay.ident)
    cpu_before = time.clock_gettime(clock)
    for first in range(0, count, per_commit):
        with runtime.engine.begin() as conn:
            conn.execute(orm.outbox.insert(), _rows(min(per_commit, count - first)))
            conn.execute(sa.select(sa.func.pg_notify(channel_for("submission"), "")))
        time.sleep(0.002)
    pending = sa.select(sa.func.count()).select_from(orm.outbox).where(orm.outbox.c.published_at.is_(None))
    passes = sa.select(sa.func.count(sa.distinct(orm.outbox.c.published_at)))
    while True:
        with runtime.engine.connect() as conn:
            if conn.execute(pending).scalar_one() == 0:
                cpu = time.clock_gettime(clock) - cpu_before
                stop.set()
                relay.join(15)
                return 1000 * cpu / count, conn.execute(passes).scalar_one()
        time.sleep(0.02)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--batch", type=int, nargs="+", default=[200, 1])
    parser.add_argument("--trickle", type=int, nargs="+", default=[], metavar="K",
                        help="instead: the running relay's CPU per event, events committed K at a time")
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
            for per_commit in args.trickle:
                count = min(args.events, 1_000 * per_commit)
                cpu, passes = relay_cpu_per_event(runtime, per_commit, count)
                print(f"commits of {per_commit:>3}: {count} events in {passes} passes, "
                      f"relay CPU {cpu:.3f} ms per event")
            for batch_size in [] if args.trickle else args.batch:
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
