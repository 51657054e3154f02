"""RabbitMQ definitions (exchanges, queues, bindings, dead-lettering) for every handler of the
four services, in the broker's import format: `deploy/rabbitmq/definitions.json` is this,
written by `python -m shared.messaging.definitions > deploy/rabbitmq/definitions.json`.

The queues are quorum queues (replicated across the cluster's nodes; the services declare them
so with `CQS_QUEUE_TYPE=quorum`), and a policy on them bounds how often the broker redelivers one
message (a worker killed by the same message again and again) before dead-lettering it: high
enough that a database outage, during which the consumers requeue, never reaches it."""
from __future__ import annotations

import importlib
import json

from shared.config import SERVICES
from shared.messaging.topology import dead_letter_exchange, events_exchange, handler_queues, queue_name

QUORUM_POLICY_DELIVERY_LIMIT = 1000


def definitions(namespace: str = "cqs", vhost: str = "/") -> dict:
    events, dlx = events_exchange(namespace), dead_letter_exchange(namespace)
    exchanges = [{"name": exchange.name, "vhost": vhost, "type": exchange.type, "durable": True,
                  "auto_delete": False, "internal": False, "arguments": {}} for exchange in (events, dlx)]
    queues, bindings = [], []
    for service in SERVICES:
        consumers = importlib.import_module(f"services.{service}.entrypoints.consumers")
        for subscription in consumers.subscriptions():
            name = queue_name(namespace, service, subscription.handler_name)
            work, dead = handler_queues(namespace, name, list(subscription.routing_keys), type_="quorum")
            for queue in (work, dead):
                queues.append({"name": queue.name, "vhost": vhost, "durable": True, "auto_delete": False,
                               "arguments": dict(queue.queue_arguments or {})})
            bindings += [{"source": events.name, "vhost": vhost, "destination": work.name,
                          "destination_type": "queue", "routing_key": key, "arguments": {}}
                         for key in subscription.routing_keys]
            bindings.append({"source": dlx.name, "vhost": vhost, "destination": dead.name,
                             "destination_type": "queue", "routing_key": name, "arguments": {}})
    policies = [{"vhost": vhost, "name": f"{namespace}-quorum", "pattern": f"^{namespace}\\.",
                 "apply-to": "queues", "priority": 0,
                 "definition": {"delivery-limit": QUORUM_POLICY_DELIVERY_LIMIT}}]
    return {"exchanges": exchanges, "queues": queues, "bindings": bindings, "policies": policies}


if __name__ == "__main__":
    print(json.dumps(definitions(), indent=2, ensure_ascii=False))
