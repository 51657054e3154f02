"""`cqs reconcile` on the services as processes, the real PostgreSQL and RabbitMQ: two messages
are lost (a worker is down and its queue purged), the reconciliation names both divergences,
and its repair re-publishes from the owning outboxes until every service agrees."""
from __future__ import annotations

import os
import subprocess
import uuid
from pathlib import Path

import pytest
import requests
from kombu import Connection

from shared.auth import Role
from shared.criteria import load_catalog
from tests.support import infrastructure
from tests.support.answers import evidence_criteria, reviewer_fill, unit_answers
from tests.support.documents import MINIMAL_PDF
from tests.support.http_flow import auth, call
from tests.support.keys import TEST_JWKS_URL, TEST_KEY, TEST_KEY_FILE
from tests.support.polling import eventually
from tests.support.processes import BIN, ROOT, RunningSystem

pytestmark = pytest.mark.e2e
SEED = Path(__file__).resolve().parents[2] / "services" / "rounds" / "seed"
PDF = MINIMAL_PDF
ADMIN = auth(TEST_KEY, Role.ADMIN, "HT", "admin")
REVIEWER = auth(TEST_KEY, Role.DEPARTMENT_REVIEWER, "SKHCN", "tham.dinh.vien")
ROUND = "2027-annual"


@pytest.fixture(scope="module")
def system(postgres_server_url, amqp_url, tmp_path_factory):
    logs = tmp_path_factory.mktemp("logs")
    namespace = f"cqs-e2e-{uuid.uuid4().hex[:10]}"
    with infrastructure.fresh_database(postgres_server_url) as database_url:
        env = {**os.environ, "CQS_DATABASE_URL": database_url, "CQS_BROKER_URL": amqp_url,
               "CQS_NAMESPACE": namespace, "CQS_JWKS_URL": TEST_JWKS_URL, "CQS_SIGNING_KEY_FILE": str(TEST_KEY_FILE),
               "CQS_DATA_DIR": str(tmp_path_factory.mktemp("data")),
               "CQS_RELAY_INTERVAL_S": "0.05", "CQS_CONSUMER_BACKOFF_S": "0.05"}
        running = RunningSystem(env, logs)
        try:
            running.cli("migrate", "submission")
            running.cli("load-units", *(str(SEED / "units" / name) for name in ("hatinh-2021.yaml", "hatinh-2025.yaml")))
            running.cli("load-review-models", str(SEED / "review_models.yaml"))
            running.start()
            yield running, amqp_url, namespace
        finally:
            running.stop()
            infrastructure.delete_namespace(amqp_url, namespace)


def reconcile(running: RunningSystem, *args: str) -> subprocess.CompletedProcess:
    env = {**running.env, **{f"CQS_{service.upper()}_URL": url for service, url in running.urls.items()}}
    return subprocess.run([str(BIN / "cqs"), "reconcile", ROUND, *args], env=env, cwd=ROOT, capture_output=True,
                          text=True, timeout=180)


def submit(running: RunningSystem, unit: str) -> str:
    submission, reporter = running.urls["submission"], auth(TEST_KEY, Role.UNIT_REPORTER, unit, f"cb.{unit}")
    [report] = call("GET", f"{submission}/reports", reporter, params={"round_id": ROUND})
    unit_catalog = load_catalog(report["catalog_version"]).unit_type(report["unit_type"])
    call("PATCH", f"{submission}/reports/{report['id']}", reporter, json={"answers": unit_answers(unit_catalog)})
    for criterion in evidence_criteria(unit_catalog):
        call("POST", f"{submission}/reports/{report['id']}/evidence", reporter, 201, data={"criterion": criterion},
             files={"file": (f"minh-chung-{criterion}.pdf", PDF, "application/pdf")})
    call("POST", f"{submission}/reports/{report['id']}/submit", reporter, json={})
    return report["id"]


def verify(running: RunningSystem, report_id: str) -> None:
    review = running.urls["review"]
    case = eventually(lambda: requests.get(f"{review}/cases/{report_id}", headers=REVIEWER, timeout=10),
                      lambda response: response.status_code == 200).json()
    unit_catalog = load_catalog(case["catalog_version"]).unit_type(case["unit_type"])
    for criterion in case["undecided"]:
        case = call("POST", f"{review}/cases/{report_id}/decisions", REVIEWER, json={
            "criterion": criterion, "decision": "accept", "expected_version": case["version"],
            **reviewer_fill(unit_catalog, case, criterion)})
    call("POST", f"{review}/cases/{report_id}/verify", REVIEWER, json={"expected_version": case["version"]})


def lose_next_message(running: RunningSystem, amqp_url: str, queue: str, worker: str, act) -> None:
    """With `worker` down, do `act`, then purge the message it sent to `queue`: it never arrives."""
    running.stop_process(worker)
    act()
    with Connection(amqp_url) as connection:
        channel = connection.channel()
        eventually(lambda: channel.queue_declare(queue=queue, passive=True).message_count, lambda count: count == 1)
        channel.queue_purge(queue)
    running.restart_process(worker)


def test_reconcile_names_what_was_lost_and_the_repair_makes_every_service_agree(system):
    running, amqp_url, namespace = system
    submission = running.urls["submission"]
    call("POST", f"{submission}/rounds", ADMIN, 201, json={"kind": "annual_evaluation", "year": 2027})
    call("POST", f"{submission}/rounds/{ROUND}/open", ADMIN)
    assert reconcile(running).returncode == 0  # drafts only: nothing to compare yet

    # STP's verification never reaches scoring; STC's submission never reaches review.
    verified = submit(running, "STP")
    lose_next_message(running, amqp_url, f"{namespace}.scoring.on_report_verified", "scoring-worker",
                      lambda: verify(running, verified))
    eventually(lambda: call("GET", f"{submission}/reports/{verified}", ADMIN), lambda r: r["status"] == "verified")
    lost = {}
    lose_next_message(running, amqp_url, f"{namespace}.review.on_report_submitted", "review-worker",
                      lambda: lost.setdefault("id", submit(running, "STC")))

    found = reconcile(running)
    assert found.returncode == 1, found.stdout + found.stderr
    assert f"{verified} (STP): " in found.stdout and "scoring lacks verified revision 1" in found.stdout
    assert f"{lost['id']} (STC): " in found.stdout and "review lacks submitted revision 1" in found.stdout
    assert "2 lệch / divergent" in found.stdout

    repaired = reconcile(running, "--repair", "--wait", "90")
    assert repaired.returncode == 0, repaired.stdout + repaired.stderr
    assert "every service agrees" in repaired.stdout
    assert call("GET", f"{submission}/reports/{verified}", ADMIN)["status"] == "scored"
    assert call("GET", f"{running.urls['scoring']}/scores/{verified}", ADMIN)["score"]["current"]
    assert call("GET", f"{running.urls['review']}/cases/{lost['id']}", REVIEWER)["status"] == "submitted"
    assert reconcile(running).returncode == 0
