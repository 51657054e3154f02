"""Two outbox relays on one outbox (two worker instances of a service) keep a report's events in
order, on the real PostgreSQL and RabbitMQ: while one relay is held in the middle of sending a
report's first event, the other must not send the report's next one ahead of it; and two worker
processes relaying while events are committed deliver every report's events in outbox order."""
from __future__ import annotations

import json
import os
import threading
import time
import uuid

import pytest
import sqlalchemy as sa

from services.submission import bootstrap as submission
from services.submission.adapters import orm
from shared.messaging.outbox_signal import channel_for
from shared.messaging.relay import OutboxRelay
from tests.integration.test_messaging import _add_submitted, drain
from tests.support.keys import TEST_JWKS_URL
from tests.support.partner import PartnerSubscriber
from tests.support.polling import eventually
from tests.support.processes import RunningSystem

pytestmark = [pytest.mark.integration, pytest.mark.faults]


class HeldPublisher:
    """The real publisher, held before it sends until the test lets it go (a slow relay)."""

    def __init__(self, publisher):
        self._publisher = publisher
        self.sending = threading.Event()
        self.release = threading.Event()

    def publish_batch(self, messages):
        self.sending.set()
        assert self.release.wait(30)
        return self._publisher.publish_batch(messages)

    def __getattr__(self, name):
        return getattr(self._publisher, name)


def test_a_second_relay_does_not_send_a_reports_later_event_ahead_of_the_first(settings_for, amqp_url, namespace):
    runtime = submission.runtime(settings_for("submission"))
    runtime.migrate()
    partner = PartnerSubscriber(amqp_url, namespace)
    try:
        _add_submitted(runtime)
        with runtime.engine.begin() as conn:  # the same report's next event, later in the outbox
            first = conn.execute(sa.select(orm.outbox).order_by(orm.outbox.c.id)).mappings().first()
            later = {key: value for key, value in first.items() if key != "id"}
            later_id = str(uuid.uuid4())
            later["body"] = first["body"].replace(first["event_id"], later_id)
            conn.execute(orm.outbox.insert().values(**{**later, "event_id": later_id}))
        held = HeldPublisher(runtime.relay()._publisher)
        slow = OutboxRelay(runtime.engine, orm.outbox, held, batch_size=1)
        thread = threading.Thread(target=slow.relay_once, daemon=True)
        thread.start()
        assert held.sending.wait(30)
        other = runtime.relay()
        assert other.relay_once() == 0  # the first relay is sending: the second waits its turn
        held.release.set()
        thread.join(30)
        assert drain(other) == 1
        received = partner.collect(lambda got: len(got) >= 2)
        assert [event["id"] for event in received] == [first["event_id"], later_id]
    finally:
        partner.close()
        runtime.engine.dispose()


def test_the_relays_of_two_services_sharing_a_database_do_not_wait_for_each_other(settings_for, amqp_url, namespace):
    from services.review import bootstrap as review

    runtime = submission.runtime(settings_for("submission"))
    runtime.migrate()
    neighbour = review.runtime(settings_for("review"))  # same database, a schema (and an outbox) of its own
    neighbour.migrate()
    partner = PartnerSubscriber(amqp_url, namespace)
    try:
        _add_submitted(runtime)
        with neighbour.engine.begin() as conn:
            conn.execute(neighbour.outbox.insert().values(**_event_row(str(uuid.uuid4()), 0)))
        held = HeldPublisher(runtime.relay()._publisher)
        slow = OutboxRelay(runtime.engine, orm.outbox, held)
        thread = threading.Thread(target=slow.relay_once, daemon=True)
        thread.start()
        assert held.sending.wait(30)
        assert neighbour.relay().relay_once() == 1  # submission's relay holds its own outbox's lock only
        held.release.set()
        thread.join(30)
        assert len(partner.collect(lambda got: len(got) >= 2)) == 2
    finally:
        held.release.set()
        partner.close()
        runtime.engine.dispose()
        neighbour.engine.dispose()


def _event_row(report_id: str, step: int) -> dict:
    event_id = str(uuid.uuid4())
    body = {"specversion": "1.0", "id": event_id, "source": "/cqs/submission", "type": "vn.gov.cqs.report.submitted",
            "subject": f"reports/{report_id}", "time": "2026-11-30T00:00:00+00:00",
            "data": {"report_id": report_id, "step": step}}
    return {"event_id": event_id, "routing_key": "report.submitted", "body": json.dumps(body)}


def test_two_worker_processes_relaying_one_outbox_deliver_each_reports_events_in_order(
        settings_for, amqp_url, namespace, tmp_path):
    settings = settings_for("submission")
    runtime = submission.runtime(settings)
    runtime.migrate()
    partner = PartnerSubscriber(amqp_url, namespace, patterns=("report.*",))
    running = RunningSystem({**os.environ, "CQS_DATABASE_URL": settings.database_url, "CQS_BROKER_URL": amqp_url,
                             "CQS_NAMESPACE": namespace, "CQS_JWKS_URL": TEST_JWKS_URL,
                             "CQS_DATA_DIR": str(tmp_path / "data"), "CQS_RELAY_INTERVAL_S": "0.05"}, tmp_path)
    reports, steps = [str(uuid.uuid4()) for _ in range(4)], 40
    try:
        workers = [running.start_worker("submission")]
        workers.append(running.start_another(workers[0]))
        for name in workers:
            eventually(lambda name=name: (tmp_path / f"{name}.log").read_text(), lambda log: "worker running" in log,
                       timeout_s=60, what=f"{name} running")
        for step in range(steps):  # each commit wakes both relays (NOTIFY); the rows of a report interleave
            with runtime.engine.begin() as conn:
                conn.execute(orm.outbox.insert(), [_event_row(report_id, step) for report_id in reports])
                conn.execute(sa.select(sa.func.pg_notify(channel_for("submission"), "")))
            time.sleep(0.01)
        received = partner.collect(lambda got: len({event["id"] for event in got}) >= len(reports) * steps,
                                   timeout_s=90)
    finally:
        running.stop()
        partner.close()
        runtime.engine.dispose()
    for report_id in reports:
        first_seen: dict[str, int] = {}  # a relay's retry may send an event again; consumers keep the first
        for event in received:
            if event["data"]["report_id"] == report_id:
                first_seen.setdefault(event["id"], event["data"]["step"])
        assert list(first_seen.values()) == list(range(steps)), report_id
