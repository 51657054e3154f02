"""The messaging guarantees, on the real PostgreSQL and RabbitMQ: outbox atomicity,
idempotent consumption, retry then dead-letter, and a relay that survives a broker restart."""
from __future__ import annotations

import dataclasses
import datetime as dt
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
from shared.domain.errors import ConcurrentChange, DuplicateRecord
from shared.domain.events import UnstorableEvent
from shared.domain.report_events import ReportReturned
from shared.domain.report_header import ReportHeader
from shared.messaging.consumer import EventConsumer, Subscription, process_batch
from shared.messaging.topology import events_exchange
from tests.support import rabbitmq_node, report_progress
from tests.support.partner import PartnerSubscriber, dlq_messages, publish_event
from tests.support.polling import eventually
from tests.support.running import consuming

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
    return Report(id=str(uuid.uuid4()),
                  header=ReportHeader(round_id="2026-annual", unit_code=unit_code, unit_name_vi="Sở Tài chính",
                                      unit_type="province_department", reviewer_unit_code="HT-SO-KHCN",
                                      reviewer_kind="department"),
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
    with pytest.raises(DuplicateRecord):
        _add_submitted(runtime, unit_code=first.unit_code)

    assert _outbox_count(runtime) == 1
    assert drain(runtime.relay()) == 1
    partner.collect(lambda got: False, timeout_s=1.0)
    assert [event["subject"] for event in partner.received] == [f"reports/{first.id}"]


def _dead_letters(amqp_url: str, dlq: str) -> list:
    """The (headers, body) of the messages parked in `dlq`, once there are any."""
    dead: list = []
    eventually(lambda: dead.extend(dlq_messages(amqp_url, dlq)) or dead)
    return dead


def _returned(report_id: str, comment: str = "") -> cloudevents.CloudEvent:
    """A `report.returned` from review about a report this service may not hold."""
    return cloudevents.from_event(
        ReportReturned(report_id=report_id, round_id="2026", unit_code="u", comment=comment, criterion_comments={},
                       returned_by="reviewer", returned_at=NOW.isoformat()), source="/cqs/review")


def _returned_event(report: Report) -> cloudevents.CloudEvent:
    return cloudevents.from_event(
        ReportReturned(report_id=report.id, round_id=report.round_id, unit_code=report.unit_code,
                       comment="Thiếu minh chứng", criterion_comments={"1.1": "Bổ sung kế hoạch"},
                       returned_by="reviewer", returned_at=NOW.isoformat()),
        source="/cqs/review")


def _status(runtime, report: Report) -> str:
    with runtime.uow_factory() as uow:
        return uow.reports.get(report.id).status


def test_a_duplicate_delivery_changes_nothing(runtime, amqp_url, namespace):
    report, sentinel = _add_submitted(runtime), _add_submitted(runtime, unit_code="HT-SO-TP")
    consumer = runtime.consumer()
    with consuming(consumer):
        publish_event(amqp_url, namespace, _returned_event(report), times=3)
        # One queue, one consumer, one message at a time: once the sentinel published after the
        # duplicates is processed, the duplicates have been handled too.
        publish_event(amqp_url, namespace, _returned_event(sentinel))
        eventually(lambda: _status(runtime, sentinel) == "returned")
    with runtime.uow_factory() as uow:
        stored = uow.reports.get(report.id)
        assert stored.status == "returned"
        assert stored.version == 2  # written once on insert, once by the single return
    with runtime.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(orm.processed_events)).scalar_one() == 2
    dead = dlq_messages(amqp_url, f"{namespace}.submission.on_report_returned.dlq")
    assert dead == []


