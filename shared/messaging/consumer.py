"""Idempotent consumers: each handler processes an event once, acks only after commit,
retries with backoff, and dead-letters what still fails.

The handler runs inside the service's unit of work together with a row in
`processed_events` keyed on (handler, CloudEvents source, id): a redelivered event finds
its row and is acked without running again, and a handler that raises leaves nothing
behind. After `max_attempts` failures the message is published to the dead-letter
exchange (kept in the handler's `.dlq` queue with the error) and only then acked. A database
out of reach is not the event's fault: the message goes back to its queue, unharmed.
"""
from __future__ import annotations

import dataclasses
import json
import logging
import threading
import time
import uuid
from typing import Callable, Protocol

from kombu import Connection, Consumer, Message
from kombu.mixins import ConsumerMixin
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError

from shared import authorization, cloudevents
from shared.cloudevents import CloudEvent
from shared.messaging.publisher import ConfirmingPublisher, OutgoingMessage
from shared.messaging.topology import dead_letter_exchange, handler_queues, queue_name

log = logging.getLogger(__name__)

# Errors that say the database is out of reach, not that the event cannot be processed.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)


class ConsumingUnitOfWork(Protocol):
    def __enter__(self): ...
    def __exit__(self, *args): ...
    def already_processed(self, consumer: str, source: str, event_id: str) -> bool: ...
    def mark_processed(self, consumer: str, source: str, event_id: str) -> None: ...
    def commit(self) -> None: ...


@dataclasses.dataclass(frozen=True)
class Subscription:
    """One handler of the service: the events it listens to and what it does with one."""

    handler_name: str
    routing_keys: tuple[str, ...]
    handle: Callable[[ConsumingUnitOfWork, CloudEvent], None]


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
            subscription.handle(uow, event)
            uow.mark_processed(consumer, event.source, event.id)
            uow.commit()
            return True
    except IntegrityError:
        # A concurrent delivery of the same event committed first.
        with uow_factory() as uow:
            if uow.already_processed(consumer, event.source, event.id):
                return False
        raise


class EventConsumer(ConsumerMixin):
    def __init__(
        self,
        service: str,
        broker_url: str,
        namespace: str,
        subscriptions: list[Subscription],
        uow_factory: Callable[[], ConsumingUnitOfWork],
        *,
        max_attempts: int = 4,
        backoff_s: float = 0.25,
    ):
        self.service = service
        # polling_interval only matters to the in-process transport, which polls its queues.
        self.connection = Connection(broker_url, heartbeat=30, transport_options={"polling_interval": 0.05})
        self._namespace = namespace
        self._subscriptions = subscriptions
        self._uow_factory = uow_factory
        self._max_attempts = max_attempts
        self._backoff_s = backoff_s
        self._dead_letters = ConfirmingPublisher(broker_url, dead_letter_exchange(namespace))

    def declare(self) -> None:
        """Declare every queue and binding (also done on each connect)."""
        with Connection(self.connection.as_uri(include_password=True)) as conn:
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

    def get_consumers(self, consumer_factory, channel) -> list[Consumer]:
        consumers = []
        for subscription in self._subscriptions:
            work, dead = self._queues(subscription)
            dead(channel).declare()
            consumers.append(
                consumer_factory(
                    queues=[work],
                    callbacks=[self._callback_for(subscription)],
                    prefetch_count=1,
                    accept=["application/cloudevents+json", "application/json", "text/plain"],
                )
            )
        return consumers

    def _callback_for(self, subscription: Subscription):
        consumer = self.queue_for(subscription)

        def on_message(body, message: Message) -> None:
            try:
                event = cloudevents.parse(body)
            except cloudevents.InvalidCloudEvent as exc:
                self._dead_letter(consumer, message, body, f"invalid CloudEvent: {exc}", attempts=0,
                                  event_id=message.properties.get("message_id") or str(uuid.uuid4()))
                return
            for attempt in range(1, self._max_attempts + 1):
                try:
                    process_once(self._uow_factory, consumer, subscription, event)
                    message.ack()
                    return
                except DATABASE_UNAVAILABLE as exc:
                    # Not the event's fault: keep it, and try again once the database answers.
                    log.warning("%s: database unavailable (%r); event %s goes back to the queue", consumer, exc,
                                event.id)
                    self._requeue_later(message)
                    return
                except Exception as exc:  # the handler's failure, whatever it is, must not kill the worker
                    log.warning("%s: attempt %d/%d failed for event %s: %r",
                                consumer, attempt, self._max_attempts, event.id, exc)
                    if attempt == self._max_attempts:
                        self._dead_letter(consumer, message, body, repr(exc), attempts=attempt, event_id=event.id)
                        return
                    time.sleep(self._backoff_s * 2 ** (attempt - 1))

        return on_message

    def _requeue_later(self, message: Message) -> None:
        time.sleep(self._backoff_s * 2 ** (self._max_attempts - 1))
        message.requeue()

    def _dead_letter(self, consumer: str, message: Message, body, error: str, *, attempts: int,
                     event_id: str) -> None:
        """Publish to the dead-letter queue, then ack; if the broker does not confirm it, the
        message goes back to its queue rather than being lost."""
        try:
            self._publish_dead_letter(consumer, message, body, error, attempts=attempts, event_id=event_id)
        except Exception:  # a failed dead-letter publish must neither lose the message nor stop the consumer
            log.exception("%s: could not dead-letter event %s; it goes back to the queue", consumer, event_id)
            self._requeue_later(message)
            return
        message.ack()
        log.error("%s: dead-lettered event %s after %d attempt(s): %s", consumer, event_id, attempts, error)

    def _publish_dead_letter(self, consumer: str, message: Message, body, error: str, *, attempts: int,
                             event_id: str) -> None:
        self._dead_letters.publish_batch(
            [
                OutgoingMessage(
                    routing_key=consumer,
                    body=_as_text(body),
                    message_id=event_id,
                    headers={
                        "x-cqs-error": error[:1000],
                        "x-cqs-attempts": attempts,
                        "x-cqs-original-routing-key": message.delivery_info.get("routing_key", ""),
                    },
                )
            ]
        )

    def run_until(self, stop: threading.Event) -> None:
        watcher = threading.Thread(target=lambda: (stop.wait(), setattr(self, "should_stop", True)), daemon=True)
        watcher.start()
        self.run()
        self._dead_letters.close()


def _as_text(body) -> str:
    """The message body as it came (kombu may already have decoded a JSON body)."""
    if isinstance(body, bytes):
        return body.decode("utf-8", "replace")
    if isinstance(body, str):
        return body
    return json.dumps(body, ensure_ascii=False)
