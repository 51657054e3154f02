from __future__ import annotations

from services.scoring.adapters import orm
from services.scoring.domain.scores import ScoreSheet
from shared.repository import SqlAlchemyRepository
from shared.unit_of_work import SqlAlchemyUnitOfWork


class ScoringUnitOfWork(SqlAlchemyUnitOfWork):
    sheets: SqlAlchemyRepository[ScoreSheet]

    def _open_repositories(self, session) -> None:
        orm.start_mappers()
        self.sheets = SqlAlchemyRepository(session, ScoreSheet)

    def _seen_aggregates(self) -> list:
        return list(self.sheets.seen)