def test_a_batch_of_progress_events_moves_its_reports_in_one_update_that_checks_their_versions(runtime):
    first, second, third = (_add_submitted(runtime, unit_code=code) for code in ("HT-SO-TC", "HT-SO-TP", "HT-SO-YT"))
    [subscription] = [found for found in runtime.subscriptions if found.handler_name == "on_report_progressed"]
    updates: list[str] = []
    sa.event.listen(runtime.engine, "before_cursor_execute", lambda _conn, _cursor, statement, *_: updates.append(
        statement) if statement.startswith("UPDATE reports ") else None)
    verified = report_progress.verified(first.id)
    batch = [verified, report_progress.verified(second.id), verified, report_progress.scored(first.id)]
    assert process_batch(runtime.uow_factory, "submission.on_report_progressed", subscription, batch) == 3
    with runtime.uow_factory() as uow:
        stored = {report.id: (report.status, report.version) for report in uow.reports.matching()}
    # Each report moved is written once (version 1 as submitted), whatever its events in the batch.
    assert stored == {first.id: ("scored", 2), second.id: ("verified", 2), third.id: ("submitted", 1)}
    assert len(updates) == 1

    with runtime.uow_factory() as uow:  # the third changes after the batch read it: nothing of the batch is kept
        uow.reports.load([second.id, third.id])
        subscription.handle(uow, report_progress.scored(second.id))
        subscription.handle(uow, report_progress.verified(third.id))
        with runtime.engine.begin() as conn:
            conn.execute(orm.reports.update().where(orm.reports.c.id == third.id).values(version=9))
        with pytest.raises(ConcurrentChange):
            uow.commit()
    with runtime.uow_factory() as uow:
        assert (uow.reports.get(second.id).status, uow.reports.get(third.id).status) == ("verified", "submitted")


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
    event = _returned("r1")
    dlq = f"{namespace}.submission.always_fails.dlq"
    try:
        with consuming(consumer):
            publish_event(amqp_url, namespace, event)
            dead = _dead_letters(amqp_url, dlq)
    finally:
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
    event = _returned("r1")
    try:
        with consuming(consumer):
            publish_event(amqp_url, namespace, event)
            eventually(lambda: len(calls) == 2)
    finally:
        dead = dlq_messages(amqp_url, f"{namespace}.submission.database_down_once.dlq")
        with Connection(amqp_url) as conn:
            conn.channel().queue_delete(f"{namespace}.submission.database_down_once")
            conn.channel().queue_delete(f"{namespace}.submission.database_down_once.dlq")
    assert calls == [event.id, event.id] and dead == []
    with runtime.uow_factory() as uow:
        assert uow.already_processed(f"{namespace}.submission.database_down_once", event.source, event.id)


def test_an_event_waiting_for_the_database_is_not_overtaken_by_one_delivered_meanwhile(runtime, amqp_url, namespace):
    """The fault suite's stuck report: `report.verified` met a terminated connection, went back to the
    queue, and the `report.scored` already prefetched behind it was handled first (and refused)."""
    first, later = _returned("first"), _returned("later")
    failed, handled = [], []

    def database_down_while_the_later_one_arrives(uow, event):
        if event.id == first.id and not failed:
            failed.append(event.id)
            publish_event(amqp_url, namespace, later)  # delivered while the first waits for the database
            time.sleep(0.2)
            raise sa.exc.OperationalError("SELECT 1", {}, ConnectionRefusedError("connection refused"))
        handled.append(event.data["report_id"])

    consumer = EventConsumer("submission", amqp_url, namespace,
                             [Subscription("in_order", ("report.returned",), database_down_while_the_later_one_arrives)],
                             runtime.uow_factory, max_attempts=2, backoff_s=0.25)
    try:
        with consuming(consumer):
            publish_event(amqp_url, namespace, first)
            eventually(lambda: len(handled) == 2)
    finally:
        with Connection(amqp_url) as conn:
            conn.channel().queue_delete(f"{namespace}.submission.in_order")
            conn.channel().queue_delete(f"{namespace}.submission.in_order.dlq")
    assert handled == ["first", "later"]


@pytest.mark.skipif(not rabbitmq_node.available(), reason="needs rabbitmq-server to start a broker of the test's own")
def test_the_relay_resumes_after_the_broker_restarts_and_loses_nothing(settings_for, own_rabbitmq):
    # The outage is on a broker node of the test's own: the machine's broker is never stopped.
    runtime = submission.runtime(settings_for("submission", broker_url=own_rabbitmq.url))
    runtime.migrate()
    partner = PartnerSubscriber(own_rabbitmq.url, runtime.settings.namespace)
    before = [_add_submitted(runtime, unit_code=f"U{i:03d}") for i in range(20)]
    stop = threading.Event()
    relay_thread = threading.Thread(target=runtime.relay().run, args=(stop,), daemon=True)
    relay_thread.start()
    try:
        partner.collect(lambda got: len(got) >= 20)
        own_rabbitmq.stop_app()
        # A worker starting during the outage declares its queues once the broker is back, instead of exiting.
        declaring = threading.Thread(target=runtime.consumer().declare, daemon=True)
        try:
            declaring.start()
            during = [_add_submitted(runtime, unit_code=f"V{i:03d}") for i in range(20)]
            time.sleep(1.0)  # the relay fails against the stopped broker and backs off
            assert declaring.is_alive()
        finally:
            own_rabbitmq.start_app()
        declaring.join(30)
        assert not declaring.is_alive()
        partner.reconnect()
        partner.collect(lambda got: len({e["subject"] for e in got}) >= 40, timeout_s=60)
    finally:
        stop.set()
        relay_thread.join(15)
        partner.close()
        runtime.engine.dispose()
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
    dlq = f"{namespace}.submission.on_report_returned.dlq"
    with consuming(consumer):
        publish_event(amqp_url, namespace, forged)
        dead = _dead_letters(amqp_url, dlq)
    [(headers, _body)] = dead
    assert "only /cqs/review publishes it" in headers["x-cqs-error"]
    with runtime.uow_factory() as uow:
        assert uow.reports.get(report.id).status == "submitted"


