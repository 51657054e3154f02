"""The publication service listens to scores and to the rounds' kinds and closing, and forwards
its own published events to the partners' webhooks."""
from __future__ import annotations

from services.publication.domain.webhooks import FORWARDED_EVENTS
from services.publication.service_layer import handlers, webhooks
from shared.domain.report_events import ReportScored
from shared.messaging.consumer import Subscription


def subscriptions() -> list[Subscription]:
    return [
        Subscription("on_round_opened", ("round.opened",), handlers.on_round_opened),
        Subscription("on_round_closed", ("round.closed",), handlers.on_round_closed),
        Subscription.typed("on_report_scored", handlers.on_report_scored, ReportScored),
        Subscription("on_partner_event", FORWARDED_EVENTS, webhooks.on_partner_event),
    ]
