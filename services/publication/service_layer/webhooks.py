"""Use cases of the partners' webhooks: register, forward published events, deliver with
retries, read the delivery log, send again."""
from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections.abc import Callable

from services.publication.domain.webhooks import Delivery, Webhook
from services.publication.service_layer.unit_of_work import PublicationUnitOfWork
from shared.auth import Principal
from shared.cloudevents import CloudEvent
from shared.domain.errors import Bilingual, not_found

WEBHOOK = Bilingual("Webhook", "webhook")
Sender = Callable[..., tuple[int | None, str, int]]


@dataclasses.dataclass(frozen=True)
class DeliveryPolicy:
    max_attempts: int = 6
    backoff_s: float = 30.0  # then 60, 120, … seconds
    batch: int = 20

    @classmethod
    def from_env(cls) -> DeliveryPolicy:
        return cls(max_attempts=int(os.environ.get("CQS_WEBHOOK_MAX_ATTEMPTS", "6")),
                   backoff_s=float(os.environ.get("CQS_WEBHOOK_BACKOFF_S", "30")))


def register(uow: PublicationUnitOfWork, principal: Principal, *, url: str, event_types: list[str],
             description: str, now: dt.datetime) -> Webhook:
    with uow:
        webhook = Webhook(url=url, event_types=event_types, description=description, created_by=principal.user,
                          created_at=now)
        uow.webhooks.add(webhook)
        uow.commit()
        return webhook


def list_webhooks(uow: PublicationUnitOfWork) -> list[Webhook]:
    with uow:
        return uow.webhooks.all()


def deactivate(uow: PublicationUnitOfWork, webhook_id: str) -> Webhook:
    with uow:
        webhook = uow.webhooks.get(webhook_id)
        if webhook is None:
            raise not_found(WEBHOOK, webhook_id)
        webhook.active = False
        uow.commit()
        return webhook


def deliveries(uow: PublicationUnitOfWork, webhook_id: str) -> list[Delivery]:
    """The delivery log of one webhook, newest first."""
    with uow:
        if uow.webhooks.get(webhook_id) is None:
            raise not_found(WEBHOOK, webhook_id)
        return uow.deliveries.of_webhook(webhook_id)


def resend(uow: PublicationUnitOfWork, delivery_id: str, principal: Principal, now: dt.datetime) -> Delivery:
    with uow:
        delivery = uow.deliveries.get(delivery_id)
        if delivery is None:
            raise not_found(Bilingual("Lần gửi webhook", "webhook delivery"), delivery_id)
        delivery.resend(now=now, by=principal.user)
        uow.commit()
        return delivery


def on_partner_event(uow: PublicationUnitOfWork, event: CloudEvent, clock: Callable[[], dt.datetime]) -> None:
    """A published event becomes one delivery per active webhook that wants it."""
    for webhook in uow.webhooks.active():
        if webhook.wants(event.routing_key):
            uow.deliveries.add(Delivery(webhook_id=webhook.id, event_id=event.id, event_type=event.routing_key,
                                        body=event.to_json(), now=clock()))


def deliver_due(uow_factory: Callable[[], PublicationUnitOfWork], send: Sender, policy: DeliveryPolicy,
                now: dt.datetime) -> int:
    """Send the deliveries that are due, one transaction each; a row another dispatcher holds is skipped."""
    sent = 0
    for _ in range(policy.batch):
        with uow_factory() as uow:
            delivery = uow.deliveries.next_due(now)
            if delivery is None:
                return sent
            webhook = uow.webhooks.get(delivery.webhook_id)
            status, error, duration_ms = send(webhook.url, delivery.body, webhook.secret, delivery.event_id)
            delivery.record_attempt(now=now, status_code=status, error=error, duration_ms=duration_ms,
                                    max_attempts=policy.max_attempts, backoff_s=policy.backoff_s)
            uow.commit()
            sent += 1
    return sent
