"""The score sheets, stored with SQLAlchemy: what the use cases ask for by name."""
from __future__ import annotations

from sqlalchemy.orm import Session

from services.scoring.adapters import orm
from services.scoring.domain.scores import ScoreSheet
from shared.repository import SqlAlchemyRepository


class ScoreSheetRepository(SqlAlchemyRepository[ScoreSheet]):
    def __init__(self, session: Session):
        super().__init__(session, ScoreSheet)

    def in_round(self, round_id: str) -> list[ScoreSheet]:
        return self.list(orm.score_sheets.c.round_id == round_id)
