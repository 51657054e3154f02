"""The outbox relay on SQLite with a publisher standing in for the broker: a batch goes out in one
call (one wait for the broker's confirms), and only what the broker confirmed is marked sent."""
from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from shared.messaging.publisher import PublishNotConfirmed
from shared.messaging.relay import OutboxRelay
from shared.messaging.tables import add_messaging_tables


class Broker:
    """Confirms every message, except those it returns (no queue bound) or, when `refuse`, the batch."""

    def __init__(self, returned: set[str] = frozenset(), refuse: int = 0):
        self.batches: list[list[str]] = []
        self.returned = set(returned)
        self.refuse = refuse

    def publish_batch(self, messages) -> set[str]:
        self.batches.append([message.message_id for message in messages])
        if self.refuse:
            self.refuse -= 1
            raise PublishNotConfirmed("the broker refused (nacked) part of the batch")
        return {message.message_id for message in messages} & self.returned

    def keep_alive(self) -> None:
        pass

    def close(self) -> None:
        pass


@pytest.fixture
def outbox(tmp_path):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'outbox.db'}")
    table, _, _ = add_messaging_tables(metadata := sa.MetaData())
    metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(table.insert(), [{"event_id": f"e{index}", "routing_key": "report.scored", "body": "{}"}
                                      for index in range(5)])
    yield engine, table
    engine.dispose()


def sent(engine, table) -> list[str]:
    with engine.connect() as conn:
        return list(conn.execute(sa.select(table.c.event_id).where(table.c.published_at.is_not(None))
                                 .order_by(table.c.id)).scalars())


def test_a_batch_goes_out_in_one_call_in_outbox_order_and_is_marked_sent(outbox):
    engine, table = outbox
    broker = Broker()
    relay = OutboxRelay(engine, table, broker, batch_size=3)
    assert relay.relay_once() == 3
    assert relay.relay_once() == 2
    assert relay.relay_once() == 0
    assert broker.batches == [["e0", "e1", "e2"], ["e3", "e4"]]
    assert sent(engine, table) == ["e0", "e1", "e2", "e3", "e4"]


def test_only_what_the_broker_confirmed_is_marked_sent(outbox):
    engine, table = outbox
    relay = OutboxRelay(engine, table, Broker(returned={"e1", "e3"}))
    assert relay.relay_once() == 3
    assert sent(engine, table) == ["e0", "e2", "e4"]
    with engine.connect() as conn:
        waiting = conn.execute(sa.select(table.c.event_id).where(table.c.retry_at.is_not(None))).scalars()
        assert sorted(waiting) == ["e1", "e3"]


def test_a_batch_the_broker_did_not_confirm_stays_in_the_outbox(outbox):
    engine, table = outbox
    relay = OutboxRelay(engine, table, Broker(refuse=1))
    with pytest.raises(PublishNotConfirmed):
        relay.relay_once()
    assert sent(engine, table) == []
    assert relay.relay_once() == 5


def test_a_running_relay_keeps_its_database_connection_and_takes_a_new_one_after_a_failure(outbox):
    engine, table = outbox
    broker = Broker(refuse=1)
    relay = OutboxRelay(engine, table, broker, batch_size=1, interval_s=0.01, max_backoff_s=0.01)
    stop = threading.Event()
    thread = threading.Thread(target=relay.run, args=(stop,), daemon=True)
    checkouts = []
    sa.event.listen(engine, "checkout", lambda *_: checkouts.append(threading.current_thread() is thread))
    thread.start()
    try:
        for _ in range(500):
            if len(sent(engine, table)) == 5:
                break
            stop.wait(0.01)
    finally:
        stop.set()
        thread.join(10)
    assert sent(engine, table) == ["e0", "e1", "e2", "e3", "e4"]
    assert len(broker.batches) == 6  # the refused batch, then one per event
    assert checkouts.count(True) == 2  # its first connection, and a new one after the refusal
