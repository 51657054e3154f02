"""The events the review service listens to: what the units submit and reply, accepted
reconsideration requests, and the measured inputs the provincial systems send."""
from __future__ import annotations

from services.review.service_layer import handlers
from shared.domain.measurement_events import MeasurementsImported
from shared.domain.report_events import ReportEvidenceProvided, ReportReconsiderationAccepted, ReportSubmitted
from shared.messaging.consumer import Subscription


def subscriptions() -> list[Subscription]:
    return [
        Subscription.typed("on_report_submitted", handlers.on_report_submitted, ReportSubmitted),
        Subscription.typed("on_evidence_provided", handlers.on_evidence_provided, ReportEvidenceProvided),
        Subscription.typed("on_reconsideration_accepted", handlers.on_reconsideration_accepted,
                           ReportReconsiderationAccepted),
        Subscription.typed("on_measurements_imported", handlers.on_measurements_imported, MeasurementsImported),
    ]
