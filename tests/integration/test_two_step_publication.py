"""Two-step publication on the real PostgreSQL and RabbitMQ, the four services running: provisional
results, a reconsideration request accepted (the report goes back through review and scoring)
and one rejected, then final results; ranks, ties, bands, snapshot versions, what a partner's
queue received, and that nothing unpublished is ever visible through the public API."""
from __future__ import annotations

import datetime as dt
import threading

import pytest
import sqlalchemy as sa
from requests.utils import parse_header_links

from services.publication import bootstrap as publication
from services.publication.adapters import orm as publication_orm
from services.scoring import bootstrap as scoring
from shared import cloudevents
from shared.auth import Role
from tests.integration.test_review_flow import accept_remaining, post
from tests.support import asyncapi
from tests.support.keys import TEST_KEY
from tests.support.partner import PartnerSubscriber, publish_event
from tests.support.polling import eventually
from tests.support.review_system import DEPARTMENT_REVIEWER, shut_down, start

pytestmark = pytest.mark.integration
ROUND = "2026-annual"
DEPARTMENTS = ("HT-SO-TC", "HT-SO-NV", "HT-SO-YT")
SILENT = "HT-SO-GD"  # in scope, never reports
RAISED = "1.5"  # the criterion the reconsideration is about: 8 of 10 tasks on time, in fact 10


@pytest.fixture
def partner(amqp_url, namespace):
    subscriber = PartnerSubscriber(amqp_url, namespace, patterns=("report.published", "round.published",
                                                                  "report.reconsideration_accepted"))
    yield subscriber
    subscriber.close()


@pytest.fixture
def services(settings_for, partner):
    stop = threading.Event()
    system = start(settings_for, TEST_KEY, stop)
    extra = []
    for module in (scoring, publication):
        runtime = module.runtime(settings_for(module.SERVICE))
        runtime.migrate()
        system.threads += runtime.start_background(stop)
        extra.append(runtime)
    publication_runtime = extra[1]
    clock = {"now": dt.datetime.now(dt.timezone.utc)}
    publication_runtime.clock = lambda: clock["now"]
    yield system, publication_runtime, publication.create_app(publication_runtime).test_client(), clock
    shut_down(system, stop)
    for runtime in extra:
        runtime.engine.dispose()


def send(amqp_url, namespace, routing_key, data):
    """The round's events as the submission service's calendar would send them."""
    event = cloudevents.CloudEvent(id=f"{routing_key}-{ROUND}", source="/cqs/submission",
                                   type=f"vn.gov.cqs.{routing_key}", subject=f"rounds/{ROUND}",
                                   time="2026-11-01T00:00:00Z", data=data)
    publish_event(amqp_url, namespace, event)


def scores_recorded(runtime) -> dict[str, str]:
    with runtime.engine.connect() as conn:
        return dict(conn.execute(sa.select(publication_orm.scores.c.unit_code,
                                           publication_orm.scores.c.score_id)).all())


