from __future__ import annotations

from services.submission.adapters import measurements_orm, orm
from services.submission.adapters.registry_repository import ReviewModelRepository, UnitRepository
from services.submission.adapters.rounds_repository import RoundRepository
from services.submission.domain.measurements import MeasurementImport
from services.submission.domain.reports import Report
from shared.repository import SqlAlchemyRepository
from shared.unit_of_work import SqlAlchemyUnitOfWork


class SubmissionUnitOfWork(SqlAlchemyUnitOfWork):
    reports: SqlAlchemyRepository[Report]
    rounds: RoundRepository
    units: UnitRepository
    review_models: ReviewModelRepository
    measurements: SqlAlchemyRepository[MeasurementImport]

    def _open_repositories(self, session) -> None:
        orm.start_mappers()
        measurements_orm.start_mappers()
        self.reports = SqlAlchemyRepository(session, Report)
        self.measurements = SqlAlchemyRepository(session, MeasurementImport)
        self.rounds = RoundRepository(session)
        self.units = UnitRepository(session)
        self.review_models = ReviewModelRepository(session)

    def _seen_aggregates(self) -> list:
        return [*self.reports.seen, *self.rounds.seen, *self.measurements.seen]

    def commit(self):
        # Rounds are written by their repository (not mapped), before the flush and the outbox.
        self.rounds.write_changes()
        return super().commit()
