"""Exchange and queue names, declared the same way by every publisher and consumer.

Everything lives under a namespace (`cqs` in production; tests take a fresh one each):
one durable topic exchange `<ns>.events` carries every event, the routing key being the
event name (`report.submitted`). Each handler owns a durable queue
`<ns>.<service>.<handler>`; what it cannot process goes through the `<ns>.dlx` exchange
to `<ns>.<service>.<handler>.dlq`.
"""
from __future__ import annotations

from kombu import Exchange, Queue, binding


def events_exchange(namespace: str) -> Exchange:
    return Exchange(f"{namespace}.events", type="topic", durable=True)


def dead_letter_exchange(namespace: str) -> Exchange:
    return Exchange(f"{namespace}.dlx", type="direct", durable=True)


def queue_name(namespace: str, service: str, handler: str) -> str:
    return f"{namespace}.{service}.{handler}"


def handler_queues(namespace: str, name: str, routing_keys: list[str]) -> tuple[Queue, Queue]:
    """The handler's work queue (bound to each routing key) and its dead-letter queue."""
    exchange = events_exchange(namespace)
    dlx = dead_letter_exchange(namespace)
    work = Queue(
        name,
        exchange=exchange,
        bindings=[binding(exchange, routing_key=key) for key in routing_keys],
        durable=True,
        queue_arguments={"x-dead-letter-exchange": dlx.name, "x-dead-letter-routing-key": name},
    )
    dead = Queue(f"{name}.dlq", exchange=dlx, routing_key=name, durable=True)
    return work, dead