def test_provisional_reconsideration_final(services, partner, amqp_url, namespace):
    system, runtime, client, clock = services
    province = system.token("reviewer-a", Role.DEPARTMENT_REVIEWER, DEPARTMENT_REVIEWER)
    units = [{"code": code, "unit_name_vi": f"Đơn vị {code}", "unit_type": "province_department",
              "reviewer_unit_code": DEPARTMENT_REVIEWER, "reviewer_kind": "department"}
             for code in (*DEPARTMENTS, SILENT)]
    send(amqp_url, namespace, "round.opened", {
        "round_id": ROUND, "kind": "annual_evaluation", "year": 2026, "period_month": None,
        "catalog_versions": {"province_department": "hatinh-2021-ref-1"}, "windows": {},
        "unit_codes": [unit["code"] for unit in units], "units": units, "opened_at": "2025-11-15T08:00:00+07:00",
        "commune_results_due": None, "reporting_districts": [], "reviewing_body": ""})

    # Three departments report the same answers: they tie.
    reports = {}
    for code in DEPARTMENTS:
        report, case = system.submitted_case(unit_code=code, unit_type="province_department",
                                             reviewer=DEPARTMENT_REVIEWER, reviewer_kind="department")
        version = accept_remaining(system, report.id, province)
        assert post(system, report.id, "verify", {"expected_version": version}, province).status_code == 200
        reports[code] = report
    first_scores = eventually(lambda: len(found := scores_recorded(runtime)) == 3 and found, what="scores recorded")

    # Nothing is public before publication, and the province waits for the round to close.
    assert client.get(f"/results/{ROUND}").status_code == 404
    assert client.get(f"/units/{DEPARTMENTS[0]}/results").json == []
    assert client.get("/search", query_string={"q": "don vi"}).json == []
    assert client.get("/published-rounds").json == []
    assert client.post(f"/rounds/{ROUND}/publish", headers=province).status_code == 409
    send(amqp_url, namespace, "round.closed", {"round_id": ROUND, "kind": "annual_evaluation", "year": 2026,
                                               "period_month": None, "closed_at": "2026-11-15T00:00:00+07:00"})
    provisional = eventually(lambda: (r := client.post(f"/rounds/{ROUND}/publish", headers=province,
                                                     json={"feedback_days": 5})).status_code == 201 and r,
                           what="provisional publication")
    assert (provisional.json["version"], provisional.json["stage"]) == (1, "provisional")
    [ranking] = provisional.json["scopes"]
    assert ranking["complete"] is False and [u["unit_code"] for u in ranking["missing_units"]] == [SILENT]
    public = client.get(f"/results/{ROUND}").json
    assert [(item["unit_code"], item["rank"]) for item in public] == [(code, 1) for code in sorted(DEPARTMENTS)]
    provisional_total = public[0]["total"]
    assert {item["band"]["code"] for item in public} == {public[0]["band"]["code"]}
    assert public[0]["band"]["name_vi"] in ("Tốt", "Khá", "Trung bình", "Yếu")

    # Two units file requests; the final results wait for the window and the answers.
    raised, refused = DEPARTMENTS[0], DEPARTMENTS[1]
    filed = client.post(f"/rounds/{ROUND}/reconsiderations", headers=system.reporter(raised),
                        json={"criteria": [RAISED], "reason": "Cả 10 nhiệm vụ đều hoàn thành đúng hạn, văn bản kèm theo"})
    assert filed.status_code == 201, filed.json
    other = client.post(f"/rounds/{ROUND}/reconsiderations", headers=system.reporter(refused),
                        json={"criteria": ["1.1"], "reason": "Đề nghị xem xét lại"})
    assert other.status_code == 201, other.json
    unknown = client.post(f"/rounds/{ROUND}/reconsiderations", headers=system.reporter(refused),
                          json={"criteria": ["9.9"], "reason": "?"})
    assert unknown.status_code == 422 and "9.9" in unknown.json["detail"]
    assert client.post(f"/rounds/{ROUND}/publish", headers=province).status_code == 409  # window open
    rejected = client.post(f"/reconsiderations/{other.json['id']}/answers", headers=province,
                           json={"criterion": "1.1", "decision": "rejected", "reason": "Minh chứng không mới"})
    assert rejected.json["status"] == "rejected"
    seen_by_unit = client.get(f"/rounds/{ROUND}/reconsiderations", headers=system.reporter(refused)).json
    assert [(r["status"], r["answers"]["1.1"]["reason"]) for r in seen_by_unit] == [("rejected",
                                                                                      "Minh chứng không mới")]
    accepted = client.post(f"/reconsiderations/{filed.json['id']}/answers", headers=province,
                           json={"criterion": RAISED, "decision": "accepted", "reason": "Biên bản hợp lệ"})
    assert accepted.json["status"] == "accepted"

    # Accepted: the case is under review again; the reviewer decides 1.5 anew and verifies.
    report = reports[raised]
    case = system.wait_for_case(report.id, province, status="submitted")
    assert RAISED in case["undecided"]
    eventually(lambda: system.report_status(report)["status"] == "submitted", what="submission follows")
    criterion = system.review_client.get(f"/cases/{report.id}", headers=province).json
    adjusted = post(system, report.id, "decisions", {
        "criterion": RAISED, "decision": "adjust", "values": {"tasks_done_on_time": 10}, "reason": "Theo kiến nghị",
        "expected_version": criterion["version"]}, province)
    assert adjusted.status_code == 200, adjusted.json
    version = accept_remaining(system, report.id, province)
    assert post(system, report.id, "verify", {"expected_version": version}, province).status_code == 200
    eventually(lambda: scores_recorded(runtime)[raised] != first_scores[raised], what="re-scored")

    # The new score is not published yet: every unit and round shows only what was published.
    clock["now"] += dt.timedelta(days=6)
    for code in (*DEPARTMENTS, SILENT, "NOT-A-UNIT"):
        history = client.get(f"/units/{code}/results").json
        assert all(item["total"] == provisional_total and item["snapshot_version"] == 1 for item in history)
        assert len(history) == (1 if code in DEPARTMENTS else 0)
    assert {item["total"] for item in client.get(f"/results/{ROUND}").json} == {provisional_total}
    assert client.get("/results/2025-annual").status_code == 404
    found = client.get("/search", query_string={"q": "don vi ht-so"}).json  # without diacritics
    assert sorted(unit["unit_code"] for unit in found) == sorted(DEPARTMENTS)  # SILENT has nothing published

    final = client.post(f"/rounds/{ROUND}/publish", headers=province)
    assert final.status_code == 201, final.json
    assert (final.json["version"], final.json["stage"]) == (2, "final")
    assert [change["unit_code"] for change in final.json["changes"]] == sorted(DEPARTMENTS)
    public = client.get(f"/results/{ROUND}").json
    assert [(item["unit_code"], item["rank"]) for item in public] == [
        (raised, 1), *[(code, 2) for code in sorted(set(DEPARTMENTS) - {raised})]]
    assert public[0]["total"] > provisional_total and public[0]["stage"] == "final"
    older = client.get(f"/results/{ROUND}", query_string={"version": 1}).json
    assert {item["total"] for item in older} == {provisional_total}
    [listed] = client.get("/published-rounds").json
    assert (listed["round_id"], listed["stage"], listed["latest_version"]) == (ROUND, "final", 2)
    versions = client.get(f"/rounds/{ROUND}/snapshots").json
    assert [(v["version"], v["stage"]) for v in versions] == [(1, "provisional"), (2, "final")]
    paged = client.get(f"/results/{ROUND}", query_string={"page_size": 2})
    links = {link["rel"]: link["url"] for link in parse_header_links(paged.headers["Link"])}
    assert len(paged.json) == 2 and set(links) == {"first", "next", "last"}
    assert [item["unit_code"] for item in client.get(links["next"].removeprefix("http://localhost")).json] == [
        public[2]["unit_code"]]
    etag = client.get(f"/results/{ROUND}").headers["ETag"]
    assert client.get(f"/results/{ROUND}", headers={"If-None-Match": etag}).status_code == 304

    events = partner.collect(lambda got: sum(e["type"] == "vn.gov.cqs.round.published" for e in got) == 2)
    for routing_key, event in zip(partner.routing_keys, events, strict=True):
        asyncapi.validate(routing_key, event)
    assert [(key, e["data"].get("stage")) for key, e in zip(partner.routing_keys, events, strict=True)
            if key == "round.published"] == [("round.published", "provisional"), ("round.published", "final")]
    assert sorted(e["data"]["unit_code"] for e in events if e["type"] == "vn.gov.cqs.report.published") == sorted(
        [*DEPARTMENTS, raised])  # the re-scored report is published again, once
    [reconsidered] = [e for e in events if e["type"] == "vn.gov.cqs.report.reconsideration_accepted"]
    assert reconsidered["data"]["criteria"] == [RAISED]

