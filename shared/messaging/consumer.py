"""Idempotent consumers: each handler processes an event once, acks only after commit,
retries with backoff, and dead-letters what still fails.

Deliveries are handled in batches (prefetch > 1): the events a handler received together run
in one transaction, in delivery order (so a report's events keep theirs), with one query for
those already processed, one for what the handler reads of them (its `load`) and one commit,
and are acked after it. If anything in a batch fails, its events are handled again one at a
time, as below, so a poison event costs only itself.

The handler runs inside the service's unit of work together with a row in
`processed_events` keyed on (handler, CloudEvents source, id): a redelivered event finds
its row and is acked without running again, and a handler that raises leaves nothing
behind. After `max_attempts` failures the message is parked in the handler's `.dlq` queue
(through the dead-letter exchange, with the error and a bounded, cleaned copy of its
headers), recorded in the service's `dead_letters` table, and only then acked. A message
that is not a CloudEvent the service could store (not JSON, another content type, an id
too long for the dedupe key, a NUL in a text, data that is not the event its type names...)
is parked at once: whatever a message is, the queue flows on.

A database out of reach is not the event's fault: the deliveries not yet handled stay
unacked and are held, in order, ahead of everything delivered after them, and handled again
once a pause has passed (or redelivered in order if the worker stops meanwhile). Sending
them back to the queue instead would let the deliveries already prefetched overtake them:
a `report.scored` handled before the `report.verified` that caused it.
"""
from __future__ import annotations

import dataclasses
import functools
import itertools
import logging
import socket
import threading
import time
import uuid
from typing import Any, Callable, Protocol

from kombu import Connection, Consumer, Message
from kombu.mixins import ConsumerMixin
from sqlalchemy.exc import InterfaceError, OperationalError

from shared import authorization, cloudevents
from shared.clock import utc_now
from shared.cloudevents import CloudEvent
from shared.domain.errors import DuplicateRecord
from shared.domain.events import Event
from shared.messaging import dead_letters
from shared.messaging.dead_letters import DeadLetter, DeadLetterLog
from shared.messaging.publisher import DEFAULT_HEARTBEAT_S, ConfirmingPublisher, OutgoingMessage
from shared.messaging.topology import dead_letter_exchange, handler_queues, queue_name

log = logging.getLogger(__name__)

# Errors that say the database is out of reach, not that the event cannot be processed.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
# What a CloudEvent may arrive as; anything else is parked unread.
JSON_CONTENT_TYPES = ("application/cloudevents+json", "application/json", "text/plain", "")
# Deliveries a consumer may hold unacked, in batches: one handled, one arriving.
PREFETCH_BATCHES = 2


class ConsumingUnitOfWork(Protocol):
    def __enter__(self): ...
    def __exit__(self, *args): ...
    def already_processed(self, consumer: str, source: str, event_id: str) -> bool: ...
    def mark_processed(self, consumer: str, source: str, event_id: str) -> None: ...
    def processed_among(self, consumer: str, keys: list[tuple[str, str]]) -> set[tuple[str, str]]: ...
    def mark_all_processed(self, consumer: str, keys: list[tuple[str, str]]) -> None: ...
    def commit(self) -> None: ...


@dataclasses.dataclass(frozen=True)
class Subscription:
    """One handler of the service: the events it listens to and what it does with one. `load`, if
    given, reads at once what the handler will need for a batch of events (e.g. every report they
    name, in one query) before `handle` runs for each of them: the rules stay per event, the
    database work is per batch."""

    handler_name: str
    routing_keys: tuple[str, ...]
    handle: Callable[[ConsumingUnitOfWork, CloudEvent], None]
    load: Callable[[ConsumingUnitOfWork, list[CloudEvent]], None] | None = None

    @classmethod
    def typed(cls, handler_name: str, handle: Callable[..., None], *event_classes: type[Event],
              load: Callable[[Any, list[Any]], None] | None = None) -> Subscription:
        """A handler of domain events: each CloudEvent is read into its event class before `handle`
        (and `load`) see it; one whose data is not its event is dead-lettered at once, like any
        unreadable message."""
        @functools.wraps(handle)  # its signature, so the bootstrap sees the dependencies `handle` asks for
        def handle_event(uow: ConsumingUnitOfWork, event: CloudEvent, **dependencies: Any) -> None:
            handle(uow, cloudevents.to_event(event), **dependencies)

        def load_events(uow: ConsumingUnitOfWork, events: list[CloudEvent]) -> None:
            load(uow, [cloudevents.to_event(event) for event in events])

        return cls(handler_name, tuple(event_class.routing_key for event_class in event_classes), handle_event,
                   load_events if load is not None else None)


