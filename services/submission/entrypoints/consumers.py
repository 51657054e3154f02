"""The events the submission service listens to: the review's decisions and the later states."""
from __future__ import annotations

from services.submission.service_layer import handlers
from shared.messaging.consumer import Subscription


def subscriptions() -> list[Subscription]:
    return [
        Subscription("on_report_returned", ("report.returned",), handlers.on_report_returned),
        Subscription("on_evidence_requested", ("report.evidence_requested",), handlers.on_evidence_requested),
        Subscription("on_report_progressed", ("report.verified", "report.scored", "report.published"),
                     handlers.on_report_progressed),
    ]