def _publish_bytes(amqp_url: str, namespace: str, routing_key: str, body: bytes, content_type: str,
                   **properties) -> None:
    with Connection(amqp_url) as conn:
        producer = Producer(conn.channel(), exchange=events_exchange(namespace))
        producer.publish(body, routing_key=routing_key, content_type=content_type, content_encoding="binary",
                         delivery_mode=2, declare=[producer.exchange], **properties)


def test_whatever_a_message_is_it_is_parked_and_the_queue_flows_on(runtime, amqp_url, namespace):
    report = _add_submitted(runtime)
    oversized = dataclasses.replace(_returned_event(report), id="x" * 300)
    nul_in_text = _returned_event(report)
    nul_in_text = dataclasses.replace(nul_in_text, id=str(uuid.uuid4()),
                                      data={**nul_in_text.data, "comment": "Thiếu\x00minh chứng"})
    huge_headers = {f"x-partner-{i:02d}": "h" * 2000 for i in range(50)}
    consumer = runtime.consumer()
    with consuming(consumer):
        _publish_bytes(amqp_url, namespace, "report.returned", oversized.to_json().encode(),
                       "application/cloudevents+json", headers=huge_headers, message_id="m" * 255)
        _publish_bytes(amqp_url, namespace, "report.returned", b'{"answers": {"x": 3,,}', "application/json")
        _publish_bytes(amqp_url, namespace, "report.returned", b"<event><id>1</id></event>", "application/xml")
        _publish_bytes(amqp_url, namespace, "report.returned", b"\xff\xfe not utf-8", "application/json")
        _publish_bytes(amqp_url, namespace, "report.returned", nul_in_text.to_json().encode(),
                       "application/cloudevents+json")
        publish_event(amqp_url, namespace, _returned_event(report))  # a real event behind them all
        eventually(lambda: _status(runtime, report) == "returned")
    dead = dlq_messages(amqp_url, f"{namespace}.submission.on_report_returned.dlq")
    assert len(dead) == 5
    errors = [headers["x-cqs-error"] for headers, _body in dead]
    assert "longer than 64" in errors[0] and "not JSON" in errors[1] and "'application/xml'" in errors[2]
    assert "not JSON" in errors[3] and "control" in errors[4]
    assert all(headers["x-cqs-attempts"] == 0 for headers, _body in dead)  # the event's fault: not retried
    oversized_headers, oversized_body = dead[0]
    assert oversized_body == oversized.to_json().encode()  # the body is kept as it came
    assert len(oversized_headers["x-cqs-event-id"]) <= 64 and oversized_headers["x-cqs-subject"] == report_subject(
        report)
    copied = oversized_headers["x-cqs-original-headers"]
    assert len(copied) == 32 and all(len(value) <= 255 for value in copied.values())
    with runtime.engine.connect() as conn:
        recorded = conn.execute(sa.select(orm.dead_letters)).all()
    assert len(recorded) == 5 and {row.consumer for row in recorded} == {f"{namespace}.submission.on_report_returned"}


