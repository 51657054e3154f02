from __future__ import annotations

from services.rounds.adapters.registry_repository import ReviewModelRepository, UnitRepository
from services.rounds.adapters.rounds_repository import RoundRepository
from services.submission.adapters.repositories import (
    EvidenceRepository,
    MeasuredValues,
    MeasurementImportRepository,
    ReportRepository,
)
from services.submission.adapters.round_reports import SqlRoundReports
from shared.unit_of_work import SqlAlchemyUnitOfWork


class SubmissionUnitOfWork(SqlAlchemyUnitOfWork):
    """Submission's transaction, and the rounds package's too (it is hosted here): the reports, the
    evidence files and the measured inputs, and the rounds, the unit registry, the review models."""

    reports: ReportRepository
    evidence: EvidenceRepository
    rounds: RoundRepository
    units: UnitRepository
    review_models: ReviewModelRepository
    round_reports: SqlRoundReports
    measurements: MeasurementImportRepository
    measured: MeasuredValues

    def _open_repositories(self, session) -> None:
        self.reports = ReportRepository(session)
        self.evidence = EvidenceRepository(session)
        self.measurements = MeasurementImportRepository(session)
        self.measured = MeasuredValues(session)
        self.rounds = RoundRepository(session)
        self.units = UnitRepository(session)
        self.review_models = ReviewModelRepository(session)
        self.round_reports = SqlRoundReports(session, self.reports)

    def _write_together(self) -> None:
        self.reports.write_followed_states()

    def _seen_aggregates(self) -> list:
        return [*self.reports.seen, *self.rounds.seen, *self.measurements.seen]
