"""The reporting calendar on the real PostgreSQL and RabbitMQ: rounds opened over the Hà Tĩnh
registry (three-tier 2021, two-tier 2025), deadlines and extensions over HTTP, the scheduler
on an injected clock, completeness, and the registry API."""
from __future__ import annotations

import datetime as dt
import io
import json

import pytest
import sqlalchemy as sa

from services.rounds.adapters.seed_files import HATINH_UNIT_FILES, REVIEW_MODELS_FILE
from services.rounds.domain.calendar import VIETNAM_TZ, RoundKind
from services.rounds.domain.units import UnitType
from services.rounds.service_layer import registry, rounds, scheduler
from services.submission import bootstrap as submission
from services.submission.adapters import orm
from services.submission.service_layer import handlers
from shared.auth import Principal, Role
from shared.criteria import load_catalog
from tests.support import asyncapi, http_flow
from tests.support.answers import evidence_criteria, unit_answers
from tests.support.documents import MINIMAL_PDF
from tests.support.keys import TEST_KEY
from tests.support.partner import PartnerSubscriber
from tests.support.polling import eventually
from tests.support.running import in_background

pytestmark = pytest.mark.integration
EXCLUDED = {"BCHQS", "BCHBDBP"}  # the Military and Border Guard Commands, registered but not evaluated
PDF = MINIMAL_PDF


def vn(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=VIETNAM_TZ)


class Clock:
    """The runtime's clock, set by the test instead of waiting for time to pass."""

    def __init__(self, now: dt.datetime):
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def runtime(settings_for):
    service_runtime = submission.runtime(settings_for("submission"))
    service_runtime.migrate()
    service_runtime.clock = Clock(vn(2021, 11, 10, 8))
    registry.load_units(service_runtime.uow_factory(), HATINH_UNIT_FILES)
    registry.load_review_models_file(service_runtime.uow_factory(), REVIEW_MODELS_FILE)
    yield service_runtime
    service_runtime.engine.dispose()


@pytest.fixture
def client(runtime):
    return submission.create_app(runtime).test_client()


@pytest.fixture
def partner(amqp_url, namespace):
    subscriber = PartnerSubscriber(amqp_url, namespace, patterns=("round.*",))
    yield subscriber
    subscriber.close()


def auth(role: Role, unit: str, user: str = "tester") -> dict[str, str]:
    return http_flow.auth(TEST_KEY, role, unit, user)


ADMIN = auth(Role.ADMIN, "HT", "admin@ht")


def _reports(runtime, round_id: str) -> dict[str, dict]:
    with runtime.engine.connect() as conn:
        rows = conn.execute(sa.select(orm.reports).where(orm.reports.c.round_id == round_id)).mappings()
        return {row["unit_code"]: dict(row) for row in rows}


def _events(runtime, routing_key: str) -> list[dict]:
    with runtime.engine.connect() as conn:
        bodies = conn.execute(sa.select(orm.outbox.c.body).where(orm.outbox.c.routing_key == routing_key)
                              .order_by(orm.outbox.c.id)).scalars()
        return [json.loads(body) for body in bodies]


def _open(client, runtime, year: int, on: dt.datetime) -> dict:
    assert client.post("/rounds", json={"kind": "annual_evaluation", "year": year}, headers=ADMIN).status_code == 201
    runtime.clock.now = on
    response = client.post(f"/rounds/{year}-annual/open", headers=ADMIN)
    assert response.status_code == 200, response.json
    return response.json


def _fill_in(client, report: dict, headers: dict) -> dict:
    """Answer every input and attach the evidence the catalog requires, so the draft can be submitted."""
    unit_catalog = load_catalog(report["catalog_version"]).unit_type(report["unit_type"])
    answers = unit_answers(unit_catalog)
    assert client.patch(f"/reports/{report['id']}", json={"answers": answers}, headers=headers).status_code == 200
    for criterion in evidence_criteria(unit_catalog):
        uploaded = client.post(f"/reports/{report['id']}/evidence", headers=headers, content_type="multipart/form-data",
                               data={"criterion": criterion, "file": (io.BytesIO(PDF), f"minh-chung-{criterion}.pdf")})
        assert uploaded.status_code == 201, uploaded.json
    return answers


