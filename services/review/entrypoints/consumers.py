"""The events the review service listens to: what the units submit and reply, and accepted
reconsideration requests."""
from __future__ import annotations

from services.review.service_layer import handlers
from shared.messaging.consumer import Subscription


def subscriptions() -> list[Subscription]:
    return [
        Subscription("on_report_submitted", ("report.submitted",), handlers.on_report_submitted),
        Subscription("on_evidence_provided", ("report.evidence_provided",), handlers.on_evidence_provided),
        Subscription("on_reconsideration_accepted", ("report.reconsideration_accepted",),
                     handlers.on_reconsideration_accepted),
    ]
