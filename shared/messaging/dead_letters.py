"""Dead letters: the events a handler could not process, parked in its `.dlq` queue.

Each parked message carries its dead-letter id (the AMQP message_id) and, in bounded
headers, the error and what could be read of the event. The consuming service records
the same in its `dead_letters` table, so an admin sees a stuck report through the API
(`GET /admin/dead-letters`) while the message itself waits in the broker. Operators
list, show, replay (after a fix; the handler is idempotent) or discard them with
`cqs dlq`; both leave the record resolved, with who-knows-why in its reason.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import Any, Iterator

import sqlalchemy as sa
from kombu import Connection, Exchange, Queue
from sqlalchemy.engine import Engine

from shared.cloudevents import MAX_ATTRIBUTE_LENGTHS, UNSTORABLE_CHARACTER
from shared.messaging.publisher import ConfirmingPublisher, OutgoingMessage

# Header names on a parked message.
ERROR = "x-cqs-error"
ATTEMPTS = "x-cqs-attempts"
CONSUMER = "x-cqs-consumer"
ORIGINAL_ROUTING_KEY = "x-cqs-original-routing-key"
ORIGINAL_HEADERS = "x-cqs-original-headers"
EVENT_ID = "x-cqs-event-id"
EVENT_TYPE = "x-cqs-event-type"
SUBJECT = "x-cqs-subject"
DEAD_LETTERED_AT = "x-cqs-dead-lettered-at"
REPLAYED_FROM = "x-cqs-replayed-from"

MAX_ERROR_CHARS = 1000
MAX_COPIED_HEADERS = 32
MAX_HEADER_CHARS = 255


def bounded(value: Any, limit: int) -> str:
    """Text safe to keep anywhere (a header, a column): control characters replaced, at most `limit` chars."""
    text = UNSTORABLE_CHARACTER.sub("\N{REPLACEMENT CHARACTER}", value if isinstance(value, str) else repr(value))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def sanitised_headers(headers: dict | None) -> dict[str, str]:
    """A bounded copy of a message's headers: at most 32, names and values cut to 255 characters."""
    copied = {}
    for key, value in list((headers or {}).items())[:MAX_COPIED_HEADERS]:
        copied[bounded(key, MAX_HEADER_CHARS)] = bounded(value, MAX_HEADER_CHARS)
    return copied


def describe(body: bytes) -> dict[str, str]:
    """The event's id, type and subject as far as the body can be read (it may be what was wrong)."""
    try:
        raw = json.loads(body)
    except (ValueError, RecursionError):
        return {}
    if not isinstance(raw, dict):
        return {}
    return {name: bounded(raw[name], MAX_ATTRIBUTE_LENGTHS[name]) for name in ("id", "type", "subject")
            if isinstance(raw.get(name), str)}


@dataclasses.dataclass(frozen=True)
class DeadLetter:
    id: str
    consumer: str
    error: str
    attempts: int
    dead_lettered_at: dt.datetime
    event_id: str | None = None
    event_type: str | None = None
    subject: str | None = None

    def headers(self) -> dict[str, Any]:
        described = {EVENT_ID: self.event_id, EVENT_TYPE: self.event_type, SUBJECT: self.subject}
        return {
            ERROR: self.error,
            ATTEMPTS: self.attempts,
            CONSUMER: self.consumer,
            DEAD_LETTERED_AT: self.dead_lettered_at.isoformat(),
            **{name: value for name, value in described.items() if value is not None},
        }