def test_an_event_whose_data_is_not_its_type_is_parked_at_once_and_the_queue_flows_on(runtime, amqp_url, namespace):
    report = _add_submitted(runtime)
    real = _returned_event(report)
    without_comment = dataclasses.replace(real, id=str(uuid.uuid4()),
                                          data={name: value for name, value in real.data.items() if name != "comment"})
    numbered_comment = dataclasses.replace(real, id=str(uuid.uuid4()), data={**real.data, "comment": 7})
    consumer = runtime.consumer()
    with consuming(consumer):
        for event in (without_comment, numbered_comment, real):  # the real one behind them
            publish_event(amqp_url, namespace, event)
        eventually(lambda: _status(runtime, report) == "returned")
    dead = dlq_messages(amqp_url, f"{namespace}.submission.on_report_returned.dlq")
    assert [headers["x-cqs-event-id"] for headers, _body in dead] == [without_comment.id, numbered_comment.id]
    errors = [headers["x-cqs-error"] for headers, _body in dead]
    assert "field 'comment' is missing" in errors[0] and "field 'comment' is not of type str" in errors[1]
    assert all(headers["x-cqs-attempts"] == 0 for headers, _body in dead)  # the event's fault: not retried


def report_subject(report: Report) -> str:
    return f"reports/{report.id}"


def test_an_event_published_before_its_consumer_queue_existed_arrives_once_the_consumer_starts(settings_for):
    from services.review import bootstrap as review

    submission_runtime = submission.runtime(settings_for("submission", relay_unroutable_retry_s=0.2))
    submission_runtime.migrate()
    review_runtime = review.runtime(settings_for("review"))
    review_runtime.migrate()
    report = _new_report()
    report.answers = {}
    with submission_runtime.uow_factory() as uow:
        uow.reports.add(report)
        report.submit(by="reporter", now=NOW, evidence={})
        uow.commit()
    relay = submission_runtime.relay()
    assert relay.relay_once() == 0  # no queue is bound to report.submitted yet: returned, not sent
    with submission_runtime.engine.connect() as conn:
        kept = conn.execute(sa.select(orm.outbox)).one()
    assert kept.published_at is None and kept.retry_at is not None

    stop = threading.Event()
    threads = review_runtime.start_background(stop)  # declares the review's queues first
    try:
        time.sleep(0.3)
        assert drain(relay) == 1

        def case_arrived():
            with review_runtime.uow_factory() as uow:
                return uow.cases.get(report.id) is not None
        eventually(case_arrived)
    finally:
        stop.set()
        for thread in threads:
            thread.join(10)
        submission_runtime.engine.dispose()
        review_runtime.engine.dispose()


def test_an_idle_relay_keeps_its_broker_connection(settings_for, partner, caplog):
    runtime = submission.runtime(settings_for("submission", broker_heartbeat_s=1))
    runtime.migrate()
    relay = runtime.relay()
    stop = threading.Event()
    thread = threading.Thread(target=relay.run, args=(stop,), daemon=True)
    first = _add_submitted(runtime)
    with caplog.at_level("INFO", logger="shared.messaging"):
        thread.start()
        try:
            partner.collect(lambda got: len(got) >= 1)
            time.sleep(5)  # idle for five heartbeat intervals: a silent client is dropped after two
            second = _add_submitted(runtime, unit_code="HT-SO-TP")
            partner.collect(lambda got: len(got) >= 2)
        finally:
            stop.set()
            thread.join(10)
            runtime.engine.dispose()
    assert [event["subject"] for event in partner.received] == [report_subject(first), report_subject(second)]
    lost = [record.getMessage() for record in caplog.records if record.name.startswith("shared.messaging")]
    assert lost == []  # the connection was never lost, so nothing had to be retried


def test_an_event_its_consumers_could_not_store_is_refused_and_nothing_is_written(runtime):
    report = _new_report()
    report.answers = {"annual_plan_note": "kế hoạch\x00năm"}
    with pytest.raises(UnstorableEvent) as refused:
        with runtime.uow_factory() as uow:
            uow.reports.add(report)
            report.submit(by="reporter", now=NOW, evidence={})
            uow.commit()
    assert refused.value.field == "data.answers.annual_plan_note"
    with runtime.uow_factory() as uow:
        assert uow.reports.get(report.id) is None
    assert _outbox_count(runtime) == 0


