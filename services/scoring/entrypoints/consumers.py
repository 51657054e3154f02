"""The scoring service listens to one event: a report the review verified."""
from __future__ import annotations

from services.scoring.service_layer import handlers
from shared.domain.report_events import ReportVerified
from shared.messaging.consumer import Subscription


def subscriptions() -> list[Subscription]:
    return [Subscription.typed("on_report_verified", handlers.on_report_verified, ReportVerified,
                               load=handlers.load_sheets)]
