"""The scoring service on the real RabbitMQ and PostgreSQL: a verified report in, a scored
report out, exactly once."""
from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml

from services.scoring import bootstrap as scoring
from services.scoring.adapters import orm
from shared import cloudevents
from shared.auth import Role, issue_token
from shared.domain.report_events import ReportVerified
from tests.support import asyncapi
from tests.support.keys import TEST_KEY
from tests.support.partner import PartnerSubscriber, publish_event
from tests.support.polling import eventually
from tests.support.running import running

pytestmark = pytest.mark.integration
EXAMPLES = yaml.safe_load((Path(__file__).parents[1] / "unit" / "criteria" / "worked_examples.yaml").read_text())
EX1 = next(example for example in EXAMPLES["examples"] if example["id"] == "EX1")


ADJUSTED = {"tasks_done_on_time": {"kind": "unit", "adjusted": True, "reason": "Biên bản chỉ chứng minh 7 nhiệm vụ"}}


def verified(report_id: str = "r-ex1") -> cloudevents.CloudEvent:
    return cloudevents.from_event(ReportVerified(
        report_id=report_id, round_id="2026-annual", unit_code="18118", unit_name_vi="Xã Thạch Hạ",
        unit_type="commune", reviewer_unit_code="436", reviewer_kind="district", catalog_version=EX1.get(
            "version", "hatinh-2021-ref-1"), revision=1, answers=EX1["inputs"], self_assessed_answers=EX1["inputs"],
        adjustments=[], points_overrides={}, verified_by="reviewer", verified_at="2026-11-05T08:00:00+07:00",
        input_sources=ADJUSTED,
    ), source="/cqs/review")


@pytest.fixture
def running_scoring(settings_for):
    with running(scoring.runtime(settings_for("scoring"))) as runtime:
        yield runtime


def processed_ids(runtime) -> int:
    with runtime.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(orm.processed_events)).scalar_one()


def scored_in_outbox(runtime) -> int:
    with runtime.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(orm.outbox)
                            .where(orm.outbox.c.routing_key == "report.scored")).scalar_one()


def score_rows(runtime) -> int:
    with runtime.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(orm.scores)).scalar_one()


def test_a_verified_report_comes_back_scored_once(running_scoring, amqp_url, namespace):
    partner = PartnerSubscriber(amqp_url, namespace, patterns=("report.scored",))
    try:
        event = verified()
        publish_event(amqp_url, namespace, event, times=2)   # a duplicate delivery of the same event
        publish_event(amqp_url, namespace, verified())       # the same content under a new event id
        [scored] = partner.collect(lambda got: len(got) >= 1)
        # The queue delivers in order: once the third message's id is recorded, the duplicate
        # before it was handled too, and whatever the three produced is in the outbox.
        eventually(lambda: processed_ids(running_scoring) == 2)
    finally:
        partner.close()
    assert scored_in_outbox(running_scoring) == 1
    asyncapi.validate("report.scored", scored)
    assert scored["data"]["total"] == "780.60"
    assert scored["data"]["classification"]["name_vi"] == "Khá"
    assert scored["data"]["criteria"]["1.4"] == "26.25" and scored["data"]["criteria"]["6.9"] is None
    assert score_rows(running_scoring) == 1

    app = scoring.create_app(running_scoring)
    token = issue_token(TEST_KEY, "reporter", Role.UNIT_REPORTER, "18118")
    body = app.test_client().get("/scores/r-ex1", headers={"Authorization": f"Bearer {token}"}).json
    criterion = next(c for c in body["breakdown"]["criteria"] if c["code"] == "1.4")
    assert {item["key"]: item["value"] for item in criterion["inputs"]} == {"tasks_done_on_time": 7,
                                                                           "tasks_assigned": 8}
    assert criterion["points"] == 26.25 and body["breakdown"]["total"] == 780.6
    assert "7/8" in criterion["explanation_vi"].replace(" ", "")
    assert body["input_sources"] == ADJUSTED  # the unit reads why the reviewer changed its figure
    other = issue_token(TEST_KEY, "reporter", Role.UNIT_REPORTER, "18119")
    assert app.test_client().get("/scores/r-ex1", headers={"Authorization": f"Bearer {other}"}).status_code == 403
    # The commune's reviewer is district 436: that unit in the wrong role, or the Department in
    # the district's role, sees nothing; the district reviewer and an auditor do.
    for role, unit, status in ((Role.DEPARTMENT_REVIEWER, "436", 403), (Role.DISTRICT_REVIEWER, "SKHCN", 403),
                               (Role.DISTRICT_REVIEWER, "436", 200), (Role.AUDITOR, "TTRA", 200)):
        token = issue_token(TEST_KEY, "someone", role, unit)
        assert app.test_client().get("/scores/r-ex1", headers={"Authorization": f"Bearer {token}"}).status_code \
            == status, (role, unit)


def test_an_admin_rescore_under_the_same_catalog_changes_nothing(running_scoring, amqp_url, namespace):
    partner = PartnerSubscriber(amqp_url, namespace, patterns=("report.scored",))
    try:
        publish_event(amqp_url, namespace, verified())
        partner.collect(lambda got: len(got) >= 1)
    finally:
        partner.close()
    app = scoring.create_app(running_scoring)
    admin = issue_token(TEST_KEY, "admin", Role.ADMIN, "HT")
    response = app.test_client().post("/rounds/2026-annual/rescore", headers={"Authorization": f"Bearer {admin}"},
                                      json={"catalog_version": "hatinh-2021-ref-1", "reason": "kiểm tra lại"})
    assert response.status_code == 200 and response.json == {"reports": 1, "rescored": 0, "unchanged": 1}
    bad = app.test_client().post("/rounds/2026-annual/rescore", headers={"Authorization": f"Bearer {admin}"},
                                 json={"catalog_version": "no-such-version", "reason": "kiểm tra lại"})
    assert bad.status_code == 422 and "catalog_version" in bad.json["errors"]
    # The reason is kept after "re-score: " in a column of 255 characters: 240 are accepted,
    # a longer one or one with a NUL is refused naming the field.
    longest = app.test_client().post("/rounds/2026-annual/rescore", headers={"Authorization": f"Bearer {admin}"},
                                     json={"catalog_version": "hatinh-2021-ref-1", "reason": "đ" * 240})
    assert longest.status_code == 200, longest.json
    for reason in ("đ" * 241, "kiểm tra\x00lại"):
        refused = app.test_client().post("/rounds/2026-annual/rescore", headers={"Authorization": f"Bearer {admin}"},
                                         json={"catalog_version": "hatinh-2021-ref-1", "reason": reason})
        assert refused.status_code == 422 and "reason" in refused.json["errors"], refused.json
    assert score_rows(running_scoring) == 1
