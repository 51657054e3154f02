"""Exchange and queue names, declared the same way by every publisher and consumer.

Everything lives under a namespace (`cqs` in production; tests take a fresh one each):
one durable topic exchange `<ns>.events` carries every event, the routing key being the
event name (`report.submitted`). Each handler owns a durable queue
`<ns>.<service>.<handler>`; what it cannot process goes through the `<ns>.dlx` exchange
to `<ns>.<service>.<handler>.dlq`.
"""
from __future__ import annotations

import os

from kombu import Exchange, Queue, binding


def events_exchange(namespace: str) -> Exchange:
    return Exchange(f"{namespace}.events", type="topic", durable=True)


def dead_letter_exchange(namespace: str) -> Exchange:
    return Exchange(f"{namespace}.dlx", type="direct", durable=True)


def queue_name(namespace: str, service: str, handler: str) -> str:
    return f"{namespace}.{service}.{handler}"


def queue_type() -> str:
    """`CQS_QUEUE_TYPE`: `quorum` (replicated on a RabbitMQ cluster: the k8s shape) or `classic` (the
    default). A queue's type is fixed when it is created, so a broker's queues keep the type they have."""
    chosen = os.environ.get("CQS_QUEUE_TYPE", "classic")
    if chosen not in ("classic", "quorum"):
        raise ValueError(f"CQS_QUEUE_TYPE must be classic or quorum, not {chosen!r}")
    return chosen


def handler_queues(namespace: str, name: str, routing_keys: list[str],
                   type_: str | None = None) -> tuple[Queue, Queue]:
    """The handler's work queue (bound to each routing key) and its dead-letter queue, of
    `type_` (default: `queue_type()`)."""
    exchange = events_exchange(namespace)
    dlx = dead_letter_exchange(namespace)
    quorum = (type_ or queue_type()) == "quorum"
    typed = {"x-queue-type": "quorum"} if quorum else {}
    # Several replicas of a worker (the k8s shape, quorum queues): one consumer at a time takes from a
    # handler's queue and the others wait to take over, so two replicas never handle a report's events
    # (report.verified, then the report.scored it caused) out of order. Not on classic queues, which
    # the single-instance shapes use: there RabbitMQ 3.10-3.11 can crash the queue when the active
    # consumer goes (rabbitmq-server#5460).
    one_consumer = {"x-single-active-consumer": True} if quorum else {}
    work = Queue(
        name,
        exchange=exchange,
        bindings=[binding(exchange, routing_key=key) for key in routing_keys],
        durable=True,
        queue_arguments={"x-dead-letter-exchange": dlx.name, "x-dead-letter-routing-key": name, **typed,
                         **one_consumer},
    )
    dead = Queue(f"{name}.dlq", exchange=dlx, routing_key=name, durable=True, queue_arguments=typed or None)
    return work, dead
