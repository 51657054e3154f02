"""Publish a batch of CloudEvents and wait for the broker to confirm every one of them.

On RabbitMQ the channel is put in confirm mode once; a batch is published without
waiting and the confirms are collected together (one blocking confirm per message caps a
relay near 1,800 msg/s). The in-process `memory://` transport delivers synchronously and
has nothing to confirm.
"""
from __future__ import annotations

import dataclasses
import time

from kombu import Connection, Exchange, Producer


class PublishNotConfirmed(Exception):
    pass


@dataclasses.dataclass(frozen=True)
class OutgoingMessage:
    routing_key: str
    body: str
    message_id: str
    headers: dict | None = None


class ConfirmingPublisher:
    def __init__(self, broker_url: str, exchange: Exchange, *, confirm_timeout_s: float = 10.0):
        self._url = broker_url
        self._exchange = exchange
        self._timeout = confirm_timeout_s
        self._connection: Connection | None = None
        self._producer: Producer | None = None
        self._next_tag = 1
        self._acked_up_to = 0
        self._acked: set[int] = set()
        self._nacked: set[int] = set()

    @property
    def _confirms(self) -> bool:
        return self._url.startswith(("amqp", "pyamqp"))

    def _connect(self) -> Producer:
        if self._producer is not None:
            return self._producer
        self._connection = Connection(self._url, heartbeat=30)
        self._connection.ensure_connection(max_retries=1)
        channel = self._connection.channel()
        self._exchange(channel).declare()
        if self._confirms:
            channel.confirm_select()
            channel.events["basic_ack"].add(self._on_ack)
            channel.events["basic_nack"].add(self._on_nack)
        self._next_tag, self._acked_up_to = 1, 0
        self._acked.clear()
        self._nacked.clear()
        self._producer = Producer(channel, exchange=self._exchange)
        return self._producer

    def _on_ack(self, delivery_tag: int, multiple: bool) -> None:
        if multiple:
            self._acked_up_to = max(self._acked_up_to, delivery_tag)
        else:
            self._acked.add(delivery_tag)

    def _on_nack(self, delivery_tag: int, multiple: bool) -> None:
        self._nacked.add(delivery_tag)

    def _confirmed(self, tag: int) -> bool:
        return tag <= self._acked_up_to or tag in self._acked

    def publish_batch(self, messages: list[OutgoingMessage]) -> None:
        """Return once the broker holds every message; raise otherwise (nothing is marked sent)."""
        try:
            producer = self._connect()
            first_tag = self._next_tag
            for message in messages:
                producer.publish(
                    message.body,
                    routing_key=message.routing_key,
                    content_type="application/cloudevents+json",
                    content_encoding="utf-8",
                    delivery_mode=2,
                    message_id=message.message_id,
                    headers=message.headers or {},
                    retry=False,
                )
                self._next_tag += 1
            if self._confirms:
                self._wait_for_confirms(range(first_tag, self._next_tag))
        except Exception:
            self.close()
            raise

    def _wait_for_confirms(self, tags: range) -> None:
        deadline = time.monotonic() + self._timeout
        while not all(self._confirmed(tag) for tag in tags):
            if self._nacked.intersection(tags):
                raise PublishNotConfirmed("the broker refused (nacked) part of the batch")
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise PublishNotConfirmed(f"no confirm within {self._timeout}s")
            self._connection.drain_events(timeout=remaining)
        self._acked.difference_update(tags)

    def close(self) -> None:
        if self._connection is not None:
            try:
                self._connection.release()
            except Exception:  # already broken: nothing left to release
                pass
        self._connection = None
        self._producer = None
