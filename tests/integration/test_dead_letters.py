"""A dead-lettered event leaves its report stuck: an admin sees it through the API, an operator
replays it with `cqs dlq` once the cause is removed and the report moves on, or discards it
with a recorded reason. On the real PostgreSQL and RabbitMQ, with the submission and review
services exchanging events."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from cqs import cli
from services.review.adapters import orm as review_orm
from shared.auth import Role
from tests.support.keys import TEST_JWKS_URL, TEST_KEY
from tests.support.polling import eventually
from tests.support.review_system import running

pytestmark = pytest.mark.integration

# A cause an operator can remove: the review's database refuses new cases (as a failed
# migration or a full disk would), so its handler of report.submitted fails every time.
FREEZE_CASES = """
CREATE FUNCTION refuse_new_cases() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'review cases are frozen for maintenance'; END $$;
CREATE TRIGGER refuse_new_cases BEFORE INSERT ON review_cases FOR EACH ROW EXECUTE FUNCTION refuse_new_cases();
"""
THAW_CASES = "DROP TRIGGER refuse_new_cases ON review_cases; DROP FUNCTION refuse_new_cases();"


@pytest.fixture
def system(settings_for):
    with running(settings_for, TEST_KEY) as system:
        yield system


@pytest.fixture
def operator_env(monkeypatch, database_url, amqp_url, namespace):
    """`cqs` run by an operator against the same database and broker as the services."""
    for name, value in {"CQS_DATABASE_URL": database_url, "CQS_BROKER_URL": amqp_url, "CQS_NAMESPACE": namespace,
                        "CQS_JWKS_URL": TEST_JWKS_URL}.items():
        monkeypatch.setenv(name, value)


def cqs(capsys, *args: str) -> str:
    cli.main(list(args))
    return capsys.readouterr().out


def stuck_reports(system, **query) -> list[dict]:
    response = system.review_client.get("/admin/dead-letters", query_string=query,
                                        headers=system.token("admin", Role.ADMIN, "HT"))
    assert response.status_code == 200, response.json
    return response.json["items"]


def test_a_stuck_report_is_shown_to_an_admin_then_replayed_or_discarded(system, operator_env, capsys):
    with system.review.engine.begin() as conn:
        conn.exec_driver_sql(FREEZE_CASES)
    stuck, dropped = system.new_report(), system.new_report(unit_code="HT-CL-XA2")
    system.submit(stuck)
    system.submit(dropped)

    letters = eventually(lambda: len(stuck_reports(system)) == 2 and stuck_reports(system), what="two dead letters")
    by_subject = {letter["subject"]: letter for letter in letters}
    assert set(by_subject) == {f"reports/{stuck.id}", f"reports/{dropped.id}"}
    assert "frozen for maintenance" in by_subject[f"reports/{stuck.id}"]["error"]
    assert by_subject[f"reports/{stuck.id}"]["attempts"] == system.review.settings.consumer_max_attempts
    assert [letter["id"] for letter in stuck_reports(system, subject=f"reports/{stuck.id}")] == \
        [by_subject[f"reports/{stuck.id}"]["id"]]
    assert system.case(stuck.id).status_code == 404  # submitted on one side, unknown on the other
    assert system.review_client.get("/admin/dead-letters", headers=system.district_reviewer()).status_code == 403

    listed = cqs(capsys, "dlq", "list", "review")
    assert by_subject[f"reports/{stuck.id}"]["id"] in listed and "review: 2 dead letter(s)" in listed
    shown = cqs(capsys, "dlq", "show", "review", by_subject[f"reports/{stuck.id}"]["id"])
    assert stuck.id in shown and "frozen for maintenance" in shown

    with system.review.engine.begin() as conn:
        conn.exec_driver_sql(THAW_CASES)
    cqs(capsys, "dlq", "replay", "review", by_subject[f"reports/{stuck.id}"]["id"])
    cqs(capsys, "dlq", "discard", "review", by_subject[f"reports/{dropped.id}"]["id"],
        "--reason", "báo cáo thử nghiệm, nộp nhầm")

    system.wait_for_case(stuck.id, status="submitted")  # the report moves on: its review case exists
    assert stuck_reports(system) == []
    assert "review: 0 dead letter(s)" in cqs(capsys, "dlq", "list", "review")
    assert system.case(dropped.id).status_code == 404
    with system.review.engine.connect() as conn:
        resolved = {row.subject: row for row in conn.execute(sa.select(review_orm.dead_letters))}
    assert resolved[f"reports/{stuck.id}"].resolution == "replayed"
    assert resolved[f"reports/{dropped.id}"].resolution == "discarded"
    assert resolved[f"reports/{dropped.id}"].resolution_reason == "báo cáo thử nghiệm, nộp nhầm"
    assert all(row.resolved_at is not None for row in resolved.values())
