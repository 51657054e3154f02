"""Rounds read and added through the session (the mapping is in orm.py)."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.rounds.adapters.orm import rounds
from services.rounds.domain.rounds import Round
from shared.domain.round_events import RoundStatus
from shared.repository import SqlAlchemyRepository


class RoundRepository(SqlAlchemyRepository[Round]):
    def __init__(self, session: Session):
        super().__init__(session, Round)

    def list(self, *statuses: RoundStatus) -> list[Round]:
        """Rounds (in any of `statuses`, if given) newest first: by year, annual first, then by month."""
        query = sa.select(Round).order_by(rounds.c.year.desc(), rounds.c.kind, rounds.c.period_month)
        if statuses:
            query = query.where(rounds.c.status.in_([status.value for status in statuses]))
        found = list(self.session.execute(query).scalars())
        self.seen.update(found)
        return found
