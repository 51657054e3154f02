"""Fault injection on the services as processes, the real PostgreSQL (a database of the module's
own) and a RabbitMQ node of the module's own (so the broker can be stopped without touching the
machine's). Each test breaks something while reports flow, then ends with a reconciliation:
every report in the same state in every service, scored exactly once, nothing dead-lettered but
the poison the test itself put on a queue."""
from __future__ import annotations

import datetime as dt
import json
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping

import pika
import pytest
import requests
import sqlalchemy as sa

from shared.messaging import dead_letters
from shared.messaging.topology import queue_name
from shared.reconciliation import ServiceClient, divergences, reconcile
from tests.e2e.test_reconcile import ADMIN, ROUND, submit, verify
from tests.support import rabbitmq_node
from tests.support.http_flow import call
from tests.support.keys import TEST_KEY_FILE
from tests.support.partner import PartnerSubscriber, dlq_messages
from tests.support.polling import eventually
from tests.support.processes import RunningSystem
from tests.support.running import services_as_processes

pytestmark = [pytest.mark.e2e, pytest.mark.faults,
              pytest.mark.skipif(not rabbitmq_node.available(), reason="rabbitmq-server is not installed")]
WORKERS = ("submission-worker", "review-worker", "scoring-worker", "publication-worker")


@pytest.fixture(scope="module")
def broker(tmp_path_factory):
    with rabbitmq_node.rabbitmq_node(tmp_path_factory.mktemp("rabbitmq")) as node:
        yield node


@pytest.fixture(scope="module")
def system(postgres_server_url, broker, tmp_path_factory):
    with services_as_processes(postgres_server_url, broker.url, f"cqs-faults-{uuid.uuid4().hex[:8]}",
                               tmp_path_factory, CQS_SIGNING_KEY_FILE=str(TEST_KEY_FILE)) as running:
        submission = running.urls["submission"]
        call("POST", f"{submission}/rounds", ADMIN, 201, json={"kind": "annual_evaluation", "year": 2027})
        call("POST", f"{submission}/rounds/{ROUND}/open", ADMIN)
        yield running


@pytest.fixture(scope="module")
def database(system):
    return system.env["CQS_DATABASE_URL"]


def in_background(work: Callable[[], None]) -> Callable[[], None]:
    """Run `work` in a thread; the returned function waits for it and re-raises what it raised."""
    failure: list[BaseException] = []

    def run() -> None:
        try:
            work()
        except BaseException as error:  # noqa: B036 - handed to the test's thread
            failure.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()

    def join() -> None:
        thread.join(timeout=300)
        assert not thread.is_alive(), "the background flow did not finish"
        if failure:
            raise failure[0]
    return join


def assert_reconciled(running: RunningSystem, report_ids: Iterable[str],
                      dead_lettered: Mapping[str, list[str]] | None = None) -> None:
    """Everything drains on its own (no repair needed), then `cqs reconcile ROUND`'s own function
    finds every service agreeing; each report is scored exactly once and publication holds that
    score; the only dead letters are those of `dead_lettered` (service → the queues that parked one)."""
    report_ids = list(report_ids)
    submission = running.urls["submission"]
    client = ServiceClient(running.urls, ADMIN["Authorization"].removeprefix("Bearer "))
    for report_id in report_ids:
        try:
            eventually(lambda url=f"{submission}/reports/{report_id}": call("GET", url, ADMIN)["status"],
                       lambda status: status == "scored", timeout_s=120, interval_s=0.3, what=f"{report_id} scored")
        except AssertionError as stuck:  # say where it stopped: the reconciliation's own findings
            lines: list[str] = []
            reconcile(client, ROUND, repair=False, wait_s=0, say=lines.append)
            raise AssertionError(f"{stuck}\n" + "\n".join(lines)) from None
    eventually(lambda: divergences(client.views(ROUND)), lambda found: found == [], timeout_s=60, interval_s=0.5,
               what="every service caught up")
    dead_lettered = dead_lettered or {}
    for service in running.urls:
        parked = sorted(item["consumer"] for item in client.dead_letters(service))
        assert parked == sorted(dead_lettered.get(service, [])), service
    lines: list[str] = []
    assert reconcile(client, ROUND, repair=False, wait_s=0, say=lines.append), "\n".join(lines)
    views = client.views(ROUND)
    for report_id in report_ids:
        score = call("GET", f"{running.urls['scoring']}/scores/{report_id}", ADMIN)
        assert len(score["history"]) == 1, score["history"]  # scored once, however often events came
        assert views["publication"][report_id]["score_id"] == views["scoring"][report_id]["score_id"]


def test_each_worker_killed_mid_flow_restarts_and_everything_drains(system):
    running = system
    units = ("SNV", "SCT", "SXD", "SGDDT")
    report_ids: list[str] = []

    def flow() -> None:
        for unit in units:
            report_ids.append(submit(running, unit))
        for report_id in report_ids:
            verify(running, report_id)

    done = in_background(flow)
    for worker in WORKERS:  # one after another while submissions and verifications flow
        time.sleep(1.5)
        running.kill_process(worker)
        time.sleep(0.5)
        running.restart_process(worker)
    done()
    assert_reconciled(running, report_ids)


def test_broker_down_ten_seconds_http_keeps_accepting_and_outboxes_drain(system, broker):
    running = system
    broker.stop_app()
    stopped = time.monotonic()
    # Every call inside submit() must answer 2xx while the broker is away: the events wait in the outbox.
    report_ids = [submit(running, unit) for unit in ("VPUBND", "SVHTTDL")]
    time.sleep(max(0.0, 10 - (time.monotonic() - stopped)))
    broker.start_app()
    for report_id in report_ids:
        verify(running, report_id)
    assert_reconciled(running, report_ids)


