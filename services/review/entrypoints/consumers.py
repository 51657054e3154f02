"""The events the review service listens to: what the units submit and reply, accepted
reconsideration requests, and the measured inputs the provincial systems send."""
from __future__ import annotations

from services.review.service_layer import handlers
from shared.messaging.consumer import Subscription


def subscriptions() -> list[Subscription]:
    return [
        Subscription("on_report_submitted", ("report.submitted",), handlers.on_report_submitted),
        Subscription("on_evidence_provided", ("report.evidence_provided",), handlers.on_evidence_provided),
        Subscription("on_reconsideration_accepted", ("report.reconsideration_accepted",),
                     handlers.on_reconsideration_accepted),
        Subscription("on_measurements_imported", ("measurements.imported",), handlers.on_measurements_imported),
    ]
