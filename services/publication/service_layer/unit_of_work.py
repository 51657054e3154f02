from __future__ import annotations

from services.publication.adapters.repositories import (
    DeliveryRepository,
    ReconsiderationRepository,
    ScoreRepository,
    SnapshotRepository,
    UnitRepository,
    WebhookRepository,
)
from services.publication.domain.publication import RoundPublication
from shared.repository import SqlAlchemyRepository
from shared.unit_of_work import SqlAlchemyUnitOfWork


class PublicationUnitOfWork(SqlAlchemyUnitOfWork):
    rounds: SqlAlchemyRepository[RoundPublication]
    scores: ScoreRepository
    units: UnitRepository
    snapshots: SnapshotRepository
    reconsiderations: ReconsiderationRepository
    webhooks: WebhookRepository
    deliveries: DeliveryRepository

    def _open_repositories(self, session) -> None:
        self.rounds = SqlAlchemyRepository(session, RoundPublication)
        self.scores = ScoreRepository(session)
        self.units = UnitRepository(session)
        self.snapshots = SnapshotRepository(session)
        self.reconsiderations = ReconsiderationRepository(session)
        self.webhooks = WebhookRepository(session)
        self.deliveries = DeliveryRepository(session)

    def _write_together(self) -> None:
        self.scores.write()

    def _seen_aggregates(self) -> list:
        return [*self.rounds.seen, *self.reconsiderations.seen]
