"""`cqs reconcile` on the services as processes, the real PostgreSQL and RabbitMQ: two messages
are lost (a worker is down and its queue purged), the reconciliation names both divergences,
and its repair re-publishes from the owning outboxes until every service agrees."""
from __future__ import annotations

import subprocess
import uuid

import pytest
from kombu import Connection

from shared.auth import Role
from tests.support.http_flow import accept_and_verify, arrived_case, auth, call, submit_in_full
from tests.support.keys import TEST_KEY, TEST_KEY_FILE
from tests.support.polling import eventually
from tests.support.processes import BIN, ROOT, RunningSystem
from tests.support.running import services_as_processes

pytestmark = pytest.mark.e2e
ADMIN = auth(TEST_KEY, Role.ADMIN, "HT", "admin")
REVIEWER = auth(TEST_KEY, Role.DEPARTMENT_REVIEWER, "SKHCN", "tham.dinh.vien")
ROUND = "2027-annual"


@pytest.fixture(scope="module")
def system(postgres_server_url, amqp_url, tmp_path_factory):
    namespace = f"cqs-e2e-{uuid.uuid4().hex[:10]}"
    with services_as_processes(postgres_server_url, amqp_url, namespace, tmp_path_factory,
                               CQS_SIGNING_KEY_FILE=str(TEST_KEY_FILE)) as running:
        yield running, amqp_url, namespace


def reconcile(running: RunningSystem, *args: str) -> subprocess.CompletedProcess:
    env = {**running.env, **{f"CQS_{service.upper()}_URL": url for service, url in running.urls.items()}}
    return subprocess.run([str(BIN / "cqs"), "reconcile", ROUND, *args], env=env, cwd=ROOT, capture_output=True,
                          text=True, timeout=180)


def submit(running: RunningSystem, unit: str) -> str:
    submission, reporter = running.urls["submission"], auth(TEST_KEY, Role.UNIT_REPORTER, unit, f"cb.{unit}")
    [report] = call("GET", f"{submission}/reports", reporter, params={"round_id": ROUND})
    submit_in_full(submission, report, reporter)
    return report["id"]


def verify(running: RunningSystem, report_id: str) -> None:
    review = running.urls["review"]
    accept_and_verify(review, arrived_case(review, report_id, REVIEWER), REVIEWER)


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
