"""The k8s shape's broker topology on the real RabbitMQ: with CQS_QUEUE_TYPE=quorum the services
declare quorum queues, the definitions' policy applies to them, and events flow through them."""
from __future__ import annotations

import json
import subprocess
import threading
import uuid
from urllib.parse import quote, urlsplit, urlunsplit

import pytest

from cqs.topology import definitions
from tests.support.keys import TEST_KEY
from tests.support.review_system import shut_down, start

pytestmark = pytest.mark.integration


def rabbitmqctl(*args: str) -> str:
    return subprocess.run(["rabbitmqctl", *args], check=True, capture_output=True, text=True, timeout=60).stdout


@pytest.fixture
def vhost():
    """A virtual host of the test's own on the shared broker; removed afterwards."""
    name = f"cqs-test-{uuid.uuid4().hex[:10]}"
    rabbitmqctl("add_vhost", name)
    try:
        rabbitmqctl("set_permissions", "-p", name, "guest", ".*", ".*", ".*")
        yield name
    finally:
        rabbitmqctl("delete_vhost", name)


def test_services_declare_quorum_queues_the_policy_governs_and_events_flow(settings_for, namespace, vhost,
                                                                           monkeypatch, amqp_url):
    [policy] = definitions(namespace=namespace, vhost=vhost)["policies"]
    rabbitmqctl("set_policy", "-p", vhost, "--apply-to", policy["apply-to"], "--priority", str(policy["priority"]),
                policy["name"], policy["pattern"], json.dumps(policy["definition"]))
    monkeypatch.setenv("CQS_QUEUE_TYPE", "quorum")
    vhost_url = urlunsplit(urlsplit(amqp_url)._replace(path="/" + quote(vhost, safe="")))

    stop = threading.Event()
    system = start(lambda service: settings_for(service, broker_url=vhost_url), TEST_KEY, stop)
    try:
        report = system.new_report()
        system.submit(report)
        system.wait_for_case(report.id, status="submitted")
    finally:
        shut_down(system, stop)

    queues = json.loads(rabbitmqctl("list_queues", "-p", vhost, "name", "type", "policy", "--formatter", "json",
                                    "--quiet"))
    ours = [queue for queue in queues if queue["name"].startswith(f"{namespace}.")]
    assert {f"{namespace}.review.on_report_submitted", f"{namespace}.review.on_report_submitted.dlq"} <= {
        queue["name"] for queue in ours}
    assert {(queue["type"], queue["policy"]) for queue in ours} == {("quorum", policy["name"])}
