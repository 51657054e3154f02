"""The outbox relay: moves committed events from a service's outbox table to the broker.

A row is marked published only after the broker confirmed it, so a crash or a broker
outage delays events but never loses one (a retry may publish a row twice; consumers
deduplicate on the CloudEvents source + id). Rows leave in id order, which keeps the
events of one report in the order they happened; on PostgreSQL one relay at a time sends from
an outbox (a transaction-level advisory lock), because two relays each taking the rows the
other had not locked could send a report's later event before its earlier one. An event that no queue is bound to yet
(a first deploy, a new broker, a consuming service not started) comes back from the
broker and stays in the outbox, offered again after `unroutable_retry_s` until a queue
takes it. Between batches the relay keeps its broker connection alive (heartbeats) and,
on PostgreSQL, waits for the outbox's notification (`outbox_signal`) rather than sleeping
out its poll interval, which stays as the fallback.

A pass is what a busy relay pays for every commit it wakes up to, so it is kept short: the running
relay keeps one database connection (no pool checkout and ping per pass), takes the lock and the
batch in one statement, publishes the batch and waits once for the broker's confirms, and marks
what was confirmed in one statement.
"""
from __future__ import annotations

import datetime as dt
import logging
import threading

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from shared.clock import utc_now
from shared.messaging.outbox_signal import OutboxListener
from shared.messaging.publisher import ConfirmingPublisher, OutgoingMessage

log = logging.getLogger(__name__)


class OutboxRelay:
    def __init__(
        self,
        engine: Engine,
        outbox: sa.Table,
        publisher: ConfirmingPublisher,
        *,
        batch_size: int = 500,
        interval_s: float = 0.2,
        max_backoff_s: float = 5.0,
        unroutable_retry_s: float = 10.0,
        listener: OutboxListener | None = None,
    ):
        self._engine = engine
        self._outbox = outbox
        self._publisher = publisher
        self._batch_size = batch_size
        self._interval_s = interval_s
        self._max_backoff_s = max_backoff_s
        self._unroutable_retry = dt.timedelta(seconds=unroutable_retry_s)
        self._pending = self._pending_query()
        # Built once: a pass only binds the ids (an expanding IN, one statement for the whole batch).
        of_batch = outbox.c.id.in_(sa.bindparam("ids", expanding=True))
        self._mark_sent = outbox.update().where(of_batch).values(published_at=sa.bindparam("at"))
        self._mark_returned = outbox.update().where(of_batch).values(retry_at=sa.bindparam("at"))
        self._listener = listener
        self._connection: Connection | None = None

    def relay_once(self) -> int:
        """Publish one batch of pending rows; return how many the broker took (routed and confirmed)."""
        if self._connection is not None:
            return self._pass(self._connection)
        with self._engine.connect() as connection:  # a pass on its own (tests, benchmarks)
            return self._pass(connection)

    def _pass(self, connection: Connection) -> int:
        now = utc_now()
        with connection.begin():
            rows = connection.execute(self._pending, {"now": now}).all()
            if not rows:
                return 0  # nothing to send, or another relay is sending from this outbox (it keeps the order)
            returned = self._publisher.publish_batch(
                [OutgoingMessage(row.routing_key, row.body, row.event_id) for row in rows]
            )
            sent = [row.id for row in rows if row.event_id not in returned]
            if sent:
                connection.execute(self._mark_sent, {"ids": sent, "at": utc_now()})
            if returned:
                kept = [row for row in rows if row.event_id in returned]
                connection.execute(self._mark_returned, {"ids": [row.id for row in kept],
                                                         "at": now + self._unroutable_retry})
                log.warning("outbox relay: no queue is bound for %d event(s) (%s); they stay in the outbox and are "
                            "offered again in %s", len(kept), ", ".join(sorted({row.routing_key for row in kept})),
                            self._unroutable_retry)
        return len(sent)

    def _pending_query(self) -> sa.Select:
        """The next batch of rows to send, oldest first. On PostgreSQL the same statement takes the
        outbox's advisory lock (a CTE with a volatile function is evaluated once, never inlined) and
        finds no row when another relay holds it: one round trip for both."""
        outbox = self._outbox
        query = (
            sa.select(outbox.c.id, outbox.c.event_id, outbox.c.routing_key, outbox.c.body)
            .where(outbox.c.published_at.is_(None),
                   sa.or_(outbox.c.retry_at.is_(None), outbox.c.retry_at <= sa.bindparam("now")))
            .order_by(outbox.c.id)
            .limit(self._batch_size)
        )
        if self._engine.dialect.name != "postgresql":
            return query  # SQLite: one process, one relay
        # The lock is the outbox's: its schema named, or the service's (first on the search path), as
        # the services sharing a database each have an `outbox` and must not wait for each other.
        schema = sa.literal(outbox.schema, sa.Text) if outbox.schema else sa.func.current_schema(type_=sa.Text)
        lock_name = sa.literal("cqs-outbox-relay:", sa.Text) + schema + sa.literal(f".{outbox.name}", sa.Text)
        lock = sa.select(sa.func.pg_try_advisory_xact_lock(sa.func.hashtext(lock_name)).label("held")) \
            .cte("relay_lock")
        return query.where(sa.select(lock.c.held).scalar_subquery())

    def run(self, stop: threading.Event) -> None:
        backoff = self._interval_s
        while not stop.is_set():
            try:
                if self._connection is None:  # kept between passes: no pool checkout and ping for each
                    self._connection = self._engine.connect()
                sent = self._pass(self._connection)
                backoff = self._interval_s
                if sent == self._batch_size:
                    continue  # more waiting: no pause
                self._publisher.keep_alive()
            except Exception:
                log.warning("outbox relay: broker or database unavailable; retrying in %.1fs", backoff, exc_info=True)
                self._disconnect()
                backoff = min(backoff * 2, self._max_backoff_s)
                stop.wait(backoff)
                continue
            self._wait(stop)
        self._disconnect()
        self._publisher.close()
        if self._listener is not None:
            self._listener.close()

    def _disconnect(self) -> None:
        if self._connection is not None:
            try:
                self._connection.close()
            except Exception:  # already broken: the pool discards it
                pass
        self._connection = None

    def _wait(self, stop: threading.Event) -> None:
        """Until the next poll, or earlier when an event is committed (PostgreSQL)."""
        if self._listener is None:
            stop.wait(self._interval_s)
        else:
            self._listener.wait(self._interval_s)
