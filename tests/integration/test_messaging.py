"""The messaging guarantees, on the real PostgreSQL and RabbitMQ: outbox atomicity,
idempotent consumption, retry then dead-letter, and a relay that survives a broker restart."""
from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import threading
import time
import uuid

import pytest
import sqlalchemy as sa
from kombu import Connection, Producer

from services.submission import bootstrap as submission
from services.submission.adapters import orm
from services.submission.domain.reports import Report
from shared import cloudevents
from shared.domain.report_events import ReportReturned
from shared.messaging.consumer import EventConsumer, Subscription
from shared.messaging.topology import events_exchange
from tests.support.partner import PartnerSubscriber, dlq_messages

pytestmark = pytest.mark.integration
NOW = dt.datetime(2026, 11, 1, 8, 0, tzinfo=dt.timezone.utc)


@pytest.fixture
def runtime(settings_for):
    service_runtime = submission.runtime(settings_for("submission"))
    service_runtime.migrate()
    yield service_runtime
    service_runtime.engine.dispose()


@pytest.fixture
def partner(amqp_url, namespace):
    subscriber = PartnerSubscriber(amqp_url, namespace)
    yield subscriber
    subscriber.close()


def _new_report(unit_code: str = "HT-SO-TC") -> Report:
    return Report(id=str(uuid.uuid4()), round_id="2026-annual", unit_code=unit_code, unit_name_vi="Sở Tài chính",
                  unit_type="province_department", reviewer_unit_code="HT-SO-KHCN", reviewer_kind="department",
                  catalog_version="hatinh-2021-ref-1", answers={"annual_plan_issued": True})


def _add_submitted(runtime, unit_code: str = "HT-SO-TC") -> Report:
    report = _new_report(unit_code)
    with runtime.uow_factory() as uow:
        uow.reports.add(report)
        report.submit(by="reporter", now=NOW, evidence={})
        uow.commit()
    return report


def drain(relay) -> int:
    """Publish until the outbox is empty."""
    total = 0
    while (sent := relay.relay_once()) > 0:
        total += sent
    return total


def _outbox_count(runtime) -> int:
    with runtime.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(orm.outbox)).scalar_one()


def test_committed_event_reaches_a_partner_as_cloudevent(runtime, partner):
    report = _add_submitted(runtime)
    assert drain(runtime.relay()) == 1
    [event] = partner.collect(lambda got: len(got) >= 1)
    assert event["type"] == "vn.gov.cqs.report.submitted"
    assert event["specversion"] == "1.0" and event["source"] == "/cqs/submission"
    assert event["subject"] == f"reports/{report.id}"
    assert event["data"]["answers"] == {"annual_plan_issued": True}
    assert partner.routing_keys == ["report.submitted"]


def test_event_is_not_written_or_published_when_the_transaction_rolls_back(runtime, partner):
    with pytest.raises(RuntimeError):
        with runtime.uow_factory() as uow:
            report = _new_report()
            uow.reports.add(report)
            report.submit(by="reporter", now=NOW, evidence={})
            raise RuntimeError("failure after the state change, before commit")
    first = _add_submitted(runtime)
    # A commit that fails (same unit twice in a round) takes its outbox row down with it.
    with pytest.raises(sa.exc.IntegrityError):
        _add_submitted(runtime, unit_code=first.unit_code)

    assert _outbox_count(runtime) == 1
    assert drain(runtime.relay()) == 1
    partner.collect(lambda got: False, timeout_s=1.0)
    assert [event["subject"] for event in partner.received] == [f"reports/{first.id}"]


def _publish_raw(amqp_url: str, namespace: str, event: cloudevents.CloudEvent, times: int = 1) -> None:
    with Connection(amqp_url) as conn:
        producer = Producer(conn.channel(), exchange=events_exchange(namespace))
        for _ in range(times):
            producer.publish(event.to_json(), routing_key=event.routing_key,
                             content_type="application/cloudevents+json", delivery_mode=2, declare=[producer.exchange])


