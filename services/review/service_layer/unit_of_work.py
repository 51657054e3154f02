from __future__ import annotations

from services.review.adapters import orm
from services.review.adapters.repository import MeasuredValues, ReviewCaseRepository
from services.review.domain.settings import ReviewerSettings
from shared import audit_chain
from shared.repository import SqlAlchemyRepository
from shared.unit_of_work import SqlAlchemyUnitOfWork


class ReviewUnitOfWork(SqlAlchemyUnitOfWork):
    cases: ReviewCaseRepository
    settings: SqlAlchemyRepository[ReviewerSettings]
    measured: MeasuredValues

    def _open_repositories(self, session) -> None:
        self.cases = ReviewCaseRepository(session)
        self.settings = SqlAlchemyRepository(session, ReviewerSettings)
        self.measured = MeasuredValues(session)

    def _seen_aggregates(self) -> list:
        return [*self.cases.seen, *self.settings.seen]

    def commit(self):
        """The aggregates' audit entries go in with their change, in the same transaction."""
        entries = [entry for aggregate in self._seen_aggregates() for entry in aggregate.recorded]
        if entries:
            self.session.execute(orm.audit_log.insert(), [_row(entry) for entry in entries])
            audit_chain.append_in(self.session.connection(), orm.security_log, [_chained(entry) for entry in entries])
        for aggregate in self._seen_aggregates():
            aggregate.recorded.clear()
        return super().commit()


def _chained(entry) -> audit_chain.Entry:
    return audit_chain.Entry(kind=f"review.{entry.action}", actor=entry.actor, actor_unit=entry.actor_unit,
                             operation=entry.action, target=f"reports/{entry.report_id}" if entry.report_id
                             else f"settings/{entry.reviewer_unit_code}", at=entry.at,
                             detail={"criterion": entry.criterion, "before": entry.before, "after": entry.after,
                                     "reason": entry.reason, "revision": entry.revision,
                                     "subject_version": entry.subject_version})


def _row(entry) -> dict:
    return {column: getattr(entry, column) for column in (
        "report_id", "reviewer_unit_code", "subject_version", "revision", "action", "actor", "actor_unit", "at",
        "criterion", "before", "after", "reason")}
