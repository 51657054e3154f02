"""Bad input over HTTP: the right status, an RFC 9457 problem body naming the field or the
rule, and nothing changed in the database."""
from __future__ import annotations

import datetime as dt
import uuid

import pytest
import sqlalchemy as sa

from services.submission import bootstrap as submission
from services.submission.adapters import orm
from services.submission.domain.reports import Report
from shared.auth import Role, issue_token
from tests.conftest import TEST_SECRET

pytestmark = pytest.mark.integration


@pytest.fixture
def service(settings_for):
    runtime = submission.runtime(settings_for("submission"))
    runtime.migrate()
    report = Report(id=str(uuid.uuid4()), round_id="2027-annual", unit_code="STP", unit_name_vi="Sở Tư pháp",
                    unit_type="province_department", reviewer_unit_code="SKHCN", reviewer_kind="department",
                    catalog_version="hatinh-2021-ref-1", answers={"annual_plan_issued": True})
    with runtime.uow_factory() as uow:
        uow.reports.add(report)
        uow.commit()
    yield runtime, submission.create_app(runtime).test_client(), report.id
    runtime.engine.dispose()


def snapshot(runtime) -> tuple:
    with runtime.engine.connect() as conn:
        reports = conn.execute(sa.select(orm.reports).order_by(orm.reports.c.id)).all()
        outbox = conn.execute(sa.select(sa.func.count()).select_from(orm.outbox)).scalar_one()
    return reports, outbox


def bearer(role=Role.UNIT_REPORTER, unit="STP", secret=TEST_SECRET, **kwargs) -> dict:
    return {"Authorization": f"Bearer {issue_token(secret, 'user', role, unit, **kwargs)}"}


def assert_problem(response, status: int, *, field: str | None = None, mentions: str | None = None) -> None:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.content_type == "application/problem+json"
    body = response.get_json()
    assert {"type", "title", "title_en", "status", "detail", "detail_en"} <= set(body) and body["status"] == status
    assert body["type"].startswith("https://cqs.hatinh.gov.vn/problems/")
    if field:
        assert field in body["errors"], body
        assert {"rule", "message_vi", "message_en"} <= set(body["errors"][field][0]), body
    if mentions:
        assert mentions in body["detail"] + " " + body["detail_en"], body


EXPIRED = dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc)


@pytest.mark.parametrize("method, path, kwargs, status, field, mentions", [
    ("patch", "", {"json": {"answers": {}, "colour": "red"}, "headers": bearer()}, 422, "colour", None),
    ("patch", "", {"json": {"answers": "yes"}, "headers": bearer()}, 422, "answers", None),
    ("patch", "", {"json": {"answers": {"dt_meetings_count": "ba"}}, "headers": bearer()}, 422, "dt_meetings_count",
     None),
    ("patch", "", {"json": {"answers": {"tasks_done_on_time": 9, "tasks_assigned": 4}}, "headers": bearer()}, 422,
     "tasks_done_on_time", None),
    ("patch", "", {"json": {"answers": {"no_such_field": 1}}, "headers": bearer()}, 422, "no_such_field", None),
    ("patch", "", {"json": {"answers": {"focal_point_score": 15}}, "headers": bearer()}, 422, "focal_point_score",
     None),
    ("patch", "", {"json": {"answers": {}, "expected_version": "one"}, "headers": bearer()}, 422,
     "expected_version", None),
    ("patch", "", {"json": {"answers": {}, "expected_version": 7}, "headers": bearer()}, 409, None, "version 1"),
    ("patch", "", {"json": {"answers": {}}, "headers": bearer(unit="SYT")}, 403, None, "STP"),
    ("patch", "", {"json": {"answers": {}}, "headers": bearer(role=Role.DEPARTMENT_REVIEWER, unit="SKHCN")}, 403,
     None, None),
    ("patch", "", {"json": {"answers": {}}}, 401, None, "Bearer"),
    ("patch", "", {"json": {"answers": {}}, "headers": bearer(now=EXPIRED)}, 401, None, "expired"),
    ("patch", "", {"json": {"answers": {}}, "headers": bearer(secret="a-forged-secret-of-32-bytes-or-more!")}, 401,
     None, "not valid"),
    ("patch", "", {"json": {"answers": {}}, "headers": {"Authorization": "Bearer not.a.token"}}, 401, None, None),
    ("post", "/evidence-reply", {"json": {"note": "x"}, "headers": bearer()}, 409, None, "bản nháp"),
    ("get", "", {"headers": bearer(unit="SYT")}, 403, None, None),
])
def test_bad_requests_are_refused_and_change_nothing(service, method, path, kwargs, status, field, mentions):
    runtime, client, report_id = service
    before = snapshot(runtime)
    response = getattr(client, method)(f"/reports/{report_id}{path}", **kwargs)
    assert_problem(response, status, field=field, mentions=mentions)
    assert snapshot(runtime) == before


def test_a_transition_from_the_wrong_state_is_a_conflict_naming_both_states(service):
    runtime, client, report_id = service
    with runtime.uow_factory() as uow:
        uow.reports.get(report_id).submit(by="user", now=dt.datetime.now(dt.timezone.utc), evidence={})
        uow.commit()
    before = snapshot(runtime)
    response = client.post(f"/reports/{report_id}/submit", json={}, headers=bearer())
    assert_problem(response, 409, mentions="Báo cáo đã được nộp, không thể nộp lại")
    assert snapshot(runtime) == before


def test_an_incomplete_report_cannot_be_submitted_and_every_gap_is_named(service):
    runtime, client, report_id = service
    before = snapshot(runtime)
    response = client.post(f"/reports/{report_id}/submit", json={}, headers=bearer())
    assert_problem(response, 422, field="dt_meetings_count")
    body = response.get_json()
    assert body["errors"]["dt_meetings_count"][0]["rule"] == "required"
    assert body["errors"]["evidence.1.1"][0]["rule"] == "evidence_required"
    assert "Chưa nhập trường bắt buộc" in body["detail"]
    assert snapshot(runtime) == before


def test_an_unknown_report_is_not_found(service):
    _runtime, client, _report_id = service
    assert_problem(client.get("/reports/nope", headers=bearer()), 404, mentions="nope")


def test_a_blank_answer_clears_the_field_instead_of_storing_blanks(service):
    _runtime, client, report_id = service
    body = client.patch(f"/reports/{report_id}", json={"answers": {"annual_plan_issued": "  "}}, headers=bearer()).json
    assert body["answers"] == {}
    preview = client.get(f"/reports/{report_id}/preview", headers=bearer())
    assert preview.status_code == 200 and preview.json["complete"] is False