def _evaluated_codes(runtime, on: dt.date) -> set[str]:
    with runtime.uow_factory() as uow:
        registry = uow.units.registry()
    return {unit.code for unit in registry.evaluated_units(on)}


def refused_fields(response) -> set[str]:
    """The fields a 422 refusal names."""
    assert response.status_code == 422, response.json
    return set(response.json["errors"])


def test_opening_over_the_2021_tree_makes_one_draft_per_evaluated_unit_and_tells_partners(
        client, runtime, partner):
    body = _open(client, runtime, 2022, vn(2021, 11, 10, 8))

    drafts = _reports(runtime, "2022-annual")
    assert set(drafts) == _evaluated_codes(runtime, dt.date(2021, 11, 10))
    assert body["unit_count"] == len(drafts)
    assert sum(d["unit_type"] == "commune" for d in drafts.values()) == 216
    assert sum(d["unit_type"] == "district" for d in drafts.values()) == 13
    assert not EXCLUDED & set(drafts) and "HT" not in drafts
    assert {d["status"] for d in drafts.values()} == {"draft"}
    assert drafts["STC"]["unit_name_vi"] == "Sở Tài chính" and drafts["STC"]["unit_type"] == "province_department"
    assert drafts["STC"]["catalog_version"] == "hatinh-2021-ref-1"
    assert body["commune_results_due"] == "2022-11-15T00:00:00+07:00"

    assert runtime.relay().relay_once() >= 1
    [event] = partner.collect(lambda got: len(got) >= 1)
    asyncapi.validate("round.opened", event)
    assert event["data"]["round_id"] == "2022-annual"
    assert set(event["data"]["unit_codes"]) == set(drafts)
    assert dt.datetime.fromisoformat(event["data"]["commune_results_due"]) == vn(2022, 11, 15)


@pytest.mark.parametrize("year, opened_on, commune, reviewer, kind", [
    (2022, vn(2021, 11, 10, 8), "18070", "436", "district"),  # 2021: Phường Trần Phú, by Thành phố Hà Tĩnh
    (2026, vn(2025, 11, 10, 8), "18073-2025", "SKHCN", "department"),  # two tiers: Phường Thành Sen, by SKHCN
])
def test_who_reviews_a_commune_follows_the_model_in_force_when_the_round_opens(
        client, runtime, year, opened_on, commune, reviewer, kind):
    body = _open(client, runtime, year, opened_on)
    [opened] = _events(runtime, "round.opened")
    asyncapi.validate("round.opened", opened)
    assert opened["data"]["commune_results_due"] == body["commune_results_due"]
    drafts = _reports(runtime, f"{year}-annual")
    communes = {code: d for code, d in drafts.items() if d["unit_type"] == "commune"}
    assert (drafts[commune]["reviewer_unit_code"], drafts[commune]["reviewer_kind"]) == (reviewer, kind)
    assert {d["reviewer_kind"] for d in communes.values()} == {kind}
    assert drafts["STC"]["reviewer_unit_code"] == ("STTTT" if year == 2022 else "SKHCN")
    if kind == "department":
        # No district anywhere: none in scope, none reviewing, no consolidation date.
        assert not any(d["unit_type"] == "district" for d in drafts.values())
        assert {d["reviewer_unit_code"] for d in communes.values()} == {"SKHCN"}
        assert len(communes) == 69
        assert body["commune_results_due"] is None
    else:
        assert len({d["reviewer_unit_code"] for d in communes.values()}) == 13


