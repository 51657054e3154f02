"""Use cases of the review service: following what the units submit, and the reviewers'
decisions on a case. Each write checks the caller's scope and the version they read."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from services.review.domain.cases import ReviewCase, Submission
from services.review.domain.settings import ReviewerSettings
from services.review.service_layer import views
from services.review.service_layer.scope import require_reader, require_reviewer
from services.review.service_layer.unit_of_work import ReviewUnitOfWork
from shared.auth import Principal
from shared.criteria import UnitTypeCatalog, load_catalog
from shared.domain.errors import Bilingual, ConcurrentChange, VersionConflict, not_found
from shared.domain.measurement_events import MeasurementsImported
from shared.domain.report_events import (
    ReportEvidenceProvided,
    ReportReconsiderationAccepted,
    ReportSubmitted,
)

CASE = Bilingual("Hồ sơ thẩm định", "review case")


def catalog_of(case: ReviewCase) -> UnitTypeCatalog:
    return load_catalog(case.catalog_version).unit_type(case.unit_type)


def _timestamp(text: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


# --- following the units: run by the idempotent consumer inside its unit of work -------------------
def on_report_submitted(uow: ReviewUnitOfWork, event: ReportSubmitted) -> None:
    case = uow.cases.get(event.report_id)
    if case is None:
        case = ReviewCase(report_id=event.report_id, header=event.header, catalog_version=event.catalog_version)
        uow.cases.add(case)
    submitted_at = _timestamp(event.submitted_at)
    case.receive_submission(Submission(revision=event.revision, answers=event.answers, evidence=event.evidence,
                                       by=event.submitted_by, at=submitted_at), catalog_of(case))
    case.take_measured(uow.measured.of_unit(case.round_id, case.unit_code), catalog_of(case), submitted_at)


def on_measurements_imported(uow: ReviewUnitOfWork, event: MeasurementsImported) -> None:
    """An agency's current values for a round replace what its earlier import said; the cases of the
    round take their unit's values. An import older than the one already held changes nothing."""
    round_id, agency, imported_at = event.round_id, event.agency, _timestamp(event.imported_at)
    newest = uow.measured.newest_import_at(round_id, agency)
    if newest is not None and newest > imported_at:
        return
    rows = [{"unit_code": unit_code, "field": name, "value": item["value"], "source_system": item["source_system"],
             "as_of": item["as_of"], "import_id": event.import_id, "imported_by": event.imported_by,
             "imported_at": imported_at}
            for unit_code, values in event.values.items() for name, item in values.items()]
    touched = uow.measured.replace(round_id, agency, rows) | set(event.values)
    for case in uow.cases.of_units(round_id, touched):
        case.take_measured(uow.measured.of_unit(round_id, case.unit_code), catalog_of(case), imported_at)


def on_evidence_provided(uow: ReviewUnitOfWork, event: ReportEvidenceProvided) -> None:
    case = uow.cases.get_named(event.report_id, by=event.routing_key)
    case.receive_evidence(answers=event.answers, evidence=event.evidence, note=event.note, by=event.provided_by,
                          at=_timestamp(event.provided_at), catalog=catalog_of(case))


def on_reconsideration_accepted(uow: ReviewUnitOfWork, event: ReportReconsiderationAccepted) -> None:
    """Publication accepted a unit's reconsideration request: its criteria are reviewed again."""
    case = uow.cases.get_named(event.report_id, by=event.routing_key)
    case.reopen_for_reconsideration(event.criteria, reason=event.reason, by=event.accepted_by,
                                    at=_timestamp(event.accepted_at))


# --- reading -----------------------------------------------------------------------------------------
def case_for_reading(uow: ReviewUnitOfWork, report_id: str, principal: Principal) -> ReviewCase:
    case = uow.cases.get(report_id)
    if case is None:
        raise not_found(CASE, report_id)
    require_reader(principal, case.reviewer_unit_code, case.reviewer_kind, report_id)
    return case


def read_case(uow: ReviewUnitOfWork, report_id: str, principal: Principal) -> dict[str, Any]:
    """A case in detail, for a reader in scope."""
    with uow:
        return views.case_detail(case_for_reading(uow, report_id, principal))


def case_versions(uow: ReviewUnitOfWork, report_id: str, principal: Principal) -> dict[str, Any]:
    """A case's revisions side by side, for a reader in scope."""
    with uow:
        return {"report_id": report_id, "versions": views.versions(case_for_reading(uow, report_id, principal))}


