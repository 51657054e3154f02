"""Publish a batch of messages and wait for the broker to confirm every one of them.

On RabbitMQ the channel is put in confirm mode once; a batch is published without
waiting and the confirms are collected together (one blocking confirm per message caps a
relay near 1,800 msg/s). Messages are published `mandatory`: one that no queue is bound to
comes back (basic.return, before its confirm) and is reported to the caller as returned,
not sent. The in-process `memory://` transport delivers synchronously and has nothing to
confirm or return.

An idle publisher keeps its connection: `keep_alive()` reads the broker's heartbeats and
sends its own (the connection asks for heartbeats, so one that stays silent is dropped).
"""
from __future__ import annotations

import dataclasses
import logging
import socket
import time

from kombu import Connection, Exchange, Producer

log = logging.getLogger(__name__)

DEFAULT_HEARTBEAT_S = 30


class PublishNotConfirmed(Exception):
    pass


@dataclasses.dataclass(frozen=True)
class OutgoingMessage:
    routing_key: str
    body: str | bytes
    message_id: str
    headers: dict | None = None
    content_type: str = "application/cloudevents+json"
    content_encoding: str = "utf-8"


class ConfirmingPublisher:
    def __init__(self, broker_url: str, exchange: Exchange, *, confirm_timeout_s: float = 10.0,
                 heartbeat_s: float = DEFAULT_HEARTBEAT_S):
        self._url = broker_url
        self._exchange = exchange
        self._timeout = confirm_timeout_s
        self._heartbeat_s = heartbeat_s
        self._connection: Connection | None = None
        self._producer: Producer | None = None
        self._next_tag = 1
        self._acked_up_to = 0
        self._acked: set[int] = set()
        self._nacked: set[int] = set()
        self._returned: set[str] = set()
        self._next_keep_alive = 0.0

    @property
    def _confirms(self) -> bool:
        return self._url.startswith(("amqp", "pyamqp"))

    def _connect(self) -> Producer:
        if self._producer is not None:
            return self._producer
        self._connection = Connection(self._url, heartbeat=self._heartbeat_s)
        self._connection.ensure_connection(max_retries=1)
        channel = self._connection.channel()
        self._exchange(channel).declare()
        if self._confirms:
            channel.confirm_select()
            channel.events["basic_ack"].add(self._on_ack)
            channel.events["basic_nack"].add(self._on_nack)
            channel.events["basic_return"].add(self._on_return)
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

    def _on_return(self, _error, _exchange, _routing_key, message) -> None:
        self._returned.add(message.properties.get("message_id"))

    def _confirmed(self, tag: int) -> bool:
        return tag <= self._acked_up_to or tag in self._acked

    def publish_batch(self, messages: list[OutgoingMessage]) -> set[str]:
        """Return once the broker holds or has returned every message: the ids of those it returned
        because no queue is bound to their routing key. Raise if it confirms not all (nothing is sent)."""
        try:
            producer = self._connect()
            self._returned.clear()
            first_tag = self._next_tag
            for message in messages:
                producer.publish(
                    message.body,
                    routing_key=message.routing_key,
                    content_type=message.content_type,
                    content_encoding=message.content_encoding,
                    delivery_mode=2,
                    message_id=message.message_id,
                    headers=message.headers or {},
                    mandatory=True,
                    retry=False,
                )
                self._next_tag += 1
            if self._confirms:
                self._wait_for_confirms(range(first_tag, self._next_tag))
            return set(self._returned)
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

    def keep_alive(self) -> None:
        """Between batches: read what the broker sent (its heartbeats) and send ours when due.
        A connection found dead is closed; the next batch opens a new one. Called between every two
        batches, it does so four times a heartbeat interval at most: a read that waits for nothing
        cost a busy relay more than its batches of one event."""
        if self._connection is None or not self._confirms or time.monotonic() < self._next_keep_alive:
            return
        self._next_keep_alive = time.monotonic() + self._heartbeat_s / 4
        try:
            try:
                self._connection.drain_events(timeout=0.001)
            except socket.timeout:
                pass
            self._connection.heartbeat_check()
        except Exception as exc:  # a dead connection: the next batch opens a new one
            log.info("broker connection lost while idle (%r); the next batch reconnects", exc)
            self.close()

    def close(self) -> None:
        if self._connection is not None:
            try:
                self._connection.release()
            except Exception:  # already broken: nothing left to release
                pass
        self._connection = None
        self._producer = None
