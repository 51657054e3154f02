"""Use cases of the submission service: what a unit does with its report, and how the
service follows the decisions the other services publish."""
from __future__ import annotations

import datetime as dt
from typing import Any

from services.rounds.service_layer import rounds
from services.submission.domain.reports import Report
from services.submission.service_layer import answers_check
from services.submission.service_layer.evidence import evidence_manifest
from services.submission.service_layer.unit_of_work import SubmissionUnitOfWork
from shared.auth import Principal
from shared.authorization import belongs_to, reads_everything, reviewer_kind_of, reviews
from shared.domain.errors import Bilingual, Forbidden, VersionConflict, not_found
from shared.domain.lifecycle import ReportStatus
from shared.domain.report_events import (
    ReportEvent,
    ReportEvidenceRequested,
    ReportPublished,
    ReportReconsiderationAccepted,
    ReportReturned,
    ReportScored,
    ReportVerified,
)

REPORT = Bilingual("Báo cáo", "report")


def load_for_reading(uow: SubmissionUnitOfWork, report_id: str, principal: Principal) -> Report:
    report = uow.reports.get(report_id)
    if report is None:
        raise not_found(REPORT, report_id)
    if reads_everything(principal) or reviews(principal, report.reviewer_unit_code, report.reviewer_kind) \
            or belongs_to(principal, report.unit_code):
        return report
    raise Forbidden(Bilingual(f"Báo cáo này thuộc đơn vị '{report.unit_code}'; tài khoản của đơn vị "
                              f"'{principal.unit}' không xem được",
                              f"report '{report_id}' belongs to unit '{report.unit_code}', not to '{principal.unit}'"))


class ReportAsRead:
    """A report as its reader sees it: with the measured values of its unit, read-only."""

    def __init__(self, report: Report, measured: dict):
        self._report, self.measured = report, measured

    def __getattr__(self, name: str):
        return getattr(self._report, name)


def read_report(uow: SubmissionUnitOfWork, report_id: str, principal: Principal) -> ReportAsRead:
    """The report, with the values provincial systems supplied for its unit, for a reader in scope."""
    with uow:
        report = load_for_reading(uow, report_id, principal)
        return ReportAsRead(report, uow.measured.of_unit(report.round_id, report.unit_code))


def list_reports(uow: SubmissionUnitOfWork, principal: Principal, round_id: str | None,
                 status: str | None) -> list[Report]:
    """The reports the caller may see: its own unit's, those it reviews in its role, or (admin, auditor) all."""
    kind = reviewer_kind_of(principal)
    if belongs_to(principal, principal.unit):
        whose = {"unit_code": principal.unit}
    elif kind:
        whose = {"reviewer": (principal.unit, kind)}
    elif reads_everything(principal):
        whose = {}
    else:
        return []
    with uow:
        return uow.reports.matching(round_id=round_id, status=status, **whose)


def load_own(uow: SubmissionUnitOfWork, report_id: str, principal: Principal, expected_version: int | None) -> Report:
    """A report the caller's unit may change (its reporter or, to submit, its approver: the role
    table decides which); `expected_version` guards against lost updates."""
    report = uow.reports.get(report_id)
    if report is None:
        raise not_found(REPORT, report_id)
    if not belongs_to(principal, report.unit_code):
        raise Forbidden(Bilingual(f"Chỉ đơn vị '{report.unit_code}' được sửa báo cáo này",
                                  f"only unit '{report.unit_code}' may change report '{report_id}'"))
    if expected_version is not None and expected_version != report.version:
        raise VersionConflict(
            Bilingual(f"Báo cáo đã được cập nhật lên phiên bản {report.version} (bạn đang sửa phiên bản "
                      f"{expected_version}); hãy tải lại và nhập lại thay đổi của mình",
                      f"report '{report_id}' is at version {report.version}, not {expected_version}; "
                      "reload it and apply your change again"),
            current_version=report.version, expected_version=expected_version)
    return report


def update_draft(uow: SubmissionUnitOfWork, report_id: str, principal: Principal, answers: dict[str, Any],
                 expected_version: int | None = None) -> Report:
    with uow:
        report = load_own(uow, report_id, principal, expected_version)
        answers_check.refuse_inputs_not_the_units(report, answers)
        answers_check.refuse_if_invalid(answers_check.check(report, {**report.answers, **answers}, final=False))
        report.update_answers(answers_check.canonical(report, answers))
        uow.commit()
        return report


def submit(uow: SubmissionUnitOfWork, report_id: str, principal: Principal, expected_version: int | None = None,
           *, now: dt.datetime) -> Report:
    with uow:
        report = load_own(uow, report_id, principal, expected_version)
        report.check_submittable()
        if report.submitted_at is None:  # a report returned for revision is resubmitted on the reviewer's terms
            rounds.check_deadline(uow, report.round_id, report.unit_code, now)
        evidence = evidence_manifest(uow, report_id)
        answers_check.refuse_if_invalid(answers_check.check(
            report, report.answers, evidence_counts={code: len(files) for code, files in evidence.items()},
            final=True))
        report.submit(by=principal.user, now=now, evidence=evidence)
        uow.commit()
        return report


def provide_evidence(uow: SubmissionUnitOfWork, report_id: str, principal: Principal, changes: dict[str, Any],
                     note: str, expected_version: int | None = None, *, now: dt.datetime) -> Report:
    with uow:
        report = load_own(uow, report_id, principal, expected_version)
        answers_check.refuse_inputs_not_the_units(report, changes)
        answers_check.refuse_if_invalid(answers_check.check(report, {**report.answers, **changes}, final=False))
        report.provide_evidence(changes=answers_check.canonical(report, changes), note=note, by=principal.user,
                                now=now, evidence=evidence_manifest(uow, report_id))
        uow.commit()
        return report


# Event handlers: run by the idempotent consumer inside its unit of work (it commits).
def load_reports(uow: SubmissionUnitOfWork, events: list[ReportEvent]) -> None:
    """A batch of events about reports: the reports, in one query."""
    uow.reports.load(event.report_id for event in events)


def on_report_returned(uow: SubmissionUnitOfWork, event: ReportReturned) -> None:
    uow.reports.get_named(event.report_id, by=event.routing_key).returned(event.comment, event.criterion_comments)


def on_evidence_requested(uow: SubmissionUnitOfWork, event: ReportEvidenceRequested) -> None:
    uow.reports.get_named(event.report_id, by=event.routing_key).evidence_requested(event.requests, event.due_date)


def on_report_progressed(uow: SubmissionUnitOfWork, event: ReportVerified | ReportScored | ReportPublished) -> None:
    """report.verified / report.scored / report.published: the read model follows."""
    report = uow.reports.get_named(event.report_id, by=event.routing_key)
    report.follow(ReportStatus(event.routing_key.split(".", 1)[1]))


def on_reconsideration_accepted(uow: SubmissionUnitOfWork, event: ReportReconsiderationAccepted) -> None:
    """A reconsideration request was accepted: the report is under review again."""
    uow.reports.get_named(event.report_id, by=event.routing_key).follow(ReportStatus.SUBMITTED)