def process_once(
    uow_factory: Callable[[], ConsumingUnitOfWork], consumer: str, subscription: Subscription, event: CloudEvent
) -> bool:
    """Run the handler for a new event in one transaction; False if it was already processed.
    An event from a source that does not own its type is refused before anything runs."""
    authorization.require_event_source(event.routing_key, event.source)
    try:
        with uow_factory() as uow:
            if uow.already_processed(consumer, event.source, event.id):
                return False
            if subscription.load is not None:
                subscription.load(uow, [event])
            subscription.handle(uow, event)
            uow.mark_processed(consumer, event.source, event.id)
            uow.commit()
            return True
    except DuplicateRecord:
        # A concurrent delivery of the same event committed first.
        with uow_factory() as uow:
            if uow.already_processed(consumer, event.source, event.id):
                return False
        raise


def process_batch(
    uow_factory: Callable[[], ConsumingUnitOfWork], consumer: str, subscription: Subscription,
    events: list[CloudEvent],
) -> int:
    """Run the handler for each new event of the batch, in order, in one transaction: one query finds
    those already processed, the handler's `load` reads what they need, one insert records them,
    one commit. Raise if any fails (then nothing is kept). Returns how many were new."""
    for event in events:
        authorization.require_event_source(event.routing_key, event.source)
    with uow_factory() as uow:
        seen = uow.processed_among(consumer, [(event.source, event.id) for event in events])
        new = []
        for event in events:
            key = (event.source, event.id)
            if key not in seen:  # else processed before, or a duplicate earlier in this batch
                seen.add(key)
                new.append(event)
        if new and subscription.load is not None:
            subscription.load(uow, new)
        for event in new:
            subscription.handle(uow, event)
        if new:
            uow.mark_all_processed(consumer, [(event.source, event.id) for event in new])
        uow.commit()
        return len(new)


def decode(message: Message) -> CloudEvent:
    """The CloudEvent a message carries; InvalidCloudEvent if it carries none a consumer could store."""
    content_type = (message.content_type or "").split(";")[0].strip().lower()
    if content_type not in JSON_CONTENT_TYPES:
        raise cloudevents.InvalidCloudEvent(f"content type {content_type!r} is not a CloudEvent in JSON")
    return cloudevents.parse(message.body)


