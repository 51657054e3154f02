"""What the pipeline and deadline-day benchmarks share: the four services as processes (gunicorn web
+ `cqs worker` each, tests/support/processes.py) on a PostgreSQL database and a broker namespace of
the benchmark's own; a unit submitting its report over HTTP (answers, evidence files, submit) and
a reviewer verifying it through the review API; and each report's journey read back from the
services' outboxes and consumed-event logs, as latencies per stage."""
from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import os
import shutil
import tempfile
import threading
import time
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path

import requests
import sqlalchemy as sa
import yaml

from benchmarks.scoring_engine import MIX
from shared.auth import MAX_LIFETIME, Role, issue_token
from shared.config import SERVICES
from shared.criteria import load_catalog
from shared.signing import SigningKey, write_jwks
from tests.support import infrastructure
from tests.support.answers import evidence_criteria, reviewer_fill, unit_answers
from tests.support.documents import MINIMAL_PDF, png
from tests.support.processes import RunningSystem

KEY = SigningKey.generate()  # the benchmark signs its own tokens; the services read its key set from a file
EVIDENCE_FILES = (("minh-chung.pdf", MINIMAL_PDF, "application/pdf"), ("anh-chup.png", png((640, 480)), "image/png"))


REVIEWING_BODY = "SKHCN"


def token(user: str, role: Role, unit: str) -> str:
    return issue_token(KEY, user, role, unit, ttl=MAX_LIFETIME)


ADMIN = token("bench-admin", Role.ADMIN, "HT")


@dataclasses.dataclass
class Services:
    running: RunningSystem
    database_url: str
    amqp_url: str
    namespace: str
    engine: sa.Engine

    @property
    def urls(self) -> dict[str, str]:
        return self.running.urls

    def scalar(self, sql: str, **params) -> object:
        with self.engine.connect() as connection:
            return connection.execute(sa.text(sql), params).scalar_one()

    def execute(self, sql: str, **params) -> None:
        with self.engine.begin() as connection:
            connection.execute(sa.text(sql), params)

    def rows(self, sql: str, **params) -> list[sa.Row]:
        with self.engine.connect() as connection:
            return list(connection.execute(sa.text(sql), params))

    def dead_letters(self) -> int:
        return sum(self.scalar(f"SELECT count(*) FROM {service}.dead_letters") for service in SERVICES)

    def recorded_at_publication(self, round_id: str) -> int:
        return self.scalar("SELECT count(*) FROM publication.scores WHERE round_id = :round", round=round_id)


def synthetic_registry(total: int, path: Path) -> Path:
    """A registry of `total` evaluated units in the national mix (per 12,000: 10,000 communes spread
    over 700 districts, 1,000 departments, 300 central agencies), written as `cqs load-units` reads it."""
    counts = {kind: max(1, round(total * share / sum(MIX.values()))) for kind, share in MIX.items()}
    units = [{"code": "VN", "name_vi": "Cả nước", "unit_type": "province", "evaluated": False},
             {"code": REVIEWING_BODY, "name_vi": "Sở Khoa học và Công nghệ", "unit_type": "province_department",
              "parent_code": "VN"}]
    units += [{"code": f"S{i:04d}", "name_vi": f"Sở số {i}", "unit_type": "province_department", "parent_code": "VN"}
              for i in range(1, counts["province_department"])]
    units += [{"code": f"TW{i:04d}", "name_vi": f"Cơ quan Trung ương số {i}", "unit_type": "central_agency",
               "parent_code": "VN"} for i in range(counts["central_agency"])]
    districts = [f"H{i:04d}" for i in range(counts["district"])]
    units += [{"code": code, "name_vi": f"Huyện {code}", "unit_type": "district", "parent_code": "VN"}
              for code in districts]
    units += [{"code": f"X{i:05d}", "name_vi": f"Xã số {i}", "unit_type": "commune",
               "parent_code": districts[i % len(districts)]} for i in range(counts["commune"])]
    path.write_text(yaml.safe_dump({"active_from": dt.date(2020, 1, 1), "units": units}, allow_unicode=True),
                    encoding="utf-8")
    return path


def three_tier_review_model(path: Path) -> Path:
    """Three tiers: districts review their communes, the reviewing department everything else."""
    path.write_text(yaml.safe_dump({"models": [{
        "id": "bench-national-three-tier", "valid_from": dt.date(2020, 1, 1),
        "reviewing_body": {"code": REVIEWING_BODY, "name_vi": "Sở Khoa học và Công nghệ",
                           "name_en": "Department of Science and Technology"},
        "reviewers": {"province_department": "reviewing_body", "central_agency": "reviewing_body",
                      "district": "reviewing_body", "commune": "parent_district"},
        "basis": "Synthetic model of the benchmarks."}]}, allow_unicode=True), encoding="utf-8")
    return path


