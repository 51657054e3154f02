"""End to end: the four services as separate processes (gunicorn web + `cqs worker`) on the
real PostgreSQL and RabbitMQ. One report travels every state over HTTP, with an evidence
request and a return for revision, while an integration partner's plain pika queue
receives every event, each valid against the AsyncAPI document, in causal order."""
from __future__ import annotations

import json
import uuid

import pytest
import requests

from shared.auth import Role
from tests.support import asyncapi
from tests.support.documents import MINIMAL_PDF
from tests.support.http_flow import accept_and_verify, arrived_case, auth, call, submit_in_full
from tests.support.keys import TEST_KEY
from tests.support.partner import PartnerSubscriber
from tests.support.polling import eventually
from tests.support.running import services_as_processes

pytestmark = pytest.mark.e2e
UNIT = "STP"  # Sở Tư pháp: a department in both the 2021 and the 2025 trees
PDF = MINIMAL_PDF


@pytest.fixture(scope="module")
def system(postgres_server_url, amqp_url, tmp_path_factory):
    namespace = f"cqs-e2e-{uuid.uuid4().hex[:10]}"
    partner = PartnerSubscriber(amqp_url, namespace)  # bound before anything is published
    try:
        with services_as_processes(postgres_server_url, amqp_url, namespace, tmp_path_factory) as running:
            yield running, partner
    finally:
        partner.close()


ADMIN = auth(TEST_KEY, Role.ADMIN, "HT", "admin")
REPORTER = auth(TEST_KEY, Role.UNIT_REPORTER, UNIT, "can.bo.stp")
REVIEWER = auth(TEST_KEY, Role.DEPARTMENT_REVIEWER, "SKHCN", "tham.dinh.vien")


def test_one_report_travels_every_state_and_a_partner_sees_every_event(system):
    running, partner = system
    submission, review = running.urls["submission"], running.urls["review"]
    scoring, publication = running.urls["scoring"], running.urls["publication"]

    round_ = call("POST", f"{submission}/rounds", ADMIN, 201, json={"kind": "annual_evaluation", "year": 2027})
    call("POST", f"{submission}/rounds/{round_['id']}/open", ADMIN)
    [report] = call("GET", f"{submission}/reports", REPORTER, params={"round_id": round_["id"]})
    report_id = report["id"]
    assert report["status"] == "draft" and report["reviewer_unit_code"] == "SKHCN"
    # Behind gunicorn: no server banner, the security headers, HSTS (not the embedded mode), no caching.
    read = requests.get(f"{submission}/reports/{report_id}", headers=REPORTER, timeout=10)
    assert "gunicorn" not in read.headers.get("Server", "").lower()
    assert read.headers["Strict-Transport-Security"].startswith("max-age=")
    assert read.headers["Cache-Control"] == "no-store" and read.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in read.headers["Content-Security-Policy"]

    submit_in_full(submission, report, REPORTER)

    # The reviewer asks for evidence on 1.1; the unit answers with a new file.
    case = arrived_case(review, report_id, REVIEWER)
    call("POST", f"{review}/cases/{report_id}/evidence-requests", REVIEWER, 201, json={
        "requests": [{"criterion": "1.1", "message": "Đề nghị gửi bản ký số của kế hoạch năm"}],
        "due_date": "2026-12-10", "expected_version": case["version"]})
    eventually(lambda: call("GET", f"{submission}/reports/{report_id}", REPORTER),
               lambda body: body["status"] == "evidence_requested")
    call("POST", f"{submission}/reports/{report_id}/evidence", REPORTER, 201,
         data={"criterion": "1.1"}, files={"file": ("ke-hoach-ky-so.pdf", PDF + b"%signed", "application/pdf")})
    call("POST", f"{submission}/reports/{report_id}/evidence-reply", REPORTER,
         json={"note": "Đã bổ sung bản ký số", "answers": {}})

    # One criterion adjusted, then the whole report returned for revision.
    case = eventually(lambda: call("GET", f"{review}/cases/{report_id}", REVIEWER),
                      lambda body: body["status"] == "submitted")
    case = call("POST", f"{review}/cases/{report_id}/decisions", REVIEWER, json={
        "criterion": "1.4", "decision": "adjust", "values": {"dt_meetings_count": 3},
        "reason": "Một cuộc họp không có thông báo kết luận", "expected_version": case["version"]})
    call("POST", f"{review}/cases/{report_id}/return", REVIEWER, json={
        "comment": "Đề nghị rà soát số liệu nhóm 1", "criterion_comments": {"1.8": "Kiểm tra lại số tin bài"},
        "expected_version": case["version"]})
    returned = eventually(lambda: call("GET", f"{submission}/reports/{report_id}", REPORTER),
                          lambda body: body["status"] == "returned")
    assert returned["criterion_comments"] == {"1.8": "Kiểm tra lại số tin bài"}
    draft = call("PATCH", f"{submission}/reports/{report_id}", REPORTER, json={"answers": {"dt_news_count": 12}})
    assert draft["status"] == "draft"
    call("POST", f"{submission}/reports/{report_id}/submit", REPORTER, json={})

    # Revision 2: every criterion decided, then verified.
    case = eventually(lambda: call("GET", f"{review}/cases/{report_id}", REVIEWER),
                      lambda body: body["revision"] == 2 and body["status"] == "submitted")
    accept_and_verify(review, case, REVIEWER)

    eventually(lambda: call("GET", f"{submission}/reports/{report_id}", REPORTER),
               lambda body: body["status"] == "scored")
    score = call("GET", f"{scoring}/scores/{report_id}", REPORTER)
    explained = {criterion["code"]: criterion for criterion in score["breakdown"]["criteria"]}
    assert explained["1.4"]["points"] == 15  # 3 meetings as adjusted by the reviewer
    assert explained["1.4"]["adjusted"] is True
    assert explained["1.4"]["adjustment_reason"] == "Một cuộc họp không có thông báo kết luận"
    assert {item["source"]["kind"] for item in explained["1.4"]["inputs"]} == {"unit"}
    assert explained["1.4"]["explanation_vi"]

    call("POST", f"{submission}/rounds/{round_['id']}/close", ADMIN)
    published = eventually(  # once the publication service has seen round.closed
        lambda: requests.post(f"{publication}/rounds/{round_['id']}/publish", headers=ADMIN, timeout=10),
        lambda response: response.status_code == 201).json()
    assert (published["stage"], published["version"]) == ("provisional", 1)
    eventually(lambda: call("GET", f"{submission}/reports/{report_id}", REPORTER),
               lambda body: body["status"] == "published")
    eventually(lambda: call("GET", f"{submission}/rounds/{round_['id']}", ADMIN),
               lambda body: body["status"] == "published")
    public = call("GET", f"{publication}/results/{round_['id']}", {})
    assert public[0]["unit_code"] == UNIT and public[0]["total"] == score["score"]["total"]
    assert public[0]["rank"] == 1 and public[0]["stage"] == "provisional"

    events = partner.collect(lambda got: any(e["type"] == "vn.gov.cqs.round.published" for e in got))
    for routing_key, event in zip(partner.routing_keys, events, strict=True):
        asyncapi.validate(routing_key, event)
    of_report = [key for key, event in zip(partner.routing_keys, events, strict=True) if event["subject"] == f"reports/{report_id}"]
    assert of_report == ["report.submitted", "report.evidence_requested", "report.evidence_provided",
                         "report.returned", "report.submitted", "report.verified", "report.scored",
                         "report.published"]
    assert partner.routing_keys[0] == "round.opened" and partner.routing_keys[-1] == "round.published"
    assert "round.closed" in partner.routing_keys
    assert len({event["id"] for event in events}) == len(events)