def terminate_connections(database_url: str) -> int:
    """End every backend connected to this test's database (and only to it), but our own."""
    url = sa.engine.make_url(database_url)
    engine = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            return len(connection.execute(sa.text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = :name AND pid <> pg_backend_pid()"), {"name": url.database}).all())
    finally:
        engine.dispose()


def test_database_connections_terminated_pools_recover_nothing_lost(system, database):
    running = system
    report_ids = [submit(running, "STP")]
    assert terminate_connections(database) > 0
    report_ids.append(submit(running, "STC"))
    assert terminate_connections(database) > 0
    for report_id in report_ids:
        verify(running, report_id)
        terminate_connections(database)
    # The web processes answer again after their pools drop the dead connections.
    for url in running.urls.values():
        assert requests.get(f"{url}/ready", timeout=10).status_code == 200
    assert_reconciled(running, report_ids)


def test_two_instances_of_every_worker_on_the_same_queues(system):
    running = system
    extra = [running.start_another(worker) for worker in WORKERS]
    try:
        time.sleep(3)  # the second instances are connected and consuming
        report_ids = [submit(running, unit) for unit in ("SYT", "SNGV")]
        for report_id in report_ids:
            verify(running, report_id)
        assert_reconciled(running, report_ids)
    finally:
        for name in extra:
            running.stop_process(name)


def _event_of(events: list[dict], routing_key: str, report_id: str) -> dict | None:
    return next((event for event in events if event["type"] == f"vn.gov.cqs.{routing_key}"
                 and event["data"].get("report_id") == report_id), None)


def _put(channel, queue: str, body: bytes | str) -> None:
    """Straight onto a service's work queue (the default exchange), as a bad or repeated publish would arrive."""
    channel.basic_publish("", queue, body.encode() if isinstance(body, str) else body, pika.BasicProperties(
        content_type="application/cloudevents+json", delivery_mode=2))


def test_duplicates_a_stale_score_and_poison_on_the_queues_leave_only_the_poison_parked(system, broker):
    running = system
    namespace = running.env["CQS_NAMESPACE"]
    queue = {service: queue_name(namespace, service, handler) for service, handler in (
        ("submission", "on_report_progressed"), ("review", "on_report_submitted"),
        ("scoring", "on_report_verified"), ("publication", "on_report_scored"))}
    partner = PartnerSubscriber(broker.url, namespace, patterns=("report.*",))
    try:
        first = submit(running, "SNNMT")
        verify(running, first)
        events = partner.collect(lambda got: _event_of(got, "report.scored", first), timeout_s=120)
    finally:
        partner.close()
    verified, scored = _event_of(events, "report.verified", first), _event_of(events, "report.scored", first)
    client = ServiceClient(running.urls, ADMIN["Authorization"].removeprefix("Bearer "))
    eventually(lambda: client.views(ROUND)["publication"].get(first), timeout_s=60, interval_s=0.5,
               what="the score recorded at publication")
    # An older score of the same report (scored an hour before the one recorded), arriving after it.
    stale = {**scored, "id": str(uuid.uuid4()), "data": {
        **scored["data"], "score_id": str(uuid.uuid4()), "total": "1",
        "scored_at": (dt.datetime.fromisoformat(scored["data"]["scored_at"]) - dt.timedelta(hours=1)).isoformat()}}
    ghost = f"reports/{uuid.uuid4()}"  # the poison names no report of the round
    poison = {
        "submission": b"\x00\xff not JSON {",
        "review": json.dumps({"hello": "not a CloudEvent"}),
        "publication": json.dumps({**scored, "id": str(uuid.uuid4()), "type": "vn.gov.cqs.report.teleported",
                                   "subject": ghost}),
        "scoring": json.dumps({**verified, "id": str(uuid.uuid4()), "subject": ghost,
                               "data": {"report_id": ghost.removeprefix("reports/"), "revision": "two"}}),
    }
    running.stop_process("scoring-worker")  # so that one copy can be delivered once and come back redelivered
    connection = pika.BlockingConnection(pika.URLParameters(broker.url))
    try:
        channel = connection.channel()
        _put(channel, queue["scoring"], json.dumps(verified))
        method, _properties, _body = channel.basic_get(queue["scoring"])
        channel.basic_nack(method.delivery_tag, requeue=True)  # back on the queue, flagged redelivered
        _put(channel, queue["scoring"], json.dumps(verified))  # and the same event again, another delivery
        for service, body in poison.items():
            _put(channel, queue[service], body)
        _put(channel, queue["publication"], json.dumps(stale))
        _put(channel, queue["publication"], json.dumps(scored))
        _put(channel, queue["submission"], json.dumps(scored))
    finally:
        connection.close()
    running.restart_process("scoring-worker")
    # The next report's events come after the poison on every one of these queues.
    second = submit(running, "TTT")
    verify(running, second)
    assert_reconciled(running, [first, second], dead_lettered={service: [name] for service, name in queue.items()})
    errors = {"submission": "not JSON", "review": "missing required attribute",
              "publication": "report.teleported", "scoring": "report.verified: field"}
    for service, name in queue.items():
        [(headers, body)] = dlq_messages(broker.url, f"{name}.dlq")
        assert errors[service] in headers[dead_letters.ERROR], headers
        assert body == (poison[service] if isinstance(poison[service], bytes) else poison[service].encode())
