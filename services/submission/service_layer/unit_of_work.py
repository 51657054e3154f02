from __future__ import annotations

from services.submission.adapters import orm
from services.submission.domain.reports import Report
from shared.repository import SqlAlchemyRepository
from shared.unit_of_work import SqlAlchemyUnitOfWork


class SubmissionUnitOfWork(SqlAlchemyUnitOfWork):
    reports: SqlAlchemyRepository[Report]

    def _open_repositories(self, session) -> None:
        orm.start_mappers()
        self.reports = SqlAlchemyRepository(session, Report)

    def _seen_aggregates(self) -> list:
        return list(self.reports.seen)