def test_a_late_submission_is_refused_in_both_languages_until_an_admin_extends_the_deadline(client, runtime):
    _open(client, runtime, 2026, vn(2025, 11, 15, 8))
    report = _reports(runtime, "2026-annual")["STC"]
    report_id = report["id"]
    reporter = auth(Role.UNIT_REPORTER, "STC", "reporter@stc")
    _fill_in(client, report, reporter)

    runtime.clock.now = vn(2026, 11, 15)  # the departments' deadline: 15 Nov 00:00 is already late
    refused = client.post(f"/reports/{report_id}/submit", json={}, headers=reporter)
    assert refused.status_code == 409
    assert refused.content_type == "application/problem+json"
    assert "Đã hết hạn nộp báo cáo" in refused.json["detail"] and "14/11/2026" in refused.json["detail"]
    assert "Submission closed" in refused.json["detail_en"]

    asked = {"unit_code": "STC", "until": "2026-11-20T00:00:00+07:00"}
    assert "reason" in refused_fields(client.post("/rounds/2026-annual/extensions", headers=ADMIN, json=asked))
    assert "reason" in refused_fields(client.post("/rounds/2026-annual/extensions", headers=ADMIN,
                                                  json={**asked, "reason": "  "}))
    not_admin = client.post("/rounds/2026-annual/extensions", headers=reporter, json={**asked, "reason": "xin gia hạn"})
    assert not_admin.status_code == 403

    granted = client.post("/rounds/2026-annual/extensions", headers=ADMIN,
                          json={**asked, "reason": "Sự cố hệ thống một cửa điện tử"})
    assert granted.status_code == 201
    [extension] = granted.json["extensions"]
    assert extension["by"] == "admin@ht" and extension["reason"] == "Sự cố hệ thống một cửa điện tử"

    accepted = client.post(f"/reports/{report_id}/submit", json={}, headers=reporter)
    assert accepted.status_code == 200 and accepted.json["status"] == "submitted"
    # Another department, without an extension, is still refused.
    other_id = _reports(runtime, "2026-annual")["SNV"]["id"]
    assert client.post(f"/reports/{other_id}/submit", json={},
                       headers=auth(Role.UNIT_REPORTER, "SNV")).status_code == 409


def test_the_scheduler_opens_reminds_closes_and_rolls_over_by_itself(client, runtime):
    rounds.create_round(runtime.uow_factory(), RoundKind.ANNUAL_EVALUATION, 2022)
    [calendar] = runtime.periodic_jobs

    def tick(now: dt.datetime) -> dict[str, str]:
        calendar.run(now)
        return {r.id: r.status.value for r in rounds.list_rounds(runtime.uow_factory())}

    assert tick(vn(2021, 11, 9, 23)) == {"2022-annual": "planned"}
    assert tick(vn(2021, 11, 10, 0, 1)) == {"2022-annual": "open", "2023-annual": "planned"}
    drafts = _reports(runtime, "2022-annual")
    assert len(drafts) > 200

    answers = _fill_in(client, drafts["STC"], auth(Role.UNIT_REPORTER, "STC"))
    stc = Principal("reporter@stc", Role.UNIT_REPORTER, "STC")
    handlers.submit(runtime.uow_factory(), drafts["STC"]["id"], stc, now=vn(2022, 11, 1))

    tick(vn(2022, 11, 3, 0, 5))  # 7 days before the communes' deadline (10 Nov)
    tick(vn(2022, 11, 3, 0, 6))  # the same reminder is not sent twice
    tick(vn(2022, 11, 8, 9))  # 7 days before the others' deadline (15 Nov)
    assert tick(vn(2022, 11, 9, 9)) == {"2022-annual": "open", "2023-annual": "planned"}  # communes: 1 day
    # The next evaluation year starts for communes on 10 Nov: it opens, and the one after is planned.
    assert tick(vn(2022, 11, 10, 0, 5)) == {"2022-annual": "open", "2023-annual": "open", "2024-annual": "planned"}
    tick(vn(2022, 11, 14, 9))  # the others: 1 day
    reminders = [(e["data"]["round_id"], e["data"]["unit_type"], e["data"]["days_left"])
                 for e in _events(runtime, "round.deadline_approaching")]
    others = ("central_agency", "district", "province_department")
    assert sorted(reminders) == sorted(
        [("2022-annual", "commune", 7), ("2022-annual", "commune", 1)]
        + [("2022-annual", unit_type, days) for unit_type in others for days in (7, 1)])
    assert reminders[0] == ("2022-annual", "commune", 7) and reminders[4] == ("2022-annual", "commune", 1)
    for reminder in _events(runtime, "round.deadline_approaching"):
        if reminder["data"]["unit_type"] == "province_department":
            assert "STC" not in reminder["data"]["unit_codes"] and "SNV" in reminder["data"]["unit_codes"]
    for event in _events(runtime, "round.deadline_approaching"):
        asyncapi.validate("round.deadline_approaching", event)

    # The 2023 draft of STC starts from its 2022 answers (same catalog, nothing changed).
    assert _reports(runtime, "2023-annual")["STC"]["answers"] == answers

    assert tick(vn(2022, 11, 15))["2022-annual"] == "closed"
    [closed] = _events(runtime, "round.closed")
    asyncapi.validate("round.closed", closed)
    assert closed["data"]["round_id"] == "2022-annual"
    assert [e["data"]["round_id"] for e in _events(runtime, "round.opened")] == ["2022-annual", "2023-annual"]


