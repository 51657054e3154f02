"""Bad input over HTTP: the right status, an RFC 9457 problem body naming the field or the
rule, and nothing changed in the database."""
from __future__ import annotations

import datetime as dt
import io
import json
import uuid
from urllib.parse import quote

import pytest
import sqlalchemy as sa

from services.submission import bootstrap as submission
from services.submission.adapters import orm
from services.submission.domain.reports import Report
from shared.auth import MAX_LIFETIME, Role, issue_token
from shared.domain.report_header import ReportHeader
from shared.http_input import MAX_JSON_BYTES
from tests.support.keys import FOREIGN_KEY, TEST_KEY

pytestmark = pytest.mark.integration


@pytest.fixture
def service(settings_for):
    runtime = submission.runtime(settings_for("submission"))
    runtime.migrate()
    report = Report(id=str(uuid.uuid4()),
                    header=ReportHeader(round_id="2027-annual", unit_code="STP", unit_name_vi="Sở Tư pháp",
                                        unit_type="province_department", reviewer_unit_code="SKHCN",
                                        reviewer_kind="department"),
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


def bearer(role=Role.UNIT_REPORTER, unit="STP", key=TEST_KEY, ttl=MAX_LIFETIME, **kwargs) -> dict:
    # The parametrized cases sign theirs at import: they live as long as the services allow.
    return {"Authorization": f"Bearer {issue_token(key, 'user', role, unit, ttl=ttl, **kwargs)}"}


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
    ("patch", "", {"json": {"answers": {}}, "headers": bearer(key=FOREIGN_KEY)}, 401,
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


# --- the bounds at the edge: every class of hostile input is a 4xx problem naming its field ---

def test_malformed_json_is_a_problem_naming_where_it_breaks(service):
    runtime, client, report_id = service
    before = snapshot(runtime)
    response = client.patch(f"/reports/{report_id}", data='{"answers": {"x": 3,,}', headers=bearer(),
                            content_type="application/json")
    assert_problem(response, 400, field="body", mentions="dòng 1")
    assert response.json["errors"]["body"][0]["rule"] == "json_syntax"
    assert snapshot(runtime) == before


@pytest.mark.parametrize("levels", [40, 100_000])
def test_deeply_nested_json_is_refused_before_it_is_parsed(service, levels):
    runtime, client, report_id = service
    before = snapshot(runtime)
    body = '{"answers": {"x": ' + "[" * levels + "]" * levels + "}}"
    response = client.patch(f"/reports/{report_id}", data=body, headers=bearer(), content_type="application/json")
    assert_problem(response, 400, field="body")
    assert response.json["errors"]["body"][0]["rule"] == "max_depth"
    assert snapshot(runtime) == before


@pytest.mark.parametrize("number", ["9" * 5_000, "1" * 1_000_000, "1e400", "NaN", "-Infinity", "1." + "0" * 40])
def test_numbers_too_long_or_not_finite_are_refused_with_their_field(service, number):
    runtime, client, report_id = service
    before = snapshot(runtime)
    body = '{"answers": {"dt_meetings_count": ' + number + "}}"
    response = client.patch(f"/reports/{report_id}", data=body, headers=bearer(), content_type="application/json")
    assert_problem(response, 422, field="answers.dt_meetings_count")
    assert response.json["errors"]["answers.dt_meetings_count"][0]["rule"] == "number_size"
    assert snapshot(runtime) == before


NUL, BELL, DEL, C1 = "\x00", "\x07", "\x7f", "\x85"
LONE_SURROGATE = "\ud800"  # JSON can carry one ("\ud800"); UTF-8 cannot, so URLs and forms cannot either


def json_body(value) -> dict:
    return {"data": json.dumps(value), "content_type": "application/json"}


# Every kind of text field: a free answer (any JSON value), an answer's key, a multi-line note,
# a query parameter, a path parameter, a single-line form field of a multipart upload.
KINDS = {
    "free answer": (lambda c: ("patch", "/reports/{id}", json_body({"answers": {"annual_plan_note": f"ke{c}"}})),
                    "answers.annual_plan_note"),
    "answer key": (lambda c: ("patch", "/reports/{id}", json_body({"answers": {f"annual{c}": 1}})), "answers.annual"),
    "multi-line note": (lambda c: ("post", "/reports/{id}/evidence-reply", json_body({"note": f"đã bổ sung{c}"})),
                        "note"),
    "query": (lambda c: ("get", f"/reports?round_id=2027{quote(c)}", {}), "round_id"),
    "path": (lambda c: ("get", f"/reports/{quote(c)}", {}), "report_id"),
    "form field": (lambda c: ("post", "/reports/{id}/evidence", {
        "data": {"criterion": f"1.1{c}", "file": (io.BytesIO(b"%PDF-1.4"), "a.pdf")},
        "content_type": "multipart/form-data"}), "criterion"),
}
CASES = [(kind, c) for kind in KINDS for c in (NUL, BELL, DEL, C1)] + \
    [(kind, LONE_SURROGATE) for kind in ("free answer", "answer key", "multi-line note")]


@pytest.mark.parametrize("kind, character", CASES)
def test_text_that_cannot_be_stored_is_refused_in_every_kind_of_field(service, kind, character):
    runtime, client, report_id = service
    before = snapshot(runtime)
    request, field = KINDS[kind]
    method, path, arguments = request(character)
    response = getattr(client, method)(path.format(id=report_id), headers=bearer(), **arguments)
    assert response.status_code == 422, response.get_data(as_text=True)
    assert response.content_type == "application/problem+json"
    [(name, [error])] = response.json["errors"].items()
    assert name.startswith(field) and error["rule"] == "control_character", response.json
    assert snapshot(runtime) == before


def test_a_single_line_field_refuses_a_line_break(service):
    runtime, client, report_id = service
    before = snapshot(runtime)
    response = client.post(f"/reports/{report_id}/evidence", headers=bearer(), content_type="multipart/form-data",
                           data={"criterion": "1.1\n1.2", "file": (io.BytesIO(b"%PDF-1.4"), "a.pdf")})
    assert_problem(response, 422, field="criterion")
    assert response.json["errors"]["criterion"][0]["rule"] == "single_line"
    assert snapshot(runtime) == before


def test_a_multi_line_note_keeps_its_line_breaks_and_tabs(service):
    _runtime, client, report_id = service
    response = client.patch(f"/reports/{report_id}", headers=bearer(),
                            json={"answers": {"annual_plan_issued": True}, "expected_version": 1})
    assert response.status_code == 200
    # the note of an evidence reply is multi-line: refused here only for the report's state, not for \n or \t
    reply = client.post(f"/reports/{report_id}/evidence-reply", headers=bearer(), json={"note": "dòng 1\n\tdòng 2"})
    assert_problem(reply, 409, mentions="bản nháp")


def test_an_oversized_json_body_is_a_vietnamese_413(service):
    runtime, client, report_id = service
    before = snapshot(runtime)
    body = json.dumps({"answers": {"annual_plan_note": "x" * (MAX_JSON_BYTES + 1)}})
    response = client.patch(f"/reports/{report_id}", data=body, headers=bearer(), content_type="application/json")
    assert_problem(response, 413, mentions="lớn hơn giới hạn")
    assert snapshot(runtime) == before


def test_an_upload_over_the_request_limit_is_a_vietnamese_413_not_werkzeugs_page(service):
    runtime, client, report_id = service
    before = snapshot(runtime)
    huge = io.BytesIO(b"%PDF-1.4\n" + b"0" * (26 * 1024 * 1024))
    response = client.post(f"/reports/{report_id}/evidence", headers=bearer(), content_type="multipart/form-data",
                           data={"criterion": "1.1", "file": (huge, "bao-cao.pdf")})
    assert_problem(response, 413, mentions="lớn hơn giới hạn")
    assert response.json["title"] == "Dữ liệu gửi lên quá lớn"
    assert snapshot(runtime) == before


def test_a_plain_text_body_is_told_to_send_json(service):
    runtime, client, report_id = service
    before = snapshot(runtime)
    response = client.patch(f"/reports/{report_id}", data='{"answers": {}}', headers=bearer(),
                            content_type="text/plain")
    assert_problem(response, 415, mentions="application/json")
    assert snapshot(runtime) == before


def test_a_huge_unknown_key_is_refused_without_echoing_it(service):
    runtime, client, report_id = service
    before = snapshot(runtime)
    key = "k" * 500_000
    response = client.patch(f"/reports/{report_id}", json={"answers": {}, key: 1}, headers=bearer())
    assert response.status_code == 422 and response.content_type == "application/problem+json"
    assert len(response.get_data()) < 4_000
    [name] = response.json["errors"]
    assert name.startswith("kkkk") and name.endswith("…") and len(name) <= 61
    assert snapshot(runtime) == before


def test_unknown_routes_and_methods_are_vietnamese_problems(service):
    _runtime, client, report_id = service
    missing = client.get("/no-such-thing", headers=bearer())
    assert_problem(missing, 404, mentions="Không có địa chỉ này")
    wrong = client.delete(f"/reports/{report_id}", headers=bearer())
    assert wrong.status_code == 405 and wrong.content_type == "application/problem+json"
    assert "DELETE" in wrong.json["detail"] and "GET" in wrong.headers["Allow"]
