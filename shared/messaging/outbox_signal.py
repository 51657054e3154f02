"""Wake the relay as soon as an event is committed: PostgreSQL LISTEN/NOTIFY.

The unit of work sends `NOTIFY cqs_outbox_<service>` in the transaction that writes the
outbox; PostgreSQL delivers it at commit (never for a rollback). The relay listens on a
connection of its own and waits for a notification instead of sleeping out its poll
interval, so a hop costs milliseconds. The poll stays as the fallback: on SQLite, while the
listening connection is down, and for rows written without a notification.
"""
from __future__ import annotations

import logging
import time

import psycopg
from sqlalchemy.engine import Engine

log = logging.getLogger(__name__)


def channel_for(service: str) -> str:
    return f"cqs_outbox_{service}"


class OutboxListener:
    """Waits for the outbox's notifications; `wait` returns early when one arrives."""

    def __init__(self, engine: Engine, service: str):
        self._conninfo = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        self._channel = channel_for(service)
        self._connection: psycopg.Connection | None = None

    def wait(self, timeout_s: float) -> bool:
        """Block up to `timeout_s`; True if an event was committed meanwhile (or before, unseen)."""
        try:
            if self._connection is None:
                self._connection = psycopg.connect(self._conninfo, autocommit=True, connect_timeout=5)
                self._connection.execute(f'LISTEN "{self._channel}"')
                return True  # rows may have been committed while nobody listened
            notified = any(True for _ in self._connection.notifies(timeout=timeout_s, stop_after=1))
            if notified:  # one relay pass takes what all the notifications so far announced
                for _ in self._connection.notifies(timeout=0.0):
                    pass
            return notified
        except psycopg.Error as exc:  # the poll carries on until the database answers again
            log.info("outbox listener on %s unavailable (%r); polling", self._channel, exc)
            self.close()
            time.sleep(timeout_s)
            return False

    def close(self) -> None:
        if self._connection is not None:
            try:
                self._connection.close()
            except psycopg.Error:  # already broken
                pass
        self._connection = None
