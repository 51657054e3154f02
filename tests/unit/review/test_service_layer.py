"""The review service's use cases on a fake unit of work: following what the units submit and the
systems measure, who may decide, four-eyes verification, in milliseconds."""
from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from services.review.domain.cases import AWAITING_APPROVAL, ReviewCase
from services.review.service_layer import handlers
from shared.auth import Principal, Role
from shared.domain.errors import ConcurrentChange, Forbidden, NotFound, VersionConflict
from shared.domain.events import Event
from shared.domain.measurement_events import MeasurementsImported
from shared.domain.report_events import ReportEvidenceProvided, ReportSubmitted, ReportVerified
from tests.support.fakes import FakeRepository, FakeUnitOfWork
from tests.unit.review.conftest import CATALOG_VERSION, pdf

NOW = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.timezone.utc)
REVIEWER_A = Principal("reviewer-a", Role.DISTRICT_REVIEWER, "436")
REVIEWER_B = Principal("reviewer-b", Role.DISTRICT_REVIEWER, "436")


class FakeCases(FakeRepository[ReviewCase]):
    def __init__(self):
        super().__init__(lambda case: case.report_id)
        self.committed_versions: dict[str, int] = {}

    def of_units(self, round_id, unit_codes) -> list[ReviewCase]:
        return self.where(lambda case: case.round_id == round_id and case.unit_code in unit_codes)

    def stored_version(self, report_id) -> int:
        return self.committed_versions[report_id]


class FakeReviewViews:
    """The audit trail as the read model gives it, from the entries the fake unit of work committed."""

    def __init__(self, audited: list):
        self.audited = audited

    def audit_trail(self, report_id, *, since_version=None) -> list[dict]:
        return [dataclasses.asdict(entry) for entry in self.audited
                if entry.report_id == report_id and (since_version is None or entry.subject_version >= since_version)]


class FakeMeasuredValues:
    def __init__(self):
        self.rows: dict[tuple[str, str], list[dict]] = {}  # (round, agency) → rows

    def newest_import_at(self, round_id, agency):
        return max((row["imported_at"] for row in self.rows.get((round_id, agency), [])), default=None)

    def replace(self, round_id, agency, rows) -> set[str]:
        before = {row["unit_code"] for row in self.rows.get((round_id, agency), [])}
        self.rows[round_id, agency] = [{"agency": agency, **row} for row in rows]
        return before | {row["unit_code"] for row in rows}

    def of_unit(self, round_id, unit_code) -> dict:
        return {row["field"]: {key: row[key] for key in ("value", "agency", "source_system", "as_of", "import_id",
                                                        "imported_by")}
                for (held_round, _), rows in self.rows.items() if held_round == round_id
                for row in rows if row["unit_code"] == unit_code}


class FakeReviewUnitOfWork(FakeUnitOfWork):
    def __init__(self):
        super().__init__()
        self.cases = FakeCases()
        self.settings = FakeRepository(lambda settings: settings.reviewer_unit_code)
        self.measured = FakeMeasuredValues()
        self.audited: list = []
        self.views = FakeReviewViews(self.audited)
        self.committed_elsewhere: ReviewCase | None = None

    def _seen_aggregates(self) -> list:
        return [*self.cases.seen, *self.settings.seen]

    def commit(self) -> list:
        """As the real one: the audit entries go in with the change, and a changed case's version goes up
        (SQLAlchemy's version counter; every change of a case is audited). With `committed_elsewhere`
        set, another transaction changed that case first: the version counter refuses this one."""
        if self.committed_elsewhere is not None:
            self.cases.committed_versions[self.committed_elsewhere.report_id] += 1
            raise ConcurrentChange()
        for aggregate in self._seen_aggregates():
            if aggregate.recorded or getattr(aggregate, "version", None) is None:
                aggregate.version = (getattr(aggregate, "version", None) or 0) + 1
            self.audited.extend(aggregate.recorded)
            aggregate.recorded.clear()
        self.cases.committed_versions.update({case.report_id: case.version for case in self.cases.seen})
        return super().commit()


def consume(uow: FakeReviewUnitOfWork, handler, event: Event) -> list:
    with uow:
        handler(uow, event)
        return uow.commit()


def submitted(answers: dict, revision: int = 1) -> ReportSubmitted:
    return ReportSubmitted(
        report_id="r-1", round_id="2026", unit_code="18118", unit_name_vi="Xã Thạch Hạ", unit_type="commune",
        reviewer_unit_code="436", reviewer_kind="district", catalog_version=CATALOG_VERSION, revision=revision,
        answers=answers, evidence={"1.1": [pdf("f1")]}, submitted_by="reporter",
        submitted_at=NOW.isoformat())


def measured(files_resolved: int, at: dt.datetime, unit_code: str = "18118") -> MeasurementsImported:
    return MeasurementsImported(
        round_id="2026", import_id=f"imp-{at:%H%M}", agency="district_office", sha256="0" * 64, file_name="x.csv",
        imported_by="vp.huyen", imported_at=at.isoformat(), supersedes=None,
        values={unit_code: {"files_resolved": {"value": files_resolved, "source_system": "dvc",
                                               "as_of": "2026-11-30"}}})


@pytest.fixture
def uow(answers):
    uow = FakeReviewUnitOfWork()
    consume(uow, handlers.on_report_submitted, submitted(answers))
    return uow


def decide_all(uow: FakeReviewUnitOfWork, principal: Principal = REVIEWER_A) -> None:
    case = uow.cases.get("r-1")
    for code in case.undecided(handlers.catalog_of(case)):
        handlers.decide(uow, "r-1", principal, criterion=code, decision="accept", values=None, points=None,
                        reason="", expected_version=uow.cases.get("r-1").version, now=NOW)


