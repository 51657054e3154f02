from __future__ import annotations

from services.publication.adapters import orm
from services.publication.adapters.repositories import ScoreRepository, SnapshotRepository, UnitRepository
from services.publication.domain.publication import RoundPublication
from services.publication.domain.reconsideration import Reconsideration
from services.publication.domain.webhooks import Delivery, Webhook
from shared.repository import SqlAlchemyRepository
from shared.unit_of_work import SqlAlchemyUnitOfWork


class PublicationUnitOfWork(SqlAlchemyUnitOfWork):
    rounds: SqlAlchemyRepository[RoundPublication]
    scores: ScoreRepository
    units: UnitRepository
    snapshots: SnapshotRepository
    reconsiderations: SqlAlchemyRepository[Reconsideration]
    webhooks: SqlAlchemyRepository[Webhook]
    deliveries: SqlAlchemyRepository[Delivery]

    def _open_repositories(self, session) -> None:
        orm.start_mappers()
        self.rounds = SqlAlchemyRepository(session, RoundPublication)
        self.scores = ScoreRepository(session)
        self.units = UnitRepository(session)
        self.snapshots = SnapshotRepository(session)
        self.reconsiderations = SqlAlchemyRepository(session, Reconsideration)
        self.webhooks = SqlAlchemyRepository(session, Webhook)
        self.deliveries = SqlAlchemyRepository(session, Delivery)

    def _seen_aggregates(self) -> list:
        return [*self.rounds.seen, *self.reconsiderations.seen]
