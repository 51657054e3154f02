"""The submission and review services side by side, as the review tests drive them: each app
on its own runtime, their relays and consumers running as threads on the real broker."""
from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import io
import threading
import uuid
from collections.abc import Iterator

from flask.testing import FlaskClient

from services.review import bootstrap as review
from services.submission import bootstrap as submission
from services.submission.domain.reports import Report
from shared.auth import Role, issue_token
from shared.criteria import load_catalog
from shared.domain.report_header import ReportHeader
from shared.runtime import ServiceRuntime
from shared.signing import SigningKey
from tests.support.answers import complete_answers, evidence_criteria
from tests.support.documents import MINIMAL_PDF
from tests.support.polling import eventually

CATALOG_VERSION = "hatinh-2021-ref-1"
EVIDENCE_PDF = MINIMAL_PDF
# A commune reviewed by its district (Can Lộc), another district, and a department's report.
COMMUNE, DISTRICT, OTHER_DISTRICT = "HT-CL-KST", "HT-CL", "HT-HK"
DEPARTMENT_UNIT, DEPARTMENT_REVIEWER = "HT-SO-TC", "HT-SO-TTTT"


class Clock:
    """The review app's "now", moved by the tests."""

    def __init__(self) -> None:
        self.now = dt.datetime.now(dt.timezone.utc)

    def advance(self, days: int) -> None:
        self.now += dt.timedelta(days=days)


@dataclasses.dataclass
class ReviewSystem:
    submission: ServiceRuntime
    review: ServiceRuntime
    submission_client: FlaskClient
    review_client: FlaskClient
    clock: Clock
    key: SigningKey
    threads: list[threading.Thread]

    def token(self, user: str, role: Role, unit: str) -> dict:
        return {"Authorization": f"Bearer {issue_token(self.key, user, role, unit)}"}

    def reporter(self, unit: str = COMMUNE) -> dict:
        return self.token(f"reporter-{unit}", Role.UNIT_REPORTER, unit)

    def district_reviewer(self, user: str = "reviewer-a", unit: str = DISTRICT) -> dict:
        return self.token(user, Role.DISTRICT_REVIEWER, unit)

    def new_report(self, unit_code: str = COMMUNE, unit_type: str = "commune", reviewer: str = DISTRICT,
                   reviewer_kind: str = "district") -> Report:
        """A draft report filled in completely, created directly (rounds are another issue's)."""
        catalog = load_catalog(CATALOG_VERSION).unit_type(unit_type)
        report = Report(id=str(uuid.uuid4()),
                        header=ReportHeader(round_id="2026-annual", unit_code=unit_code,
                                            unit_name_vi=f"Đơn vị {unit_code}", unit_type=unit_type,
                                            reviewer_unit_code=reviewer, reviewer_kind=reviewer_kind),
                        catalog_version=CATALOG_VERSION,
                        answers=complete_answers(catalog))
        with self.submission.uow_factory() as uow:
            uow.reports.add(report)
            uow.commit()
        return report

    def submit(self, report: Report) -> None:
        """Attach a file to each criterion that needs evidence and has none yet, then submit."""
        headers = self.reporter(report.unit_code)
        attached = {item["criterion"] for item in
                    self.submission_client.get(f"/reports/{report.id}/evidence", headers=headers).json}
        for criterion in evidence_criteria(load_catalog(report.catalog_version).unit_type(report.unit_type)):
            if criterion not in attached:
                uploaded = self.submission_client.post(
                    f"/reports/{report.id}/evidence", headers=headers, content_type="multipart/form-data",
                    data={"criterion": criterion, "file": (io.BytesIO(EVIDENCE_PDF), f"minh-chung-{criterion}.pdf")})
                assert uploaded.status_code == 201, uploaded.json
        response = self.submission_client.post(f"/reports/{report.id}/submit", json={}, headers=headers)
        assert response.status_code == 200, response.json

    def case(self, report_id: str, headers: dict | None = None):
        return self.review_client.get(f"/cases/{report_id}", headers=headers or self.district_reviewer())

    def wait_for_case(self, report_id: str, headers: dict | None = None, **expected) -> dict:
        def arrived():
            response = self.case(report_id, headers)
            return response.status_code == 200 and all(response.json[k] == v for k, v in expected.items()) \
                and response.json
        return eventually(arrived, what=f"review case {report_id} with {expected}")

    def submitted_case(self, **report_fields) -> tuple[Report, dict]:
        report = self.new_report(**report_fields)
        self.submit(report)
        reviewer = self.token("reviewer-a", Role.DEPARTMENT_REVIEWER if report.reviewer_kind == "department"
                              else Role.DISTRICT_REVIEWER, report.reviewer_unit_code)
        return report, self.wait_for_case(report.id, reviewer)

    def report_status(self, report: Report) -> dict:
        return self.submission_client.get(f"/reports/{report.id}", headers=self.reporter(report.unit_code)).json


def start(settings_for, key: SigningKey, stop: threading.Event) -> ReviewSystem:
    submission_runtime = submission.runtime(settings_for("submission"))
    review_runtime = review.runtime(settings_for("review"))
    threads = []
    for service_runtime in (submission_runtime, review_runtime):
        service_runtime.migrate()
        threads += service_runtime.start_background(stop)
    clock = Clock()
    review_runtime.clock = lambda: clock.now  # deadlines and queue ages follow the test's clock
    return ReviewSystem(submission_runtime, review_runtime,
                        submission.create_app(submission_runtime).test_client(),
                        review.create_app(review_runtime).test_client(), clock, key,
                        threads)


@contextlib.contextmanager
def running(settings_for, key: SigningKey) -> Iterator[ReviewSystem]:
    """The system started for the length of a block and shut down at its end."""
    stop = threading.Event()
    system = start(settings_for, key, stop)
    try:
        yield system
    finally:
        shut_down(system, stop)


def shut_down(system: ReviewSystem, stop: threading.Event) -> None:
    stop.set()
    for thread in system.threads:
        thread.join(timeout=10)
    system.submission.engine.dispose()
    system.review.engine.dispose()