class EventConsumer(ConsumerMixin):
    def __init__(
        self,
        service: str,
        broker_url: str,
        namespace: str,
        subscriptions: list[Subscription],
        uow_factory: Callable[[], ConsumingUnitOfWork],
        *,
        dead_letter_log: DeadLetterLog | None = None,
        max_attempts: int = 4,
        backoff_s: float = 0.25,
        heartbeat_s: float = DEFAULT_HEARTBEAT_S,
        batch_size: int = 100,
        linger_s: float = 0.02,
    ):
        self.service = service
        # polling_interval only matters to the in-process transport, which polls its queues.
        self.connection = Connection(broker_url, heartbeat=heartbeat_s, transport_options={"polling_interval": 0.05})
        self._namespace = namespace
        self._subscriptions = subscriptions
        self._uow_factory = uow_factory
        self._dead_letter_log = dead_letter_log
        self._max_attempts = max_attempts
        self._backoff_s = backoff_s
        self._batch_size = batch_size
        self._linger_s = linger_s
        self._pending: dict[str, tuple[Subscription, list[Message]]] = {}
        self._first_pending_at = 0.0
        self._held_until = 0.0  # while the database is out of reach, pending deliveries wait
        # Set while connected with every handler's consumer registered: the worker's readiness.
        self._consuming = threading.Event()
        self._dead_letters = ConfirmingPublisher(broker_url, dead_letter_exchange(namespace), heartbeat_s=heartbeat_s)

    def declare(self) -> None:
        """Declare every queue, binding and dead-letter queue of the service (also done on each connect),
        so that events published before the first delivery wait in their queues."""
        with Connection(self.connection.as_uri(include_password=True)) as conn:
            # A worker that starts while the broker is away waits for it rather than exiting.
            conn.ensure_connection(max_retries=None, interval_start=0.5, interval_step=1, interval_max=5,
                                   errback=lambda exc, interval: log.warning(
                                       "%s: broker unreachable (%r); declaring the queues again in %.1fs",
                                       self.service, exc, interval))
            channel = conn.channel()
            for subscription in self._subscriptions:
                for queue in self._queues(subscription):
                    queue(channel).declare()

    def _queues(self, subscription: Subscription):
        return handler_queues(
            self._namespace, self.queue_for(subscription), list(subscription.routing_keys)
        )

    def queue_for(self, subscription: Subscription) -> str:
        return queue_name(self._namespace, self.service, subscription.handler_name)

    def dead_letter_queues(self) -> list[str]:
        return [dead.name for _work, dead in map(self._queues, self._subscriptions)]

    def get_consumers(self, consumer_factory, channel) -> list[Consumer]:
        consumers = []
        for subscription in self._subscriptions:
            work, dead = self._queues(subscription)
            dead(channel).declare()
            # on_message takes the raw message: kombu's own decoding would ack and drop what it cannot decode.
            # Two batches' worth of prefetch: the broker sends the next batch while this one is handled,
            # instead of waiting for its acks (and a batch cut short by `linger_s` while it trickles in).
            consumers.append(consumer_factory(queues=[work], on_message=self._receiver_for(subscription),
                                              prefetch_count=PREFETCH_BATCHES * self._batch_size))
        return consumers

    def on_iteration(self) -> None:
        self._dead_letters.keep_alive()

    def on_consume_ready(self, connection, channel, consumers, **kwargs) -> None:
        self._consuming.set()

    def ping_broker(self) -> None:
        """Raises unless the consumer is connected to the broker and consuming from its queues."""
        if not self._consuming.is_set():
            raise ConnectionError(f"{self.service}: not consuming from the broker")

    def consume(self, limit=None, timeout=None, safety_interval=1, **kwargs):
        """ConsumerMixin's loop, gathering deliveries: a handler's batch is handled when it is full, or
        when its first delivery has waited `linger_s` and no other delivery is already waiting."""
        self._pending.clear()  # deliveries of a lost channel are redelivered on the new one
        with self.consumer_context(**kwargs) as (conn, _channel, _consumers):
            try:
                while not self.should_stop:
                    self.on_iteration()
                    try:
                        conn.drain_events(timeout=self._drain_timeout(safety_interval))
                    except socket.timeout:
                        conn.heartbeat_check()
                        self._handle_pending()
                    except OSError:
                        if not self.should_stop:
                            raise
                    else:
                        if self._batch_full():
                            self._handle_pending()
                    yield
            finally:  # the connection is lost or closing: not consuming until the next one is ready
                self._consuming.clear()

    def _receiver_for(self, subscription: Subscription):
        def on_message(message: Message) -> None:
            if not self._pending:
                self._first_pending_at = time.monotonic()
            self._pending.setdefault(subscription.handler_name, (subscription, []))[1].append(message)

        return on_message

    def _drain_timeout(self, idle_s: float) -> float:
        """How long to wait for the next delivery: once the first pending one has waited `linger_s` (and
        nothing is held), not at all, so that the batch takes in whatever has already arrived and is
        handled as soon as nothing more is there (the timeout), not cut short while deliveries wait."""
        if not self._pending:
            return idle_s
        now = time.monotonic()
        return max(self._first_pending_at + self._linger_s - now, self._held_until - now, 0)

    def _batch_full(self) -> bool:
        return time.monotonic() >= self._held_until and any(
            len(messages) >= self._batch_size for _subscription, messages in self._pending.values())

    def _handle_pending(self) -> None:
        if time.monotonic() < self._held_until:
            return
        batches, self._pending = list(self._pending.values()), {}
        for position, (subscription, messages) in enumerate(batches):
            held = self._handle_batch(subscription, messages)
            if held:  # the database is out of reach: the rest waits too, in the order it came
                self._hold([(subscription, held), *batches[position + 1:]])
                return

    def _hold(self, batches: list[tuple[Subscription, list[Message]]]) -> None:
        """Keep these deliveries unacked ahead of any delivered meanwhile, and handle them after a pause."""
        for subscription, messages in batches:
            _subscription, later = self._pending.get(subscription.handler_name, (subscription, []))
            self._pending[subscription.handler_name] = (subscription, messages + later)
        self._first_pending_at = time.monotonic()
        self._held_until = self._first_pending_at + self._backoff_s * 2 ** (self._max_attempts - 1)

    def _handle_batch(self, subscription: Subscription, messages: list[Message]) -> list[Message]:
        """One transaction for the whole batch (one dedupe query, one commit, acks after it); if
        anything in it fails, the batch is handled again one message at a time, in order, so that
        only the failing event is retried and dead-lettered. Returns the deliveries left unhandled
        because the database is out of reach (in order), to be held."""
        consumer = self.queue_for(subscription)
        decoded = []
        for message in messages:
            try:
                decoded.append((message, decode(message)))
            except cloudevents.InvalidCloudEvent as exc:
                if not self._dead_letter(consumer, message, f"invalid CloudEvent: {exc}", attempts=0):
                    return [unhandled for unhandled in messages if not unhandled.acknowledged]
        if len(decoded) > 1:
            try:
                process_batch(self._uow_factory, consumer, subscription, [event for _message, event in decoded])
            except DATABASE_UNAVAILABLE as exc:
                log.warning("%s: database unavailable (%r); %d event(s) wait for it, in order", consumer, exc,
                            len(decoded))
                return [message for message, _event in decoded]
            except Exception as exc:  # one event of the batch failed: find which, one at a time
                log.info("%s: a batch of %d failed (%r); handling them one at a time", consumer, len(decoded), exc)
            else:
                for message, _event in decoded:
                    message.ack()
                return []
        for position, (message, event) in enumerate(decoded):
            if not self._handle_one(consumer, subscription, message, event):
                return [message for message, _event in decoded[position:]]
        return []

    def _handle_one(self, consumer: str, subscription: Subscription, message: Message, event: CloudEvent) -> bool:
        """Handle one event (or dead-letter it); False if it must wait for the database."""
        for attempt in itertools.count(1):
            try:
                process_once(self._uow_factory, consumer, subscription, event)
                message.ack()
                return True
            except DATABASE_UNAVAILABLE as exc:
                # Not the event's fault: keep it, and try again once the database answers.
                log.warning("%s: database unavailable (%r); event %s waits for it", consumer, exc, event.id)
                return False
            except cloudevents.InvalidCloudEvent as exc:  # its data is not the event: trying again cannot help
                return self._dead_letter(consumer, message, f"invalid CloudEvent: {exc}", attempts=0)
            except Exception as exc:  # the handler's failure, whatever it is, must not kill the worker
                log.warning("%s: attempt %d/%d failed for event %s: %r",
                            consumer, attempt, self._max_attempts, event.id, exc)
                if attempt == self._max_attempts:
                    return self._dead_letter(consumer, message, repr(exc), attempts=attempt)
                time.sleep(self._backoff_s * 2 ** (attempt - 1))

    def _dead_letter(self, consumer: str, message: Message, error: str, *, attempts: int) -> bool:
        """Record, park in the dead-letter queue, then ack; if it cannot be parked, the message is
        held (False) rather than lost."""
        described = dead_letters.describe(message.body)
        letter = DeadLetter(id=str(uuid.uuid4()), consumer=consumer, error=dead_letters.bounded(error, 1000),
                            attempts=attempts, dead_lettered_at=utc_now(), event_id=described.get("id"),
                            event_type=described.get("type"), subject=described.get("subject"))
        try:
            if self._dead_letter_log is not None:
                self._dead_letter_log.record(letter)
            self._park(consumer, message, letter)
        except Exception:  # a failed dead-letter must neither lose the message nor stop the consumer
            log.exception("%s: could not dead-letter message %s; it is held and tried again", consumer, letter.id)
            self._forget(letter)
            return False
        message.ack()
        log.error("%s: dead-lettered %s (event %s) after %d attempt(s): %s", consumer, letter.id,
                  letter.event_id, attempts, letter.error)
        return True

    def _park(self, consumer: str, message: Message, letter: DeadLetter) -> None:
        headers = {
            **letter.headers(),
            dead_letters.ORIGINAL_ROUTING_KEY: dead_letters.bounded(
                message.delivery_info.get("routing_key", ""), dead_letters.MAX_HEADER_CHARS),
            dead_letters.ORIGINAL_HEADERS: dead_letters.sanitised_headers(message.headers),
        }
        # The body as it came: text if the transport decoded it, bytes otherwise.
        text = isinstance(message.body, str)
        returned = self._dead_letters.publish_batch([OutgoingMessage(
            routing_key=consumer, body=message.body.encode("utf-8") if text else message.body,
            message_id=letter.id, headers=headers,
            content_type=dead_letters.bounded(message.content_type or "application/octet-stream", 255),
            content_encoding="utf-8" if text else "binary")])
        if returned:
            raise RuntimeError(f"no dead-letter queue is bound for {consumer}")

    def _forget(self, letter: DeadLetter) -> None:
        if self._dead_letter_log is None:
            return
        try:
            self._dead_letter_log.forget(letter.id)
        except Exception:  # the record stays; the message is retried and parked under a new id
            log.exception("could not remove the record of dead letter %s", letter.id)

    def run_until(self, stop: threading.Event) -> None:
        watcher = threading.Thread(target=lambda: (stop.wait(), setattr(self, "should_stop", True)), daemon=True)
        watcher.start()
        self.run()
        self._dead_letters.close()
