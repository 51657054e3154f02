from __future__ import annotations

from services.review.adapters.repository import AuditLog, MeasuredValues, ReviewCaseRepository
from services.review.adapters.views import ReviewViews
from services.review.domain.settings import ReviewerSettings
from shared.repository import SqlAlchemyRepository
from shared.unit_of_work import SqlAlchemyUnitOfWork


class ReviewUnitOfWork(SqlAlchemyUnitOfWork):
    cases: ReviewCaseRepository
    settings: SqlAlchemyRepository[ReviewerSettings]
    measured: MeasuredValues
    audit: AuditLog
    views: ReviewViews

    def _open_repositories(self, session) -> None:
        self.cases = ReviewCaseRepository(session)
        self.settings = SqlAlchemyRepository(session, ReviewerSettings)
        self.measured = MeasuredValues(session)
        self.audit = AuditLog(session)
        self.views = ReviewViews(session)

    def _seen_aggregates(self) -> list:
        return [*self.cases.seen, *self.settings.seen]

    def commit(self):
        """The aggregates' audit entries go in with their change, in the same transaction."""
        self.audit.add([entry for aggregate in self._seen_aggregates() for entry in aggregate.recorded])
        for aggregate in self._seen_aggregates():
            aggregate.recorded.clear()
        return super().commit()