@contextlib.contextmanager
def running_services(registry: Iterable[Path], review_models: Path) -> Iterator[Services]:
    """Migrate, load the unit registry and review models, start every web and worker process."""
    logs = Path(tempfile.mkdtemp(prefix="cqs-bench-"))
    namespace = f"cqs-bench-{uuid.uuid4().hex[:8]}"
    with infrastructure.postgres_server() as pg, infrastructure.rabbitmq_server() as amqp, \
            infrastructure.fresh_database(pg) as database_url:
        env = {**os.environ, "CQS_DATABASE_URL": database_url, "CQS_BROKER_URL": amqp, "CQS_NAMESPACE": namespace,
               "CQS_JWKS_URL": write_jwks(logs / "jwks.json", KEY), "CQS_DATA_DIR": str(logs / "data"),
               # Every simulated unit and reviewer calls from this one address: the per-address limit
               # stays on (its cost counts) with a limit they cannot reach.
               "CQS_RATE_LIMIT_DEFAULT": "1000000 per minute"}
        running = RunningSystem(env, logs)
        engine = sa.create_engine(database_url, pool_size=2)
        try:
            for service in SERVICES:  # start() migrates again, quickly once done; a loaded machine needs minutes
                running.cli("migrate", service, timeout_s=900)
            running.cli("load-units", *(str(path) for path in registry), timeout_s=1800)  # 12,000 units: minutes
            running.cli("load-review-models", str(review_models))
            running.start()
            yield Services(running, database_url, amqp, namespace, engine)
        except BaseException:
            print(f"the services' logs are kept in {logs}")
            raise
        else:
            shutil.rmtree(logs, ignore_errors=True)
        finally:
            running.stop()
            engine.dispose()
            infrastructure.delete_namespace(amqp, namespace)


class Api:
    """One caller's keep-alive HTTP session; `timings` collects each call's seconds by name."""

    def __init__(self, bearer: str):
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {bearer}"
        self.timings: dict[str, list[float]] = {}

    def call(self, name: str, method: str, url: str, expected: int = 200, **kwargs) -> dict:
        started = time.perf_counter()
        response = self.session.request(method, url, timeout=600, **kwargs)
        self.timings.setdefault(name, []).append(time.perf_counter() - started)
        if response.status_code != expected:
            raise RuntimeError(f"{method} {url}: {response.status_code} {response.text[:500]}")
        return response.json()


def open_round(services: Services, year: int) -> str:
    admin, submission = Api(ADMIN), services.urls["submission"]
    round_id = admin.call("create", "POST", f"{submission}/rounds", 201,
                          json={"kind": "annual_evaluation", "year": year})["id"]
    admin.call("open", "POST", f"{submission}/rounds/{round_id}/open")
    wait_for(lambda: services.scalar("SELECT count(*) FROM publication.round_publications WHERE round_id = :r",
                                     r=round_id) == 1, 300, "publication to learn of the round")
    return round_id


def drafts(services: Services, round_id: str) -> list[dict]:
    return [dict(row._mapping) for row in services.rows(
        "SELECT id, unit_code, unit_name_vi, unit_type, reviewer_unit_code, reviewer_kind, catalog_version "
        "FROM submission.reports WHERE round_id = :round ORDER BY unit_code", round=round_id)]


def submit_report(services: Services, report: dict, timings: dict[str, list[float]]) -> float:
    """The unit fills its answers, uploads a file to every criterion that needs evidence and submits;
    answers the moment the submit returned (time.time())."""
    unit = Api(token(f"cb.{report['unit_code']}", Role.UNIT_REPORTER, report["unit_code"]))
    url = f"{services.urls['submission']}/reports/{report['id']}"
    catalog = load_catalog(report["catalog_version"]).unit_type(report["unit_type"])
    unit.call("save answers (PATCH)", "PATCH", url, json={"answers": unit_answers(catalog)})
    for index, criterion in enumerate(evidence_criteria(catalog)):
        name, content, media_type = EVIDENCE_FILES[index % len(EVIDENCE_FILES)]
        unit.call("upload an evidence file", "POST", f"{url}/evidence", 201, data={"criterion": criterion},
                  files={"file": (name, content, media_type)})
    unit.call("submit", "POST", f"{url}/submit", json={})
    submitted = time.time()
    _merge(timings, unit.timings)
    return submitted