def test_an_extension_keeps_the_round_open_for_the_scheduler(client, runtime):
    _open(client, runtime, 2026, vn(2025, 11, 15, 8))
    runtime.clock.now = vn(2026, 11, 14)
    extended = client.post("/rounds/2026-annual/extensions", headers=ADMIN, json={
        "unit_code": "18073-2025", "until": "2026-11-25T00:00:00+07:00", "reason": "Sáp nhập đơn vị"})
    assert extended.status_code == 201
    scheduler.run_calendar(runtime.uow_factory, vn(2026, 11, 20))
    assert client.get("/rounds/2026-annual", headers=ADMIN).json["status"] == "open"
    scheduler.run_calendar(runtime.uow_factory, vn(2026, 11, 25))
    assert client.get("/rounds/2026-annual", headers=ADMIN).json["status"] == "closed"


def test_the_worker_runs_the_calendar_on_the_runtime_clock(runtime):
    rounds.create_round(runtime.uow_factory(), RoundKind.ANNUAL_EVALUATION, 2022)
    runtime.clock.now = vn(2021, 11, 12)
    with in_background(runtime):
        eventually(lambda: rounds.get_round(runtime.uow_factory(), "2022-annual").status.value == "open",
                   what="the calendar job opening the round")
    assert rounds.get_round(runtime.uow_factory(), "2022-annual").opened_at == vn(2021, 11, 12)


def test_completeness_counts_per_unit_type_lists_late_units_and_is_scoped(client, runtime):
    _open(client, runtime, 2022, vn(2021, 11, 10, 8))
    drafts = _reports(runtime, "2022-annual")
    runtime.clock.now = vn(2022, 11, 1)
    tran_phu = auth(Role.UNIT_REPORTER, "18070")
    _fill_in(client, drafts["18070"], tran_phu)
    assert client.post(f"/reports/{drafts['18070']['id']}/submit", json={}, headers=tran_phu).status_code == 200

    runtime.clock.now = vn(2022, 11, 12)  # the communes' deadline has passed, the others' has not
    body = client.get("/rounds/2022-annual/completeness", headers=ADMIN).json
    communes = [d for d in drafts.values() if d["unit_type"] == "commune"]
    assert body["counts"]["commune"]["submitted"] == 1
    assert body["counts"]["commune"]["draft"] == len(communes) - 1
    assert body["counts"]["province_department"]["draft"] == sum(
        d["unit_type"] == "province_department" for d in drafts.values())
    late = {unit["unit_code"] for unit in body["late"]}
    assert late == {d["unit_code"] for d in communes} - {"18070"}

    department = client.get("/rounds/2022-annual/completeness", headers=auth(Role.DEPARTMENT_REVIEWER, "STTTT")).json
    assert department["counts"] == body["counts"]

    district = client.get("/rounds/2022-annual/completeness", headers=auth(Role.DISTRICT_REVIEWER, "436")).json
    own_communes = {d["unit_code"] for d in communes if d["reviewer_unit_code"] == "436"}
    assert set(district["counts"]) == {"commune"}
    assert district["counts"]["commune"]["submitted"] == 1
    assert district["counts"]["commune"]["draft"] == len(own_communes) - 1
    assert {unit["unit_code"] for unit in district["late"]} == own_communes - {"18070"}

    assert client.get("/rounds/2022-annual/completeness",
                      headers=auth(Role.UNIT_REPORTER, "STC")).status_code == 403