def test_deliveries_are_handled_in_batches_keeping_each_reports_order(runtime, amqp_url, namespace):
    transactions: list[int] = []
    with runtime.engine.begin() as conn:  # what the handler did, as committed, in the order it did it
        conn.exec_driver_sql("CREATE TABLE handled (id serial PRIMARY KEY, subject text, seq int)")

    def record(uow, event):
        if event.data["comment"] == "poison":
            raise ValueError("this one cannot be processed")
        uow.session.execute(sa.text("INSERT INTO handled (subject, seq) VALUES (:subject, :seq)"),
                            {"subject": event.subject, "seq": int(event.data["comment"])})

    def handled() -> list[tuple[str, int]]:
        with runtime.engine.connect() as conn:
            return [tuple(row) for row in conn.exec_driver_sql("SELECT subject, seq FROM handled ORDER BY id")]

    def counting_uow():
        transactions.append(1)
        return runtime.uow_factory()

    consumer = EventConsumer("submission", amqp_url, namespace, [Subscription("batched", ("report.returned",), record)],
                             counting_uow, max_attempts=2, backoff_s=0.01, batch_size=50)
    consumer.declare()
    reports = [f"r{n}" for n in range(5)]
    events = [_returned(reports[seq % 5], comment=str(seq)) for seq in range(100)]
    poison = _returned("r-poison", comment="poison")
    with Connection(amqp_url) as conn:  # all queued before the consumer starts: they come in batches
        producer = Producer(conn.channel(), exchange=events_exchange(namespace))
        for event in [*events[:30], events[10], poison, *events[30:]]:
            producer.publish(event.to_json(), routing_key=event.routing_key,
                             content_type="application/cloudevents+json", delivery_mode=2)
    dlq = f"{namespace}.submission.batched.dlq"
    try:
        with consuming(consumer):
            eventually(lambda: len(handled()) >= 100)
            dead = _dead_letters(amqp_url, dlq)
    finally:
        with Connection(amqp_url) as conn:
            conn.channel().queue_delete(f"{namespace}.submission.batched")
            conn.channel().queue_delete(dlq)
    assert sorted(handled()) == sorted((f"reports/{reports[seq % 5]}", seq) for seq in range(100))  # duplicate once
    for report in reports:
        sequence = [seq for subject, seq in handled() if subject == f"reports/{report}"]
        assert sequence == sorted(sequence)  # each report's events in the order they were published
    [(headers, _body)] = dead
    assert "cannot be processed" in headers["x-cqs-error"]
    # 100 events in a handful of transactions: the batch with the poison one is retried one at a time.
    assert len(transactions) < 60
    with runtime.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(orm.processed_events)).scalar_one() == 100


def test_a_batch_takes_in_the_deliveries_already_waiting_after_its_linger(runtime, amqp_url, namespace):
    """With no linger at all, a batch still gathers what the broker has already sent (a full batch
    while the queue is long), rather than being cut at each delivery."""
    transactions: list[int] = []

    def counting_uow():
        transactions.append(1)
        return runtime.uow_factory()

    consumer = EventConsumer("submission", amqp_url, namespace,
                             [Subscription("lingering", ("report.returned",), lambda uow, event: None)],
                             counting_uow, batch_size=100, linger_s=0)
    consumer.declare()
    with Connection(amqp_url) as conn:  # all queued before the consumer starts
        producer = Producer(conn.channel(), exchange=events_exchange(namespace))
        for seq in range(300):
            event = _returned(f"r{seq}", comment=str(seq))
            producer.publish(event.to_json(), routing_key=event.routing_key,
                             content_type="application/cloudevents+json", delivery_mode=2)
    def processed() -> int:
        with runtime.engine.connect() as conn:
            return conn.execute(sa.select(sa.func.count()).select_from(orm.processed_events)).scalar_one()

    try:
        with consuming(consumer):
            eventually(lambda: processed() >= 300)
    finally:
        with Connection(amqp_url) as conn:
            conn.channel().queue_delete(f"{namespace}.submission.lingering")
            conn.channel().queue_delete(f"{namespace}.submission.lingering.dlq")
    assert len(transactions) <= 30  # cut at each delivery, it would be about 300


def test_the_relay_wakes_when_an_event_is_committed_not_at_its_next_poll(settings_for, partner):
    runtime = submission.runtime(settings_for("submission", relay_interval_s=60))
    runtime.migrate()
    stop = threading.Event()
    thread = threading.Thread(target=runtime.relay().run, args=(stop,), daemon=True)
    thread.start()
    try:
        time.sleep(1.0)  # the relay has found the outbox empty and waits: its next poll is a minute away
        report = _add_submitted(runtime)
        started = time.monotonic()
        partner.collect(lambda got: len(got) >= 1, timeout_s=30)
        waited = time.monotonic() - started
    finally:
        stop.set()
        runtime.engine.dispose()
    assert [event["subject"] for event in partner.received] == [report_subject(report)]
    assert waited < 30  # woken by the commit's notification, long before the poll
