"""Submitting a report on a fake unit of work: the round's calendar, asked through the rounds package,
decides whether a unit may still submit, in milliseconds."""
from __future__ import annotations

import datetime as dt

import pytest

from services.rounds.domain.calendar import VIETNAM_TZ, RoundKind
from services.rounds.domain.refusals import SubmissionClosed
from services.rounds.domain.review_models import ReviewModel, ReviewModels
from services.rounds.domain.units import UnitRegistry, UnitType
from services.rounds.service_layer import rounds
from services.submission.domain.reports import Report
from services.submission.entrypoints import consumers
from services.submission.service_layer import handlers
from shared.auth import Principal, Role
from shared.domain.errors import InvalidInput
from shared.domain.lifecycle import ReportStatus
from shared.domain.report_header import ReportHeader
from tests.support import report_progress
from tests.support.fakes import FakeRepository, consume_batch
from tests.unit.rounds.conftest import SKHCN, TWO_TIER_RULES, TWO_TIERS, small_units
from tests.unit.rounds.fakes import FakeRoundsUnitOfWork

CATALOG = "hatinh-2021-ref-1"
REPORTER = Principal("snv.clerk", Role.UNIT_REPORTER, "SNV")
DEADLINE = dt.datetime(2026, 11, 15, tzinfo=VIETNAM_TZ)


class FakeEvidence:
    def of_report(self, report_id, **_filters) -> list:
        return []


class FakeSubmissionUnitOfWork(FakeRoundsUnitOfWork):
    def __init__(self):
        super().__init__(UnitRegistry(small_units()),
                         ReviewModels([ReviewModel("2025-07", TWO_TIERS, None, SKHCN, TWO_TIER_RULES)]))
        self.reports = FakeRepository(lambda report: report.id)
        self.evidence = FakeEvidence()

    def _seen_aggregates(self) -> list:
        return [*super()._seen_aggregates(), *self.reports.seen]


@pytest.fixture
def uow():
    uow = FakeSubmissionUnitOfWork()
    rounds.create_round(uow, RoundKind.ANNUAL_EVALUATION, 2026, catalog_versions={UnitType.PROVINCE_DEPARTMENT: CATALOG})
    rounds.open_round(uow, "2026-annual", dt.datetime(2026, 1, 10, tzinfo=VIETNAM_TZ))
    uow.reports.add(Report("snv-2026", ReportHeader("2026-annual", "SNV", "Sở Nội vụ", "province_department",
                                                    SKHCN.code, "department"), CATALOG))
    uow.published.clear()
    uow.commits = 0
    return uow


def test_a_unit_cannot_submit_after_its_deadline(uow):
    with pytest.raises(SubmissionClosed, match="hạn chót"):
        handlers.submit(uow, "snv-2026", REPORTER, now=DEADLINE)
    report = uow.reports.get("snv-2026")
    assert report.state is ReportStatus.DRAFT and report.submitted_at is None
    assert uow.published == [] and uow.commits == 0


def test_a_report_returned_for_revision_is_resubmitted_on_the_reviewers_terms(uow):
    report = uow.reports.get("snv-2026")
    report.submitted_at, report.status = DEADLINE - dt.timedelta(days=3), ReportStatus.RETURNED.value
    # Past the deadline, the calendar lets it through: what stops this one is its empty answers.
    with pytest.raises(InvalidInput):
        handlers.submit(uow, "snv-2026", REPORTER, now=DEADLINE + dt.timedelta(days=5))


def test_a_batch_of_progress_events_reads_its_reports_in_one_query_and_follows_each_in_order(uow):
    for report_id in ("snv-2026", "sct-2026"):
        report = uow.reports.get(report_id) or Report(report_id, uow.reports.get("snv-2026").header, CATALOG)
        report.status = ReportStatus.SUBMITTED.value
        uow.reports.add(report)
    uow.reports.queries = 0
    verified = report_progress.verified("snv-2026")
    batch = [verified, report_progress.verified("sct-2026"), verified, report_progress.scored("snv-2026")]
    [subscription] = [found for found in consumers.subscriptions() if found.handler_name == "on_report_progressed"]
    assert consume_batch(uow, subscription, batch) == 3  # the redelivered report.verified changes nothing
    assert uow.reports.queries == 1
    assert (uow.reports.get("snv-2026").state, uow.reports.get("sct-2026").state) == (
        ReportStatus.SCORED, ReportStatus.VERIFIED)
