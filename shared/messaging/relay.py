"""The outbox relay: moves committed events from a service's outbox table to the broker.

A row is marked published only after the broker confirmed it, so a crash or a broker
outage delays events but never loses one (a retry may publish a row twice; consumers
deduplicate on the CloudEvents source + id). Rows leave in id order, which keeps the
events of one report in the order they happened.
"""
from __future__ import annotations

import datetime as dt
import logging
import threading

import sqlalchemy as sa
from sqlalchemy.engine import Engine

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
    ):
        self._engine = engine
        self._outbox = outbox
        self._publisher = publisher
        self._batch_size = batch_size
        self._interval_s = interval_s
        self._max_backoff_s = max_backoff_s
        self._locking = engine.dialect.name == "postgresql"

    def relay_once(self) -> int:
        """Publish one batch of pending rows; return how many were published."""
        query = (
            sa.select(self._outbox.c.id, self._outbox.c.event_id, self._outbox.c.routing_key, self._outbox.c.body)
            .where(self._outbox.c.published_at.is_(None))
            .order_by(self._outbox.c.id)
            .limit(self._batch_size)
        )
        if self._locking:
            # A second relay skips rows the first is sending instead of sending them again.
            query = query.with_for_update(skip_locked=True)
        with self._engine.begin() as conn:
            rows = conn.execute(query).all()
            if not rows:
                return 0
            self._publisher.publish_batch(
                [OutgoingMessage(row.routing_key, row.body, row.event_id) for row in rows]
            )
            conn.execute(
                self._outbox.update()
                .where(self._outbox.c.id.in_([row.id for row in rows]))
                .values(published_at=dt.datetime.now(dt.timezone.utc))
            )
        return len(rows)

    def run(self, stop: threading.Event) -> None:
        backoff = self._interval_s
        while not stop.is_set():
            try:
                sent = self.relay_once()
                backoff = self._interval_s
                if sent == self._batch_size:
                    continue  # more waiting: no pause
            except Exception:
                log.warning("outbox relay: broker or database unavailable; retrying in %.1fs", backoff, exc_info=True)
                backoff = min(backoff * 2, self._max_backoff_s)
                stop.wait(backoff)
                continue
            stop.wait(self._interval_s)
        self._publisher.close()
