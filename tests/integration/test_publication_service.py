"""The publication service on the real RabbitMQ and PostgreSQL, in the 2021 three-tier model:
a district publishes its communes (its report to the province), the Department sees one item
per district, and the province publishes the round only once it is closed."""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from services.publication import bootstrap as publication
from services.publication.adapters import orm
from shared import cloudevents
from shared.auth import Role, issue_token
from shared.domain.report_events import ReportScored
from shared.messaging.consumer import process_batch
from tests.support.keys import TEST_KEY
from tests.support.partner import publish_event
from tests.support.polling import eventually
from tests.support.running import running

pytestmark = pytest.mark.integration
ROUND = "2022-annual"


@pytest.fixture
def service(settings_for):
    with running(publication.runtime(settings_for("publication"))) as runtime:
        yield runtime, publication.create_app(runtime).test_client()


def publish(amqp_url: str, namespace: str, routing_key: str, data: dict, source: str) -> None:
    event = cloudevents.CloudEvent(id=f"{routing_key}-{data.get('report_id', data['round_id'])}", source=source,
                                   type=f"vn.gov.cqs.{routing_key}", subject=f"rounds/{data['round_id']}",
                                   time="2022-11-01T00:00:00Z", data=data)
    publish_event(amqp_url, namespace, event)


def scored(report_id: str, unit_code: str, district: str, group_6: str,
           scored_at: str = "2022-11-05T08:00:00+07:00") -> dict:
    groups = {"1": "100.00", "2": "80.00", "3": "100.00", "4": "60.00", "5": "70.00", "6": group_6}
    event = ReportScored(
        report_id=report_id, round_id=ROUND, unit_code=unit_code, score_id=f"s-{report_id}",
        unit_name_vi=f"Xã {unit_code}", unit_type="commune", reviewer_unit_code=district, reviewer_kind="district",
        catalog_version="hatinh-2021-ref-1", catalog_fingerprint="f" * 64, inputs_hash="h" * 64,
        total=str(sum(float(points) for points in groups.values())), groups=groups, criteria={},
        classification={"code": "trung_binh", "name_vi": "Trung bình", "name_en": "Average"}, complete=True,
        scored_at=scored_at)
    return event.to_data()


def processed(runtime) -> int:
    """Events from the other services handled (the service's own, forwarded to webhooks, left out)."""
    with runtime.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(orm.processed_events)
                            .where(orm.processed_events.c.source != "/cqs/publication")).scalar_one()


def bearer(role: Role, unit: str) -> dict:
    return {"Authorization": f"Bearer {issue_token(TEST_KEY, 'user', role, unit)}"}