def test_round_administration_over_http(client, runtime):
    assert client.post("/rounds", json={"kind": "annual_evaluation", "year": 2026, "colour": "red"},
                       headers=ADMIN).status_code == 422
    assert client.post("/rounds", json={"kind": "annual_evaluation", "year": 2026, "period_month": 6},
                       headers=ADMIN).status_code == 422
    assert client.post("/rounds", json={"kind": "annual_evaluation", "year": 2026,
                                        "catalog_versions": {"commune": "no-such-catalog"}},
                       headers=ADMIN).status_code == 422
    assert client.post("/rounds", json={"kind": "annual_evaluation", "year": 2026},
                       headers=auth(Role.DEPARTMENT_REVIEWER, "SKHCN")).status_code == 403

    created = client.post("/rounds", json={"kind": "progress_update", "year": 2026, "period_month": 6},
                          headers=ADMIN)
    assert created.status_code == 201
    assert created.json["id"] == "2026-progress-06" and created.json["status"] == "planned"
    assert created.json["windows"]["commune"] == {"start": "2026-01-01T00:00:00+07:00",
                                                  "end": "2026-06-15T00:00:00+07:00"}
    assert set(created.json["catalog_versions"]) == {t.value for t in UnitType} - {"province"}
    assert client.post("/rounds", json={"kind": "progress_update", "year": 2026, "period_month": 6},
                       headers=ADMIN).status_code == 409

    window = {"start": "2026-01-01T00:00:00+07:00", "end": "2026-06-20T00:00:00+07:00"}
    assert "reason" in refused_fields(client.put("/rounds/2026-progress-06/windows/commune", headers=ADMIN,
                                                 json=window))
    assert "start" in refused_fields(client.put("/rounds/2026-progress-06/windows/commune", headers=ADMIN, json={
        "start": "2026-01-01T00:00:00", "end": "2026-06-20T00:00:00", "reason": "x"}))  # no time zone
    assert client.put("/rounds/2026-progress-06/windows/village", headers=ADMIN,
                      json={**window, "reason": "x"}).status_code == 422
    moved = client.put("/rounds/2026-progress-06/windows/commune", headers=ADMIN,
                       json={**window, "reason": "Hợp nhất đơn vị hành chính"})
    assert moved.status_code == 200
    [override] = moved.json["window_overrides"]
    assert override["before"]["end"] == "2026-06-15T00:00:00+07:00"
    assert override["after"]["end"] == "2026-06-20T00:00:00+07:00"
    assert override["reason"] == "Hợp nhất đơn vị hành chính" and override["by"] == "admin@ht"

    runtime.clock.now = vn(2026, 1, 5)
    assert client.post("/rounds/2026-progress-06/open", headers=ADMIN).status_code == 200
    assert client.post("/rounds/2026-progress-06/open", headers=ADMIN).status_code == 409
    assert client.post("/rounds/2026-progress-06/close", headers=ADMIN).status_code == 200
    again = client.post("/rounds/2026-progress-06/close", headers=ADMIN)
    assert again.status_code == 409 and "đã đóng, không thể đóng lại" in again.json["detail"] and "closed" in again.json["detail_en"]
    assert client.get("/rounds/2026-progress-07", headers=ADMIN).status_code == 404

    listed = client.get("/rounds", headers=auth(Role.UNIT_REPORTER, "STC")).json
    assert [(r["id"], r["status"]) for r in listed] == [("2026-progress-06", "closed")]


def test_the_unit_registry_over_http(client):
    headers = auth(Role.UNIT_REPORTER, "STC")
    districts_2021 = client.get("/units?on=2021-06-01&type=district", headers=headers).json
    assert len(districts_2021) == 13 and districts_2021[0]["parent_code"] == "HT"
    assert client.get("/units?on=2026-01-01&type=district", headers=headers).json == []
    communes_2026 = client.get("/units?on=2026-01-01&type=commune", headers=headers)
    assert communes_2026.headers["X-Pagination"] and len(communes_2026.json) == 50  # the default page
    rest = client.get("/units?on=2026-01-01&type=commune&page=2", headers=headers)
    assert len(rest.json) == 19 and 'rel="prev"' in rest.headers["Link"] and 'rel="next"' not in rest.headers["Link"]
    first_link = communes_2026.headers["Link"].split(", ")
    assert first_link[0].endswith('page=1&page_size=50>; rel="first"') and 'type=commune' in first_link[0]
    assert any(link.endswith('page=2&page_size=50>; rel="next"') for link in first_link)
    assert {u["parent_code"] for u in communes_2026.json + rest.json} == {"HT"}
    everything = client.get("/units?page_size=500", headers=headers).json
    military = next(u for u in everything if u["code"] == "BCHQS")
    assert military["evaluated"] is False and military["type"] == "province_department"
    tran_phu = next(u for u in everything if u["code"] == "18070")
    assert tran_phu["active_to"] == "2025-07-01" and tran_phu["merged_into"] == "18073-2025"
    assert client.get("/units?type=village", headers=headers).status_code == 422
    assert client.get("/units?page_size=501", headers=headers).json["errors"]["page_size"][0]["rule"] == "range"


