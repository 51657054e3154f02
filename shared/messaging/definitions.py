"""RabbitMQ definitions (exchanges, queues, bindings, dead-lettering) for every handler of the
four services, in the broker's import format: `deploy/rabbitmq/definitions.json` is this,
written by `python -m shared.messaging.definitions > deploy/rabbitmq/definitions.json`."""
from __future__ import annotations

import importlib
import json

from shared.config import SERVICES
from shared.messaging.topology import dead_letter_exchange, events_exchange, handler_queues, queue_name


def definitions(namespace: str = "cqs", vhost: str = "/") -> dict:
    events, dlx = events_exchange(namespace), dead_letter_exchange(namespace)
    exchanges = [{"name": exchange.name, "vhost": vhost, "type": exchange.type, "durable": True,
                  "auto_delete": False, "internal": False, "arguments": {}} for exchange in (events, dlx)]
    queues, bindings = [], []
    for service in SERVICES:
        consumers = importlib.import_module(f"services.{service}.entrypoints.consumers")
        for subscription in consumers.subscriptions():
            name = queue_name(namespace, service, subscription.handler_name)
            work, dead = handler_queues(namespace, name, list(subscription.routing_keys))
            for queue in (work, dead):
                queues.append({"name": queue.name, "vhost": vhost, "durable": True, "auto_delete": False,
                               "arguments": dict(queue.queue_arguments or {})})
            bindings += [{"source": events.name, "vhost": vhost, "destination": work.name,
                          "destination_type": "queue", "routing_key": key, "arguments": {}}
                         for key in subscription.routing_keys]
            bindings.append({"source": dlx.name, "vhost": vhost, "destination": dead.name,
                             "destination_type": "queue", "routing_key": name, "arguments": {}})
    return {"exchanges": exchanges, "queues": queues, "bindings": bindings}


if __name__ == "__main__":
    print(json.dumps(definitions(), indent=2, ensure_ascii=False))