def test_districts_report_their_communes_and_the_province_publishes_a_closed_round(service, amqp_url, namespace):
    runtime, client = service
    publish(amqp_url, namespace, "round.opened", {
        "round_id": ROUND, "kind": "annual_evaluation", "year": 2022, "period_month": None,
        "catalog_versions": {"commune": "hatinh-2021-ref-1"}, "windows": {}, "unit_codes": ["18070", "18073", "18100"],
        "opened_at": "2021-11-10T08:00:00+07:00", "commune_results_due": "2022-11-15T00:00:00+07:00",
        "units": [], "reporting_districts": ["436", "437"], "reviewing_body": "STTTT"}, "/cqs/submission")
    for data in (scored("r1", "18070", "436", "250.00"), scored("r2", "18073", "436", "260.00"),
                 scored("r3", "18100", "437", "240.00")):
        publish(amqp_url, namespace, "report.scored", data, "/cqs/scoring")

    eventually(lambda: processed(runtime) == 4)  # the round and the three scores have arrived

    # A role on a unit that may not hold it publishes nothing: the reviewing department with a
    # district reviewer's token, a finance department with a department reviewer's token.
    for misfit in (bearer(Role.DISTRICT_REVIEWER, "STTTT"), bearer(Role.DEPARTMENT_REVIEWER, "STC"),
                   bearer(Role.DEPARTMENT_REVIEWER, "436")):
        refused = client.post(f"/rounds/{ROUND}/publish", headers=misfit)
        assert refused.status_code == 403, refused.json
        assert client.get(f"/rounds/{ROUND}/district-reports", headers=misfit).status_code == 403
    assert client.get(f"/results/{ROUND}").status_code == 404  # nothing published

    district = bearer(Role.DISTRICT_REVIEWER, "436")
    response = client.post(f"/rounds/{ROUND}/publish", headers=district)
    assert response.status_code == 201, response.json
    assert (response.json["version"], response.json["stage"], response.json["publisher_unit"]) == (1, "district", "436")
    public = client.get(f"/results/{ROUND}", query_string={"scope": "commune:436"}).json
    assert [(item["unit_code"], item["rank"], item["ranking_scope"]) for item in public] == [
        ("18073", 1, "commune:436"), ("18070", 2, "commune:436")]

    department = bearer(Role.DEPARTMENT_REVIEWER, "STTTT")
    items = client.get(f"/rounds/{ROUND}/district-reports", headers=department).json
    assert [(item["district"], item["status"], item["communes_published"]) for item in items] == [
        ("436", "reported", 2), ("437", "pending", 0)]
    own = client.get(f"/rounds/{ROUND}/district-reports", headers=district)
    assert own.status_code == 200, own.json
    assert [(item["district"], item["status"], item["snapshot_version"], item["communes_published"])
            for item in own.json] == [("436", "reported", 1, 2)]

    still_open = client.post(f"/rounds/{ROUND}/publish", headers=department)
    assert still_open.status_code == 409 and "chưa kết thúc" in still_open.json["detail"]
    assert still_open.headers["Retry-After"] == "5" and still_open.json["type"].endswith("/round-still-open")
    publish(amqp_url, namespace, "round.closed", {"round_id": ROUND, "kind": "annual_evaluation", "year": 2022,
                                                  "period_month": None, "closed_at": "2022-11-15T00:00:00+07:00"},
            "/cqs/submission")
    eventually(lambda: processed(runtime) == 5)
    provisional = client.post(f"/rounds/{ROUND}/publish", headers=department, json={"feedback_days": 7})
    assert provisional.status_code == 201, provisional.json
    assert (provisional.json["version"], provisional.json["stage"]) == (2, "provisional")
    rankings = {item["scope"]: item for item in client.get(f"/rounds/{ROUND}/rankings").json}
    assert rankings["commune"]["missing_districts"] == ["437"] and not rankings["commune"]["complete"]
    assert rankings["commune:436"]["snapshot_version"] == 2
    public = client.get(f"/results/{ROUND}", query_string={"scope": "commune"}).json
    assert [(item["unit_code"], item["rank"]) for item in public] == [("18073", 1), ("18070", 2)]  # 437 not counted
    assert dt.datetime.fromisoformat(public[0]["published_at"]).tzinfo is not None


def test_a_batch_of_scores_is_one_upsert_where_the_newest_score_of_each_report_wins(settings_for):
    runtime = publication.runtime(settings_for("publication"))
    runtime.migrate()
    [subscription] = [found for found in runtime.subscriptions if found.handler_name == "on_report_scored"]
    earlier, later = "2022-11-05T08:00:00+07:00", "2022-11-06T08:00:00+07:00"

    def batch(*scores: tuple[str, str, str]) -> list[cloudevents.CloudEvent]:
        return [cloudevents.CloudEvent(id=f"{report_id}-{group_6}", source="/cqs/scoring",
                                       type="vn.gov.cqs.report.scored", subject=f"reports/{report_id}",
                                       time="2022-11-06T00:00:00Z",
                                       data={**scored(report_id, f"u-{report_id}", "436", group_6, at),
                                             "score_id": f"s-{report_id}-{group_6}"})
                for report_id, group_6, at in scores]

    upserts: list[str] = []
    sa.event.listen(runtime.engine, "before_cursor_execute",
                    lambda _conn, _cursor, statement, *_: upserts.append(statement)
                    if statement.startswith("INSERT INTO scores ") else None)
    try:
        process_batch(runtime.uow_factory, "publication.on_report_scored", subscription,
                      batch(("r3", "300.00", later)))
        newest, older, other, stale = batch(("r1", "250.00", later), ("r1", "100.00", earlier),
                                            ("r2", "200.00", earlier), ("r3", "90.00", earlier))
        # r1's newer score arrives before its older one, and again; r3 already holds a newer score.
        assert process_batch(runtime.uow_factory, "publication.on_report_scored", subscription,
                             [newest, older, other, newest, stale]) == 4
        with runtime.engine.connect() as conn:
            stored = dict(conn.execute(sa.select(orm.scores.c.report_id, orm.scores.c.score_id)).all())
        assert stored == {"r1": "s-r1-250.00", "r2": "s-r2-200.00", "r3": "s-r3-300.00"}
        assert len(upserts) == 2  # one statement per batch
    finally:
        runtime.engine.dispose()