def case_audit(uow: ReviewUnitOfWork, report_id: str, principal: Principal) -> list[dict[str, Any]]:
    """A case's audit trail, for a reader in scope."""
    with uow:
        case_for_reading(uow, report_id, principal)
        return views.audit_entries(uow, report_id)


# --- the reviewers' actions --------------------------------------------------------------------------
def decide(uow: ReviewUnitOfWork, report_id: str, principal: Principal, *, criterion: str, decision: str,
           values: dict[str, Any] | None, points: Decimal | None, reason: str, expected_version: int,
           now: dt.datetime, no_data: dict[str, str] | None = None) -> ReviewCase:
    return _act(uow, report_id, principal, expected_version, lambda case: case.decide(
        catalog_of(case), criterion, decision, values=values, points=points, reason=reason or "",
        by=principal.user, by_unit=principal.unit, now=now, no_data=no_data))


def request_evidence(uow: ReviewUnitOfWork, report_id: str, principal: Principal, *, requests: list[dict[str, str]],
                     due_date: dt.date, expected_version: int, now: dt.datetime) -> ReviewCase:
    return _act(uow, report_id, principal, expected_version, lambda case: case.request_evidence(
        catalog_of(case), requests, due_date, by=principal.user, by_unit=principal.unit, now=now))


def return_report(uow: ReviewUnitOfWork, report_id: str, principal: Principal, *, comment: str,
                  criterion_comments: dict[str, str], expected_version: int, now: dt.datetime) -> ReviewCase:
    return _act(uow, report_id, principal, expected_version, lambda case: case.return_for_revision(
        catalog_of(case), comment, criterion_comments, by=principal.user, by_unit=principal.unit, now=now))


def verify(uow: ReviewUnitOfWork, report_id: str, principal: Principal, *, expected_version: int,
           now: dt.datetime) -> ReviewCase:
    def act(case: ReviewCase) -> None:
        settings = uow.settings.get(case.reviewer_unit_code)
        case.verify(catalog_of(case), four_eyes=bool(settings and settings.four_eyes), by=principal.user,
                    by_unit=principal.unit, now=now)

    return _act(uow, report_id, principal, expected_version, act)


def approve(uow: ReviewUnitOfWork, report_id: str, principal: Principal, *, expected_version: int,
            now: dt.datetime) -> ReviewCase:
    return _act(uow, report_id, principal, expected_version,
                lambda case: case.approve(catalog_of(case), by=principal.user, by_unit=principal.unit, now=now))


def set_four_eyes(uow: ReviewUnitOfWork, reviewer_unit_code: str, principal: Principal, *, four_eyes: bool,
                  now: dt.datetime) -> ReviewerSettings:
    with uow:
        settings = uow.settings.get(reviewer_unit_code)
        if settings is None:
            settings = ReviewerSettings(reviewer_unit_code)
            uow.settings.add(settings)
        settings.set_four_eyes(four_eyes, by=principal.user, by_unit=principal.unit, now=now)
        uow.commit()
        return settings


def _act(uow: ReviewUnitOfWork, report_id: str, principal: Principal, expected_version: int,
         action: Callable[[ReviewCase], object]) -> ReviewCase:
    """Load the case for a reviewer in scope, refuse a stale version, run the action, commit."""
    with uow:
        case = uow.cases.get(report_id)
        if case is None:
            raise not_found(CASE, report_id)
        require_reviewer(principal, case.reviewer_unit_code, case.reviewer_kind, report_id)
        if case.version != expected_version:
            raise _version_conflict(uow, report_id, expected_version)
        action(case)
        try:
            uow.commit()
        except ConcurrentChange:
            # Another reviewer committed between our read and our write.
            raise _version_conflict(uow, report_id, expected_version) from None
        return case


def _version_conflict(uow: ReviewUnitOfWork, report_id: str, expected_version: int) -> VersionConflict:
    current = uow.cases.stored_version(report_id)
    changes = views.audit_entries(uow, report_id, since_version=expected_version)
    return VersionConflict(
        Bilingual(f"Hồ sơ '{report_id}' đã được cập nhật lên phiên bản {current} (bạn đang xem phiên bản "
                  f"{expected_version}); hãy xem các thay đổi dưới đây, tải lại và thực hiện lại",
                  f"case '{report_id}' is at version {current}, not {expected_version}; "
                  "see the changes below, reload and try again"),
        current_version=current, expected_version=expected_version, changes=changes)
