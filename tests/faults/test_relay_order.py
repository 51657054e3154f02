"""Two outbox relays on one outbox (two worker instances of a service) keep a report's events in
order, on the real PostgreSQL and RabbitMQ: while one relay is held in the middle of sending a
report's first event, the other must not send the report's next one ahead of it."""
from __future__ import annotations

import threading
import uuid

import pytest
import sqlalchemy as sa

from services.submission import bootstrap as submission
from services.submission.adapters import orm
from shared.messaging.relay import OutboxRelay
from tests.integration.test_messaging import _add_submitted, drain
from tests.support.partner import PartnerSubscriber

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