class DeadLetterLog:
    """The service's record of its dead letters (its `dead_letters` table)."""

    def __init__(self, engine: Engine, table: sa.Table):
        self._engine = engine
        self._table = table

    def record(self, letter: DeadLetter) -> None:
        with self._engine.begin() as conn:
            conn.execute(self._table.insert().values(**dataclasses.asdict(letter)))

    def forget(self, letter_id: str) -> None:
        """Undo `record` when the message could not be parked after all (it is held and tried again)."""
        with self._engine.begin() as conn:
            conn.execute(self._table.delete().where(self._table.c.id == letter_id))

    def resolve(self, letter_id: str, resolution: str, reason: str | None, now: dt.datetime) -> None:
        with self._engine.begin() as conn:
            conn.execute(self._table.update().where(self._table.c.id == letter_id).values(
                resolution=resolution, resolution_reason=reason, resolved_at=now))

    def unresolved(self, subject: str | None = None, limit: int = 500) -> list[dict[str, Any]]:
        query = sa.select(self._table).where(self._table.c.resolved_at.is_(None))
        if subject is not None:
            query = query.where(self._table.c.subject == subject)
        query = query.order_by(self._table.c.dead_lettered_at, self._table.c.id).limit(limit)
        with self._engine.connect() as conn:
            return [dict(row._mapping) for row in conn.execute(query)]


@dataclasses.dataclass(frozen=True)
class ParkedMessage:
    id: str
    queue: str
    headers: dict[str, Any]
    body: bytes
    content_type: str

    @property
    def work_queue(self) -> str:
        return self.queue.removesuffix(".dlq")


class UnknownDeadLetter(LookupError):
    pass


class DeadLetterQueues:
    """The parked messages of a service's handlers, for operators."""

    def __init__(self, broker_url: str, dead_letter_queues: list[str], log: DeadLetterLog):
        self._url = broker_url
        self._queues = dead_letter_queues
        self._log = log

    def parked(self) -> list[ParkedMessage]:
        """Every parked message; none is taken (they go back to their queue as the connection closes)."""
        with Connection(self._url) as conn:
            return [parked for parked, _message in self._browse(conn)]

    def _browse(self, conn: Connection) -> Iterator[tuple[ParkedMessage, Any]]:
        channel = conn.channel()
        for name in self._queues:
            queue = Queue(name, channel=channel, no_declare=True)
            while (message := queue.get(no_ack=False)) is not None:
                yield ParkedMessage(
                    id=message.properties.get("message_id") or "",
                    queue=name,
                    headers=dict(message.headers or {}),
                    body=message.body,
                    content_type=message.content_type or "",
                ), message

    def show(self, letter_id: str) -> ParkedMessage:
        with Connection(self._url) as conn:
            for parked, _message in self._browse(conn):
                if parked.id == letter_id:
                    return parked
        raise UnknownDeadLetter(letter_id)

    def replay(self, letter_id: str, now: dt.datetime) -> ParkedMessage:
        """Put the message back on its handler's queue (only there), then take it off the dead-letter queue."""
        with Connection(self._url) as conn:
            parked, message = self._find(conn, letter_id)
            publisher = ConfirmingPublisher(self._url, Exchange(""))
            try:
                returned = publisher.publish_batch([OutgoingMessage(
                    routing_key=parked.work_queue, body=parked.body, message_id=parked.id,
                    headers={REPLAYED_FROM: parked.id, **sanitised_headers(_original_headers(parked))},
                    content_type=parked.content_type or "application/octet-stream")])
            finally:
                publisher.close()
            if returned:
                raise UnknownDeadLetter(f"the queue {parked.work_queue} does not exist: start its worker first")
            message.ack()
        self._log.resolve(letter_id, "replayed", None, now)
        return parked

    def discard(self, letter_id: str, reason: str, now: dt.datetime) -> ParkedMessage:
        with Connection(self._url) as conn:
            parked, message = self._find(conn, letter_id)
            message.ack()
        self._log.resolve(letter_id, "discarded", reason, now)
        return parked

    def _find(self, conn: Connection, letter_id: str):
        for parked, message in self._browse(conn):
            if parked.id == letter_id:
                return parked, message
        raise UnknownDeadLetter(letter_id)


def _original_headers(parked: ParkedMessage) -> dict:
    original = parked.headers.get(ORIGINAL_HEADERS)
    return original if isinstance(original, dict) else {}
