from __future__ import annotations

from services.rounds.adapters.registry_repository import ReviewModelRepository, UnitRepository
from services.rounds.adapters.rounds_repository import RoundRepository
from services.submission.adapters.round_reports import SqlRoundReports
from services.submission.domain.measurements import MeasurementImport
from services.submission.domain.reports import Report
from shared.repository import SqlAlchemyRepository
from shared.unit_of_work import SqlAlchemyUnitOfWork


class SubmissionUnitOfWork(SqlAlchemyUnitOfWork):
    """Submission's transaction, and the rounds package's too (it is hosted here): the reports, the
    measurement imports, and the rounds, the unit registry, the review models."""

    reports: SqlAlchemyRepository[Report]
    rounds: RoundRepository
    units: UnitRepository
    review_models: ReviewModelRepository
    round_reports: SqlRoundReports
    measurements: SqlAlchemyRepository[MeasurementImport]

    def _open_repositories(self, session) -> None:
        self.reports = SqlAlchemyRepository(session, Report)
        self.measurements = SqlAlchemyRepository(session, MeasurementImport)
        self.rounds = RoundRepository(session)
        self.units = UnitRepository(session)
        self.review_models = ReviewModelRepository(session)
        self.round_reports = SqlRoundReports(session, self.reports)

    def _seen_aggregates(self) -> list:
        return [*self.reports.seen, *self.rounds.seen, *self.measurements.seen]
