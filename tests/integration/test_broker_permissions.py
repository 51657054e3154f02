"""The broker's least-privilege users (deploy/rabbitmq/definitions.json), imported into a vhost
this test creates on a RabbitMQ node of its own (the machine's broker is shared: its users and
vhosts are left alone): each service can do its work and only that; a partner can bind and read
its own queue, and its publishing to the events exchange is refused by the broker."""
from __future__ import annotations

import importlib
import json
import secrets

import pika
import pytest
from pika.exceptions import ChannelClosedByBroker

from cqs.topology import definitions, partner_user, service_user
from shared.messaging.consumer import EventConsumer
from tests.support import rabbitmq_node

pytestmark = [pytest.mark.integration,
              pytest.mark.skipif(not rabbitmq_node.available(), reason="needs rabbitmq-server for a node of its own")]
NAMESPACE = "cqs"


@pytest.fixture(scope="module")
def broker(tmp_path_factory):
    base = tmp_path_factory.mktemp("rabbitmq")
    vhost = f"cqs-test-{secrets.token_hex(4)}"
    with rabbitmq_node.rabbitmq_node(base) as node:
        (base / "definitions.json").write_text(json.dumps(definitions(NAMESPACE, vhost)))
        node.ctl("import_definitions", str(base / "definitions.json"))
        passwords = {}
        for user in [service_user(NAMESPACE, s) for s in ("submission", "review", "scoring", "publication")] \
                + [partner_user(NAMESPACE, "lgsp")]:
            passwords[user] = secrets.token_hex(12)
            node.ctl("change_password", user, passwords[user])
        yield node, vhost, passwords


def connect(broker, user):
    node, vhost, passwords = broker
    return pika.BlockingConnection(pika.ConnectionParameters(
        "127.0.0.1", node.port, vhost, pika.PlainCredentials(user, passwords[user])))


def url(broker, user) -> str:
    node, vhost, passwords = broker
    return f"amqp://{user}:{passwords[user]}@127.0.0.1:{node.port}/{vhost}"


def refused(action) -> int:
    with pytest.raises(ChannelClosedByBroker) as closed:
        action()
    return closed.value.reply_code


def test_a_partner_binds_and_reads_its_own_queue_but_may_not_publish(broker):
    partner = partner_user(NAMESPACE, "lgsp")
    connection = connect(broker, partner)
    try:
        channel = connection.channel()
        channel.queue_declare("cqs.partner.lgsp.results", durable=True)
        channel.queue_bind("cqs.partner.lgsp.results", "cqs.events", routing_key="report.published")
        channel.confirm_delivery()
        assert refused(lambda: channel.basic_publish("cqs.events", "report.verified", b"{}")) == 403

        channel = connection.channel()
        assert refused(lambda: channel.queue_bind("cqs.partner.lgsp.results", "cqs.events", routing_key="#")) == 403
        channel = connection.channel()
        assert refused(lambda: channel.basic_get("cqs.review.on_report_submitted")) == 403
        channel = connection.channel()
        assert refused(lambda: channel.queue_declare("cqs.review.mine", durable=True)) == 403
    finally:
        connection.close()


def test_each_service_publishes_only_the_events_it_owns(broker):
    connection = connect(broker, service_user(NAMESPACE, "submission"))
    try:
        channel = connection.channel()
        channel.confirm_delivery()
        channel.basic_publish("cqs.events", "report.submitted", b"{}")  # submission's own event
        assert refused(lambda: channel.basic_publish("cqs.events", "report.verified", b"{}")) == 403  # review's
        channel = connection.channel()
        assert refused(lambda: channel.basic_get("cqs.review.on_report_submitted")) == 403
    finally:
        connection.close()


@pytest.mark.parametrize("service", ["submission", "review", "scoring", "publication"])
def test_each_service_can_still_declare_and_consume_its_own_queues(broker, service, monkeypatch):
    monkeypatch.setenv("CQS_QUEUE_TYPE", "quorum")  # as the definitions declare them
    subscriptions = importlib.import_module(f"services.{service}.entrypoints.consumers").subscriptions()
    consumer = EventConsumer(service, url(broker, service_user(NAMESPACE, service)), NAMESPACE, subscriptions,
                             uow_factory=None)
    consumer.declare()  # exchanges, its work and dead-letter queues and their bindings, as its own user
