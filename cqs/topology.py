"""RabbitMQ definitions (exchanges, queues, bindings, dead-lettering) for every handler of the
four services, in the broker's import format: `deploy/rabbitmq/definitions.json` is this,
written by `python -m cqs.topology > deploy/rabbitmq/definitions.json`.

The queues are quorum queues (replicated across the cluster's nodes; the services declare them
so with `CQS_QUEUE_TYPE=quorum`), and a policy on them bounds how often the broker redelivers one
message (a worker killed by the same message again and again) before dead-lettering it: high
enough that a database outage, during which a worker killed while holding its deliveries has them
redelivered each time, never reaches it.

Least privilege: one broker user per service (`<ns>-<service>`) may configure, write and read
only the two exchanges and its own queues, and may publish on the events exchange only the
routing keys it owns (topic permissions, from the role table's `events`); a partner user
(`<ns>-partner-<name>`) may only declare, bind and read its own queues (`<ns>.partner.<name>.*`)
on the round and report events: publishing to the exchange is refused. Users carry no password
here (none can sign in until an operator sets one: `rabbitmqctl change_password`)."""
from __future__ import annotations

import importlib
import json
import re

from shared.authorization import policy
from shared.config import SERVICES
from shared.messaging.topology import dead_letter_exchange, events_exchange, handler_queues, queue_name

QUORUM_POLICY_DELIVERY_LIMIT = 1000
# Integration partners with a queue of their own (the province's data-sharing platform, LGSP).
PARTNERS = ("lgsp",)
PARTNER_ROUTING_KEYS = r"^(report|round)\.[a-z_.]+$"


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
    return {"vhosts": [{"name": vhost}], "users": users(namespace), "permissions": permissions(namespace, vhost),
            "topic_permissions": topic_permissions(namespace, vhost), "exchanges": exchanges, "queues": queues,
            "bindings": bindings, "policies": policies}


def service_user(namespace: str, service: str) -> str:
    return f"{namespace}-{service}"


def partner_user(namespace: str, partner: str) -> str:
    return f"{namespace}-partner-{partner}"


def users(namespace: str) -> list[dict]:
    names = [service_user(namespace, s) for s in SERVICES] + [partner_user(namespace, p) for p in PARTNERS]
    return [{"name": name, "password_hash": "", "hashing_algorithm": "rabbit_password_hashing_sha256", "tags": []}
            for name in names]


def _exactly(*patterns: str) -> str:
    return "^(" + "|".join(patterns) + ")$"


def permissions(namespace: str, vhost: str) -> list[dict]:
    ns = re.escape(namespace)
    exchanges = (f"{ns}\\.events", f"{ns}\\.dlx")
    granted = []
    for service in SERVICES:
        own = _exactly(*exchanges, f"{ns}\\.{service}\\..+")
        granted.append({"user": service_user(namespace, service), "vhost": vhost, "configure": own, "write": own,
                        "read": own})
    for partner in PARTNERS:
        queues = f"^{ns}\\.partner\\.{partner}\\..+$"
        granted.append({"user": partner_user(namespace, partner), "vhost": vhost, "configure": queues,
                        "write": queues, "read": _exactly(f"{ns}\\.events", queues[1:-1])})
    return granted


def topic_permissions(namespace: str, vhost: str) -> list[dict]:
    """On the events exchange: who may publish which routing keys (write) and bind which (read)."""
    exchange = events_exchange(namespace).name
    owned: dict[str, list[str]] = {}
    for routing_key, service in policy().event_publishers.items():
        owned.setdefault(service, []).append(re.escape(routing_key))
    granted = []
    for service in SERVICES:
        subscribed = {key for subscription in importlib.import_module(
            f"services.{service}.entrypoints.consumers").subscriptions() for key in subscription.routing_keys}
        granted.append({"user": service_user(namespace, service), "vhost": vhost, "exchange": exchange,
                        "write": _exactly(*sorted(owned.get(service, []))) if owned.get(service) else "^$",
                        "read": _exactly(*sorted(re.escape(key) for key in subscribed)) if subscribed else "^$"})
    for partner in PARTNERS:
        granted.append({"user": partner_user(namespace, partner), "vhost": vhost, "exchange": exchange,
                        "write": "^$", "read": PARTNER_ROUTING_KEYS})
    return granted


if __name__ == "__main__":
    print(json.dumps(definitions(), indent=2, ensure_ascii=False))