def reviewer_token(report: dict) -> str:
    role = Role.DISTRICT_REVIEWER if report["reviewer_kind"] == "district" else Role.DEPARTMENT_REVIEWER
    return token(f"thamdinh.{report['reviewer_unit_code']}", role, report["reviewer_unit_code"])


def verify_report(services: Services, report: dict, timings: dict[str, list[float]]) -> None:
    """The reviewer waits for the case, accepts every criterion (filling the reviewer's own
    inputs) and verifies."""
    reviewer = Api(reviewer_token(report))
    url = f"{services.urls['review']}/cases/{report['id']}"
    case = wait_for(lambda: _case(reviewer, url), 300, f"review case of {report['id']}")
    catalog = load_catalog(case["catalog_version"]).unit_type(case["unit_type"])
    for criterion in case["undecided"]:
        case = reviewer.call("decide a criterion", "POST", f"{url}/decisions", json={
            "criterion": criterion, "decision": "accept", "expected_version": case["version"],
            **reviewer_fill(catalog, case, criterion)})
    reviewer.call("verify", "POST", f"{url}/verify", json={"expected_version": case["version"]})
    _merge(timings, reviewer.timings)


def _case(reviewer: Api, url: str) -> dict | None:
    response = reviewer.session.get(url, timeout=60)
    return response.json() if response.status_code == 200 else None


_timings_lock = threading.Lock()


def _merge(into: dict[str, list[float]], timings: dict[str, list[float]]) -> None:
    with _timings_lock:
        for name, seconds in timings.items():
            into.setdefault(name, []).extend(seconds)


def wait_for(check, timeout_s: float, what: str, interval_s: float = 0.25):
    deadline = time.monotonic() + timeout_s
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise RuntimeError(f"gave up waiting for {what} after {timeout_s:.0f} s")
        time.sleep(interval_s)


# --- each report's journey, from the services' own records ------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Hop:
    """An event's step: committed to its outbox, then sent by the relay or recorded by a consumer."""
    event: str
    consumer: str  # "relay" for the relay's send
    report_id: str
    committed: dt.datetime
    done: dt.datetime

    @property
    def seconds(self) -> float:
        return (self.done - self.committed).total_seconds()


def hops(services: Services, report_ids: set[str]) -> list[Hop]:
    """Every step of every event about `report_ids`, timed from the commit that wrote the event.

    The times are PostgreSQL's `now()` of each transaction, i.e. its start: a consumer's batch (up
    to 100 deliveries in one transaction) counts from when the batch began."""
    events: dict[str, tuple[str, str, object]] = {}
    found: list[Hop] = []
    for service in SERVICES:
        for event_id, routing_key, subject, created, sent in services.rows(
                f"SELECT event_id, routing_key, body::json->>'subject', created_at, published_at "
                f"FROM {service}.outbox WHERE routing_key LIKE 'report.%'"):
            report_id = subject.removeprefix("reports/")
            if report_id in report_ids:
                events[event_id] = (routing_key, report_id, created)
                if sent is not None:
                    found.append(Hop(routing_key, "relay", report_id, created, sent))
    for service in SERVICES:
        for consumer, event_id, processed in services.rows(
                f"SELECT consumer, event_id, processed_at FROM {service}.processed_events"):
            if event_id in events:
                routing_key, report_id, created = events[event_id]
                found.append(Hop(routing_key, f"{service}: {consumer.rsplit('.', 1)[-1]}", report_id, created,
                                 processed))
    return found


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def latency_row(label: str, seconds: list[float]) -> str:
    p50, p95, p99 = (1000 * percentile(seconds, share) for share in (0.5, 0.95, 0.99))
    return f"| {label} | {len(seconds):,} | {p50:,.0f} | {p95:,.0f} | {p99:,.0f} | {1000 * max(seconds):,.0f} |"


LATENCY_HEADER = ["| stage | count | p50 ms | p95 ms | p99 ms | max ms |", "|---|---|---|---|---|---|"]


def hop_rows(found: list[Hop]) -> list[str]:
    """One row per (event, step), in the order of the report's lifecycle."""
    order = ["report.submitted", "report.verified", "report.scored", "report.published"]
    grouped: dict[tuple[str, str], list[float]] = {}
    for hop in found:
        grouped.setdefault((hop.event, hop.consumer), []).append(max(hop.seconds, 0.0))
    keys = sorted(grouped, key=lambda key: (order.index(key[0]) if key[0] in order else 99, key[1] != "relay",
                                            key[1]))
    return [latency_row(f"`{event}` committed → {'sent by the relay' if consumer == 'relay' else consumer}",
                        grouped[(event, consumer)]) for event, consumer in keys]