def test_loading_the_registry_twice_changes_nothing(runtime):
    with runtime.engine.connect() as conn:
        before = conn.execute(sa.text("SELECT count(*) FROM units")).scalar_one()
    assert registry.load_units(runtime.uow_factory(), HATINH_UNIT_FILES) == before
    with runtime.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM units")).scalar_one() == before


def test_loading_a_changed_registry_updates_the_units_it_changes_adds_the_new_ones_or_changes_nothing(
        runtime, tmp_path):
    renamed = tmp_path / "hatinh-2021.yaml"
    renamed.write_text(HATINH_UNIT_FILES[0].read_text(encoding="utf-8").replace(
        "{code: STP, name_vi: Sở Tư pháp,", "{code: STP, name_vi: Sở Tư pháp tỉnh Hà Tĩnh,"), encoding="utf-8")
    added = tmp_path / "added.yaml"
    added.write_text("active_from: 2026-01-01\nunits:\n  - {code: SNEW, name_vi: Sở Mới, "
                     "unit_type: province_department, parent_code: HT}\n", encoding="utf-8")
    with runtime.engine.connect() as conn:
        before = conn.execute(sa.text("SELECT count(*) FROM units")).scalar_one()
    assert registry.load_units(runtime.uow_factory(), [renamed, HATINH_UNIT_FILES[1], added]) == before + 1
    with runtime.uow_factory() as uow:
        assert uow.units.get("STP").name_vi == "Sở Tư pháp tỉnh Hà Tĩnh"
        assert uow.units.get("SNEW").active_from == dt.date(2026, 1, 1)
        assert uow.units.get("SKHCN").name_vi == "Sở Khoa học và Công nghệ"
        assert len(uow.units.registry()) == before + 1

    orphan = tmp_path / "orphan.yaml"
    orphan.write_text("active_from: 2026-01-01\nunits:\n  - {code: XORPHAN, name_vi: Xã lạc, unit_type: commune, "
                      "parent_code: NOWHERE}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="NOWHERE"):
        registry.load_units(runtime.uow_factory(), [HATINH_UNIT_FILES[0], orphan])
    with runtime.uow_factory() as uow:
        assert uow.units.get("XORPHAN") is None and uow.units.get("STP").name_vi == "Sở Tư pháp tỉnh Hà Tĩnh"


def test_a_new_round_is_pre_filled_from_the_units_last_submitted_report_only(client, runtime):
    """2023 takes the answers STP submitted in 2022; SYT, which only drafted in 2022, starts empty."""
    _open(client, runtime, 2022, vn(2021, 11, 20, 8))
    stp = _reports(runtime, "2022-annual")["STP"]
    reporter = auth(Role.UNIT_REPORTER, "STP")
    answers = _fill_in(client, {**stp, "id": stp["id"]}, reporter)
    assert client.post(f"/reports/{stp['id']}/submit", json={}, headers=reporter).status_code == 200
    client.patch(f"/reports/{_reports(runtime, '2022-annual')['SYT']['id']}", json={"answers": {"dt_news_count": 3}},
                 headers=auth(Role.UNIT_REPORTER, "SYT"))

    _open(client, runtime, 2023, vn(2022, 11, 20, 8))
    later = _reports(runtime, "2023-annual")
    assert later["STP"]["answers"] == answers
    assert later["SYT"]["answers"] == {}
