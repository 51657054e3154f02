"""An integration partner as it would really subscribe: a plain pika consumer with its own
queue bound to `report.*` and `round.*` on the events exchange. And the other ends tests play: an
event put on the exchange as its service would publish it, a dead-letter queue drained."""
from __future__ import annotations

import json
import time

import pika
from kombu import Connection, Producer

from shared.cloudevents import CloudEvent
from shared.messaging.topology import events_exchange


class PartnerSubscriber:
    def __init__(self, amqp_url: str, namespace: str, patterns=("report.*", "round.*")):
        self.queue = f"{namespace}.partner"
        self._url = amqp_url
        self._connect()
        exchange = f"{namespace}.events"
        self._channel.exchange_declare(exchange, exchange_type="topic", durable=True)
        self._channel.queue_declare(self.queue, durable=True)
        for pattern in patterns:
            self._channel.queue_bind(self.queue, exchange, routing_key=pattern)
        self.received: list[dict] = []
        self.routing_keys: list[str] = []

    def _connect(self) -> None:
        parameters = pika.URLParameters(self._url)
        # A blocking connection answers heartbeats only while the test reads: on a loaded machine the steps
        # between two reads outlast the broker's 60 s timeout and it drops the partner ("missed heartbeats").
        parameters.heartbeat = 0
        self._connection = pika.BlockingConnection(parameters)
        self._channel = self._connection.channel()

    def reconnect(self) -> None:
        """After a broker restart: the durable queue and its persistent messages are still there."""
        self._connect()

    def collect(self, until, timeout_s: float = 30.0) -> list[dict]:
        """Read messages until `until(received)` holds or the time runs out."""
        deadline = time.monotonic() + timeout_s
        while not until(self.received) and time.monotonic() < deadline:
            method, _properties, body = self._channel.basic_get(self.queue, auto_ack=True)
            if method is None:
                self._connection.sleep(0.05)
                continue
            self.received.append(json.loads(body))
            self.routing_keys.append(method.routing_key)
        return self.received

    def close(self) -> None:
        try:
            self._channel.queue_delete(self.queue)
            self._connection.close()
        except Exception:  # the broker may have gone away in a fault test
            pass


def publish_event(amqp_url: str, namespace: str, event: CloudEvent, times: int = 1) -> None:
    """`event` on the namespace's events exchange (`times` times), persistent, as the relay sends it."""
    with Connection(amqp_url) as conn:
        producer = Producer(conn.channel(), exchange=events_exchange(namespace))
        for _ in range(times):
            producer.publish(event.to_json(), routing_key=event.routing_key, delivery_mode=2,
                             content_type="application/cloudevents+json", declare=[producer.exchange])


def dlq_messages(amqp_url: str, queue: str) -> list[tuple[dict, bytes]]:
    """Drain a dead-letter queue: (headers, body) of each message."""
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    try:
        channel = connection.channel()
        messages = []
        while True:
            method, properties, body = channel.basic_get(queue, auto_ack=True)
            if method is None:
                return messages
            messages.append((properties.headers or {}, body))
    finally:
        connection.close()
