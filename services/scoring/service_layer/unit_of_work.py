from __future__ import annotations

from services.scoring.adapters.repository import ScoreSheetRepository
from shared.unit_of_work import SqlAlchemyUnitOfWork


class ScoringUnitOfWork(SqlAlchemyUnitOfWork):
    sheets: ScoreSheetRepository

    def _open_repositories(self, session) -> None:
        self.sheets = ScoreSheetRepository(session)

    def _seen_aggregates(self) -> list:
        return list(self.sheets.seen)
