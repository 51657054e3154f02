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
"""
from __future__ import annotations

import datetime as dt
import logging
import threading

import sqlalchemy as sa
from sqlalchemy.engine import Engine

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
        self._locking = engine.dialect.name == "postgresql"
        self._lock_name = f"cqs-outbox-relay:{outbox.fullname}"
        self._listener = listener

    def relay_once(self) -> int:
        """Publish one batch of pending rows; return how many the broker took (routed and confirmed)."""
        now = utc_now()
        outbox = self._outbox
        query = (
            sa.select(outbox.c.id, outbox.c.event_id, outbox.c.routing_key, outbox.c.body)
            .where(outbox.c.published_at.is_(None), sa.or_(outbox.c.retry_at.is_(None), outbox.c.retry_at <= now))
            .order_by(outbox.c.id)
            .limit(self._batch_size)
        )
        with self._engine.begin() as conn:
            if self._locking and not conn.execute(sa.select(sa.func.pg_try_advisory_xact_lock(
                    sa.func.hashtext(self._lock_name)))).scalar_one():
                return 0  # another relay is sending from this outbox; it keeps the order
            rows = conn.execute(query).all()
            if not rows:
                return 0
            returned = self._publisher.publish_batch(
                [OutgoingMessage(row.routing_key, row.body, row.event_id) for row in rows]
            )
            sent = [row.id for row in rows if row.event_id not in returned]
            if sent:
                conn.execute(outbox.update().where(outbox.c.id.in_(sent)).values(published_at=utc_now()))
            if returned:
                kept = [row for row in rows if row.event_id in returned]
                conn.execute(outbox.update().where(outbox.c.id.in_([row.id for row in kept]))
                             .values(retry_at=now + self._unroutable_retry))
                log.warning("outbox relay: no queue is bound for %d event(s) (%s); they stay in the outbox and are "
                            "offered again in %s", len(kept), ", ".join(sorted({row.routing_key for row in kept})),
                            self._unroutable_retry)
        return len(sent)

    def run(self, stop: threading.Event) -> None:
        backoff = self._interval_s
        while not stop.is_set():
            try:
                sent = self.relay_once()
                backoff = self._interval_s
                if sent == self._batch_size:
                    continue  # more waiting: no pause
                self._publisher.keep_alive()
            except Exception:
                log.warning("outbox relay: broker or database unavailable; retrying in %.1fs", backoff, exc_info=True)
                backoff = min(backoff * 2, self._max_backoff_s)
                stop.wait(backoff)
                continue
            self._wait(stop)
        self._publisher.close()
        if self._listener is not None:
            self._listener.close()

    def _wait(self, stop: threading.Event) -> None:
        """Until the next poll, or earlier when an event is committed (PostgreSQL)."""
        if self._listener is None:
            stop.wait(self._interval_s)
        else:
            self._listener.wait(self._interval_s)