def _run_consumer(consumer: EventConsumer):
    consumer.declare()
    stop = threading.Event()
    thread = threading.Thread(target=consumer.run_until, args=(stop,), daemon=True)
    thread.start()
    return stop, thread


def _wait_for(condition, timeout_s: float = 20.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError("condition not met in time")


def test_a_duplicate_delivery_changes_nothing(runtime, amqp_url, namespace):
    report = _add_submitted(runtime)
    returned = cloudevents.from_event(
        ReportReturned(report_id=report.id, round_id=report.round_id, unit_code=report.unit_code,
                       comment="Thiếu minh chứng", criterion_comments={"1.1": "Bổ sung kế hoạch"},
                       returned_by="reviewer", returned_at=NOW.isoformat()),
        source="/cqs/review")
    consumer = runtime.consumer()
    stop, thread = _run_consumer(consumer)
    try:
        _publish_raw(amqp_url, namespace, returned, times=3)

        def processed() -> int:
            with runtime.engine.connect() as conn:
                return conn.execute(sa.select(sa.func.count()).select_from(orm.processed_events)).scalar_one()

        _wait_for(lambda: processed() == 1)
        time.sleep(0.5)  # let the two duplicates arrive and be dropped
    finally:
        stop.set()
        thread.join(10)
    with runtime.uow_factory() as uow:
        stored = uow.reports.get(report.id)
        assert stored.status == "returned"
        assert stored.version == 2  # written once on insert, once by the single return
    assert processed() == 1
    dead = dlq_messages(amqp_url, f"{namespace}.submission.on_report_returned.dlq")
    assert dead == []


def test_a_failing_handler_is_retried_then_dead_lettered(runtime, amqp_url, namespace):
    attempts = []

    def always_fails(uow, event):
        attempts.append(event.id)
        report = _new_report(unit_code=f"U-{len(attempts)}")
        uow.reports.add(report)
        report.submit(by="reporter", now=NOW, evidence={})  # an event recorded, then the handler fails
        raise ValueError("the handler cannot process this event")

    consumer = EventConsumer("submission", amqp_url, namespace,
                             [Subscription("always_fails", ("report.returned",), always_fails)],
                             runtime.uow_factory, max_attempts=3, backoff_s=0.01)
    event = cloudevents.from_event(
        ReportReturned(report_id="r1", round_id="2026", unit_code="u", comment="", criterion_comments={},
                       returned_by="reviewer", returned_at=NOW.isoformat()), source="/cqs/review")
    stop, thread = _run_consumer(consumer)
    dlq = f"{namespace}.submission.always_fails.dlq"
    try:
        _publish_raw(amqp_url, namespace, event)
        dead: list = []
        _wait_for(lambda: dead.extend(dlq_messages(amqp_url, dlq)) or dead)
    finally:
        stop.set()
        thread.join(10)
        with Connection(amqp_url) as conn:
            conn.channel().queue_delete(f"{namespace}.submission.always_fails")
            conn.channel().queue_delete(dlq)
    assert attempts == [event.id] * 3
    [(headers, body)] = dead
    assert cloudevents.parse(body).id == event.id
    assert "cannot process" in headers["x-cqs-error"] and headers["x-cqs-attempts"] == 3
    assert _outbox_count(runtime) == 0  # what the failed attempts emitted was rolled back


def test_an_unreachable_database_sends_the_event_back_to_the_queue_not_to_the_dlq(runtime, amqp_url, namespace):
    calls = []

    def database_down_once(uow, event):
        calls.append(event.id)
        if len(calls) == 1:
            raise sa.exc.OperationalError("SELECT 1", {}, ConnectionRefusedError("connection refused"))

    consumer = EventConsumer("submission", amqp_url, namespace,
                             [Subscription("database_down_once", ("report.returned",), database_down_once)],
                             runtime.uow_factory, max_attempts=2, backoff_s=0.01)
    event = cloudevents.from_event(
        ReportReturned(report_id="r1", round_id="2026", unit_code="u", comment="", criterion_comments={},
                       returned_by="reviewer", returned_at=NOW.isoformat()), source="/cqs/review")
    stop, thread = _run_consumer(consumer)
    try:
        _publish_raw(amqp_url, namespace, event)
        _wait_for(lambda: len(calls) == 2)
    finally:
        stop.set()
        thread.join(10)
        dead = dlq_messages(amqp_url, f"{namespace}.submission.database_down_once.dlq")
        with Connection(amqp_url) as conn:
            conn.channel().queue_delete(f"{namespace}.submission.database_down_once")
            conn.channel().queue_delete(f"{namespace}.submission.database_down_once.dlq")
    assert calls == [event.id, event.id] and dead == []
    with runtime.uow_factory() as uow:
        assert uow.already_processed(f"{namespace}.submission.database_down_once", event.source, event.id)


@pytest.mark.skipif(shutil.which("rabbitmqctl") is None, reason="needs rabbitmqctl to restart the local broker")
def test_the_relay_resumes_after_the_broker_restarts_and_loses_nothing(runtime, partner):
    before = [_add_submitted(runtime, unit_code=f"U{i:03d}") for i in range(20)]
    stop = threading.Event()
    relay_thread = threading.Thread(target=runtime.relay().run, args=(stop,), daemon=True)
    relay_thread.start()
    try:
        partner.collect(lambda got: len(got) >= 20)
        subprocess.run(["rabbitmqctl", "stop_app"], check=True, capture_output=True, timeout=120)
        try:
            during = [_add_submitted(runtime, unit_code=f"V{i:03d}") for i in range(20)]
            time.sleep(1.0)  # the relay fails against the stopped broker and backs off
        finally:
            subprocess.run(["rabbitmqctl", "start_app"], check=True, capture_output=True, timeout=120)
            subprocess.run(["rabbitmqctl", "await_startup"], check=True, capture_output=True, timeout=120)
        partner.reconnect()
        partner.collect(lambda got: len({e["subject"] for e in got}) >= 40, timeout_s=60)
    finally:
        stop.set()
        relay_thread.join(15)
    subjects = {event["subject"] for event in partner.received}
    assert subjects == {f"reports/{report.id}" for report in before + during}
    with runtime.engine.connect() as conn:
        unpublished = conn.execute(sa.select(sa.func.count()).select_from(orm.outbox)
                                   .where(orm.outbox.c.published_at.is_(None))).scalar_one()
    assert unpublished == 0


def test_an_event_from_a_source_that_does_not_own_it_is_never_acted_on(runtime, amqp_url, namespace):
    """A `report.returned` claiming to come from a partner (only review returns reports) is
    dead-lettered; the report stays submitted."""
    report = _add_submitted(runtime)
    forged = cloudevents.from_event(
        ReportReturned(report_id=report.id, round_id=report.round_id, unit_code=report.unit_code,
                       comment="forged", criterion_comments={}, returned_by="attacker",
                       returned_at=NOW.isoformat()), source="/partner/lgsp")
    consumer = EventConsumer("submission", amqp_url, namespace, runtime.subscriptions, runtime.uow_factory,
                             max_attempts=1, backoff_s=0.01)
    stop, thread = _run_consumer(consumer)
    dlq = f"{namespace}.submission.on_report_returned.dlq"
    try:
        _publish_raw(amqp_url, namespace, forged)
        dead: list = []
        _wait_for(lambda: dead.extend(dlq_messages(amqp_url, dlq)) or dead)
    finally:
        stop.set()
        thread.join(10)
    [(headers, _body)] = dead
    assert "only /cqs/review publishes it" in headers["x-cqs-error"]
    with runtime.uow_factory() as uow:
        assert uow.reports.get(report.id).status == "submitted"