def _sample(text: str, name: str, **labels: str) -> float | None:
    """The value of the sample `name` whose labels include `labels`, in a Prometheus exposition."""
    for line in text.splitlines():
        if line.startswith(name + "{") and all(f'{key}="{value}"' in line for key, value in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    return None


def test_the_processes_log_json_lines_carrying_the_trace_and_serve_metrics(system):
    running, _ = system
    submission = running.urls["submission"]
    trace_id = uuid.uuid4().hex
    # Not 2028: the worker's scheduler plans next year's round itself once 2027 is open.
    call("POST", f"{submission}/rounds", ADMIN, 201, json={"kind": "annual_evaluation", "year": 2030})
    opened = requests.post(f"{submission}/rounds/2030-annual/open", timeout=30,
                           headers={**ADMIN, "traceparent": f"00-{trace_id}-{uuid.uuid4().hex[:16]}-01"})
    assert opened.status_code == 200 and opened.headers["traceparent"].split("-")[1] == trace_id

    # The publication worker handles round.opened in the trace the request started, and says so in JSON.
    def handler_lines():
        lines = [json.loads(line) for line in (running.logs / "publication-worker.log").read_text().splitlines()
                 if line.startswith("{")]
        return [line for line in lines if line.get("trace_id") == trace_id and line.get("handler") == "on_round_opened"]
    [line] = eventually(handler_lines, bool)
    assert line["logger"] == "cqs.events" and line["subject"] == "rounds/2030-annual"
    web_lines = [json.loads(line) for line in (running.logs / "submission-web.log").read_text().splitlines()
                 if line.startswith("{")]
    assert any(line.get("trace_id") == trace_id and line.get("route") == "/rounds/<round_id>/open"
               and line.get("status") == 200 for line in web_lines)

    # The web app's /metrics adds up its two gunicorn workers; the worker serves its own port.
    for _ in range(6):
        call("GET", f"{submission}/health", {})
    web_metrics = requests.get(f"{submission}/metrics", timeout=10).text
    assert _sample(web_metrics, "cqs_http_request_duration_seconds_count", route="/health", status="200") >= 6
    assert _sample(web_metrics, "cqs_http_request_duration_seconds_count", route="/rounds/<round_id>/open") == 2  # 2027 and 2030
    worker_metrics = eventually(lambda: requests.get(running.worker_metrics_urls["publication"], timeout=10).text,
                                lambda text: _sample(text, "cqs_events_handled_total", handler="on_round_opened"))
    assert _sample(worker_metrics, "cqs_events_handled_total", handler="on_round_opened") >= 2
    assert _sample(worker_metrics, "cqs_outbox_backlog_events", service="publication") is not None
    assert _sample(worker_metrics, "cqs_dead_letters", service="publication") == 0
    assert _sample(worker_metrics, "process_resident_memory_bytes") is None  # labels-free samples are not matched
    assert "process_resident_memory_bytes " in worker_metrics
