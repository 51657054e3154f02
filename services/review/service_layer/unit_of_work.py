from __future__ import annotations

from services.review.adapters import orm
from services.review.domain.cases import ReviewCase
from services.review.domain.settings import ReviewerSettings
from shared.repository import SqlAlchemyRepository
from shared.unit_of_work import SqlAlchemyUnitOfWork


class ReviewUnitOfWork(SqlAlchemyUnitOfWork):
    cases: SqlAlchemyRepository[ReviewCase]
    settings: SqlAlchemyRepository[ReviewerSettings]

    def _open_repositories(self, session) -> None:
        orm.start_mappers()
        self.cases = SqlAlchemyRepository(session, ReviewCase)
        self.settings = SqlAlchemyRepository(session, ReviewerSettings)

    def _seen_aggregates(self) -> list:
        return [*self.cases.seen, *self.settings.seen]

    def commit(self):
        """The aggregates' audit entries go in with their change, in the same transaction."""
        entries = [entry for aggregate in self._seen_aggregates() for entry in aggregate.recorded]
        if entries:
            self.session.execute(orm.audit_log.insert(), [_row(entry) for entry in entries])
        for aggregate in self._seen_aggregates():
            aggregate.recorded.clear()
        return super().commit()


def _row(entry) -> dict:
    return {column: getattr(entry, column) for column in (
        "report_id", "reviewer_unit_code", "subject_version", "revision", "action", "actor", "actor_unit", "at",
        "criterion", "before", "after", "reason")}