def test_a_submission_opens_a_case_for_its_reviewer_and_audits_it(uow, answers):
    case = uow.cases.get("r-1")
    assert (case.status, case.reviewer_unit_code, case.current.answers) == ("submitted", "436", answers)
    assert [entry.action for entry in uow.audited] == ["report_submitted"]


def test_the_same_revision_delivered_again_changes_nothing(uow, answers):
    consume(uow, handlers.on_report_submitted, submitted(answers))
    assert len(uow.cases.get("r-1").snapshots) == 1 and len(uow.audited) == 1


def test_measured_values_reach_the_case_and_an_older_import_does_not_replace_a_newer_one(uow):
    consume(uow, handlers.on_measurements_imported, measured(40, NOW))
    consume(uow, handlers.on_measurements_imported, measured(10, NOW - dt.timedelta(hours=1)))
    assert uow.cases.get("r-1").measured["files_resolved"]["value"] == 40
    consume(uow, handlers.on_measurements_imported, measured(45, NOW + dt.timedelta(hours=1)))
    assert uow.cases.get("r-1").measured["files_resolved"]["value"] == 45


def test_a_case_submitted_after_an_import_starts_with_its_measured_values(answers):
    uow = FakeReviewUnitOfWork()
    consume(uow, handlers.on_measurements_imported, measured(40, NOW))
    consume(uow, handlers.on_report_submitted, submitted(answers))
    assert uow.cases.get("r-1").measured["files_resolved"]["value"] == 40


def test_evidence_for_a_report_never_submitted_is_an_error_of_the_event():
    event = ReportEvidenceProvided(
        report_id="r-404", round_id="2026", unit_code="18118", answers={}, evidence={}, note="",
        provided_by="reporter", provided_at=NOW.isoformat(), changed_fields=[])
    with pytest.raises(LookupError, match="r-404"):
        consume(FakeReviewUnitOfWork(), handlers.on_evidence_provided, event)


@pytest.mark.parametrize("principal", [
    Principal("other", Role.DISTRICT_REVIEWER, "437"),   # another district
    Principal("dept", Role.DEPARTMENT_REVIEWER, "436"),  # the right code in the wrong role
    Principal("admin", Role.ADMIN, "STTTT"),             # admins read, reviewers decide
    Principal("reporter", Role.UNIT_REPORTER, "18118"),
])
def test_only_the_assigned_reviewers_decide(uow, principal):
    with pytest.raises(Forbidden):
        handlers.decide(uow, "r-1", principal, criterion="1.1", decision="accept", values=None, points=None,
                        reason="", expected_version=uow.cases.get("r-1").version, now=NOW)
    assert uow.cases.get("r-1").decisions == {} and uow.commits == 1


def test_an_unknown_case_is_not_found(uow):
    with pytest.raises(NotFound):
        handlers.case_for_reading(uow, "r-404", REVIEWER_A)


def test_verification_publishes_report_verified(uow):
    decide_all(uow)
    handlers.verify(uow, "r-1", REVIEWER_A, expected_version=uow.cases.get("r-1").version, now=NOW)
    [event] = [event for event in uow.published if isinstance(event, ReportVerified)]
    assert (event.report_id, event.verified_by) == ("r-1", "reviewer-a")


def test_with_four_eyes_set_for_the_reviewer_a_second_reviewer_approves(uow):
    handlers.set_four_eyes(uow, "436", REVIEWER_A, four_eyes=True, now=NOW)
    assert uow.settings.get("436").four_eyes
    decide_all(uow)
    handlers.verify(uow, "r-1", REVIEWER_A, expected_version=uow.cases.get("r-1").version, now=NOW)
    assert uow.cases.get("r-1").queue_status == AWAITING_APPROVAL
    assert not any(isinstance(event, ReportVerified) for event in uow.published)
    handlers.approve(uow, "r-1", REVIEWER_B, expected_version=uow.cases.get("r-1").version, now=NOW)
    [event] = [event for event in uow.published if isinstance(event, ReportVerified)]
    assert event.verified_by == "reviewer-a" and uow.cases.get("r-1").status == "verified"


def test_a_decision_on_a_version_already_changed_is_refused_with_the_changes_since(uow):
    read = uow.cases.get("r-1").version
    handlers.decide(uow, "r-1", REVIEWER_A, criterion="1.1", decision="accept", values=None, points=None, reason="",
                    expected_version=read, now=NOW)
    with pytest.raises(VersionConflict) as refused:
        handlers.decide(uow, "r-1", REVIEWER_B, criterion="1.2", decision="accept", values=None, points=None,
                        reason="", expected_version=read, now=NOW)
    assert refused.value.data["current_version"] == uow.cases.get("r-1").version == read + 1
    assert [(change["action"], change["criterion"]) for change in refused.value.data["changes"]] == [
        ("decision_recorded", "1.1")]


def test_a_decision_racing_another_reviewer_to_the_commit_is_a_version_conflict(uow):
    read = uow.cases.get("r-1").version
    uow.committed_elsewhere = uow.cases.get("r-1")
    with pytest.raises(VersionConflict) as refused:
        handlers.decide(uow, "r-1", REVIEWER_A, criterion="1.1", decision="accept", values=None, points=None,
                        reason="", expected_version=read, now=NOW)
    assert (refused.value.data["expected_version"], refused.value.data["current_version"]) == (read, read + 1)
