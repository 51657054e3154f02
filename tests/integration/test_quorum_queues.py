"""The k8s shape's broker topology on the real RabbitMQ: with CQS_QUEUE_TYPE=quorum the services
declare quorum queues, the definitions' policy applies to them, and events flow through them; two
replicas of a worker take a queue's events one consumer at a time, in order."""
from __future__ import annotations

import contextlib
import dataclasses
import json
import subprocess
import threading
import time
import uuid
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
import sqlalchemy as sa

from cqs.topology import definitions
from services.submission import bootstrap as submission
from services.submission.domain.reports import Report
from shared import cloudevents
from shared.domain.report_events import ReportPublished, ReportScored, ReportVerified
from shared.messaging.consumer import Subscription
from tests.integration.test_messaging import NOW, _add_submitted, _status
from tests.support.keys import TEST_KEY
from tests.support.partner import publish_event
from tests.support.polling import eventually
from tests.support.review_system import shut_down, start
from tests.support.running import consuming

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


def _progress(report: Report, routing_key: str) -> cloudevents.CloudEvent:
    """The report's next state as the service owning it announces it."""
    common = dict(report_id=report.id, round_id=report.round_id, unit_code=report.unit_code,
                  unit_name_vi=report.unit_name_vi, unit_type=report.unit_type)
    reviewer = dict(reviewer_unit_code=report.reviewer_unit_code, reviewer_kind=report.reviewer_kind,
                    catalog_version=report.catalog_version)
    at = NOW.isoformat()
    event, source = {
        "report.verified": (ReportVerified(**common, **reviewer, revision=1, answers={}, self_assessed_answers={},
                                           adjustments=[], points_overrides={}, verified_by="reviewer",
                                           verified_at=at), "/cqs/review"),
        "report.scored": (ReportScored(**common, **reviewer, score_id=str(uuid.uuid4()), catalog_fingerprint="f",
                                       inputs_hash="h", total="50", groups={}, criteria={}, classification={},
                                       complete=True, scored_at=at), "/cqs/scoring"),
        "report.published": (ReportPublished(**common, total="50", classification={}, rank=1,
                                             ranking_scope="province_department", stage="provisional",
                                             snapshot_version=1, published_at=at), "/cqs/publication"),
    }[routing_key]
    return cloudevents.from_event(event, source=source)


def test_two_consumers_on_a_quorum_queue_take_a_reports_events_one_at_a_time_in_order(
        settings_for, namespace, vhost, monkeypatch, amqp_url):
    """Two replicas of the submission worker: report.verified takes its consumer a second to handle,
    and the report.scored it caused is published right behind it. Shared between both consumers
    (prefetch > 1, round robin), the scored would be handled first, refused and dead-lettered; with
    one active consumer it waits its turn. When the active consumer goes, the other takes over."""
    monkeypatch.setenv("CQS_QUEUE_TYPE", "quorum")
    vhost_url = urlunsplit(urlsplit(amqp_url)._replace(path="/" + quote(vhost, safe="")))
    runtime = submission.runtime(settings_for("submission", broker_url=vhost_url))
    runtime.migrate()
    report = _add_submitted(runtime)

    def slow_to_verify(subscription: Subscription, handled: list[str]) -> Subscription:
        def handle(uow, event):
            if event.routing_key == "report.verified":
                time.sleep(1.0)
            subscription.handle(uow, event)
            handled.append(event.routing_key)
        return dataclasses.replace(subscription, handle=handle)

    original, handled_by, consumers = runtime.subscriptions, ([], []), []
    for handled in handled_by:
        runtime.subscriptions = [slow_to_verify(subscription, handled) for subscription in original]
        consumers.append(runtime.consumer())
    with contextlib.ExitStack() as replicas:
        stop_replica = [replicas.enter_context(consuming(consumer)) for consumer in consumers]
        time.sleep(1.0)  # both registered on the queue
        for routing_key in ("report.verified", "report.scored"):
            publish_event(vhost_url, namespace, _progress(report, routing_key))
        eventually(lambda: _status(runtime, report), lambda status: status == "scored", timeout_s=30)
        active = 0 if handled_by[0] else 1
        assert handled_by[active] == ["report.verified", "report.scored"] and handled_by[1 - active] == []
        stop_replica[active]()  # the active replica goes away; the other takes the queue over
        publish_event(vhost_url, namespace, _progress(report, "report.published"))
        eventually(lambda: _status(runtime, report), lambda status: status == "published", timeout_s=30)
        assert handled_by[1 - active] == ["report.published"]
    try:
        with runtime.engine.connect() as conn:
            assert conn.execute(sa.select(sa.func.count()).select_from(runtime.dead_letters)).scalar_one() == 0
    finally:
        runtime.engine.dispose()
