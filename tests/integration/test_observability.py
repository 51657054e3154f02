"""Observability on the real PostgreSQL and RabbitMQ: a `traceparent` given to a submission
follows the report into the event and the review service's handler (its span and its JSON log
line), and `/metrics` of a web app and of a worker expose the named series."""
from __future__ import annotations

import io
import json
import logging
import re
import urllib.request

import pytest
import sqlalchemy as sa

from services.submission.adapters import orm as submission_orm
from shared.criteria import load_catalog
from shared.observability import logs
from tests.support import asyncapi
from tests.support.answers import evidence_criteria
from tests.support.keys import TEST_KEY
from tests.support.polling import eventually
from tests.support.processes import free_port
from tests.support.review_system import EVIDENCE_PDF, running

pytestmark = pytest.mark.integration
TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
CALLER_SPAN = "00f067aa0ba902b7"


@pytest.fixture
def system(settings_for):
    with running(settings_for, TEST_KEY) as system:
        yield system


def _attach_evidence(system, report) -> None:
    for criterion in evidence_criteria(load_catalog(report.catalog_version).unit_type(report.unit_type)):
        uploaded = system.submission_client.post(
            f"/reports/{report.id}/evidence", headers=system.reporter(report.unit_code),
            content_type="multipart/form-data", data={"criterion": criterion, "file": (io.BytesIO(EVIDENCE_PDF), "a.pdf")})
        assert uploaded.status_code == 201, uploaded.json


def _outbox_event(runtime, routing_key: str) -> dict:
    with runtime.engine.connect() as connection:
        [body] = connection.execute(sa.select(submission_orm.outbox.c.body)
                                    .where(submission_orm.outbox.c.routing_key == routing_key)).scalars()
    return json.loads(body)


def test_a_traceparent_given_to_submit_reaches_the_event_and_the_review_handlers_logs(system, caplog):
    caplog.set_level(logging.INFO, logger="cqs.events")
    report = system.new_report()
    _attach_evidence(system, report)

    submitted = system.submission_client.post(
        f"/reports/{report.id}/submit", json={},
        headers={**system.reporter(), "traceparent": f"00-{TRACE_ID}-{CALLER_SPAN}-01"})
    assert submitted.status_code == 200, submitted.json
    _, trace_id, span_id, _ = submitted.headers["traceparent"].split("-")
    assert trace_id == TRACE_ID and span_id != CALLER_SPAN  # the service's own span, in the caller's trace

    event = _outbox_event(system.submission, "report.submitted")
    assert event["traceparent"].split("-")[1] == TRACE_ID
    asyncapi.validate("report.submitted", event)

    system.wait_for_case(report.id, status="submitted")
    handled = eventually(lambda: [r for r in caplog.records if getattr(r, "handler", None) == "on_report_submitted"],
                       what="the review handler's log line")
    [record] = handled
    line = json.loads(logs.json_formatter().format(record))
    assert line["trace_id"] == TRACE_ID and line["span_id"] not in (CALLER_SPAN, span_id)
    assert (line["level"], line["logger"], line["event_id"]) == ("INFO", "cqs.events", event["id"])


def test_a_request_without_traceparent_starts_a_trace_of_its_own(system):
    first = system.submission_client.get("/health").headers["traceparent"]
    second = system.submission_client.get("/health").headers["traceparent"]
    assert re.fullmatch(r"00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}", first)
    assert first.split("-")[1] != second.split("-")[1]


def _series(text: str, name: str) -> dict[str, float]:
    """labels → value of every sample of `name` in a Prometheus exposition."""
    found = {}
    for line in text.splitlines():
        match = re.fullmatch(rf"{name}(\{{.*\}})? (\S+)", line)
        if match:
            found[match.group(1) or ""] = float(match.group(2))
    return found


def test_metrics_of_a_web_app_and_of_a_worker(system):
    report = system.new_report()
    system.submit(report)
    system.wait_for_case(report.id, status="submitted")

    web = system.submission_client.get("/metrics")
    assert web.status_code == 200 and web.content_type.startswith("text/plain")
    text = web.get_data(as_text=True)
    latency = _series(text, "cqs_http_request_duration_seconds_count")
    assert any('route="/reports/<report_id>/submit"' in labels and 'status="200"' in labels
               and 'service="submission"' in labels for labels in latency)
    assert _series(text, "cqs_outbox_backlog_events") == {'{service="submission"}': 0.0}
    assert 'cqs_outbox_oldest_age_seconds{service="submission"}' in text

    port = free_port()
    server, thread = system.review.serve_metrics(port, "127.0.0.1")
    try:
        scraped = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10).read().decode()
    finally:
        server.shutdown()
        thread.join(timeout=5)
    handled = _series(scraped, "cqs_events_handled_total")
    assert handled['{handler="on_report_submitted",service="review"}'] >= 1
    queues = _series(scraped, "cqs_queue_messages")
    dead = _series(scraped, "cqs_dead_letters")
    queue = f"{system.review.settings.namespace}.review.on_report_submitted"
    assert queues[f'{{queue="{queue}",service="review"}}'] == 0
    assert dead[f'{{queue="{queue}.dlq",service="review"}}'] == 0
    assert "cqs_event_handling_duration_seconds_bucket" in scraped
