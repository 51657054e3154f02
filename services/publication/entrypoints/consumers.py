"""The publication service listens to scores and to the rounds' kinds and closing, and forwards
its own published events to the partners' webhooks."""
from __future__ import annotations

from services.publication.domain.webhooks import FORWARDED_EVENTS
from services.publication.service_layer import handlers, webhooks
from shared.domain.report_events import ReportScored
from shared.domain.round_events import RoundClosed, RoundOpened
from shared.messaging.consumer import Subscription


def subscriptions() -> list[Subscription]:
    return [
        Subscription.typed("on_round_opened", handlers.on_round_opened, RoundOpened),
        Subscription.typed("on_round_closed", handlers.on_round_closed, RoundClosed),
        Subscription.typed("on_report_scored", handlers.on_report_scored, ReportScored),
        Subscription("on_partner_event", FORWARDED_EVENTS, webhooks.on_partner_event),
    ]
