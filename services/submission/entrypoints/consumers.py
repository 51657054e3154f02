"""The events the submission service listens to: the review's decisions, the later states of
its reports and the publication of its rounds."""
from __future__ import annotations

from services.rounds.service_layer import rounds
from services.submission.service_layer import handlers
from shared.domain import report_events as events
from shared.domain.round_events import RoundPublished
from shared.messaging.consumer import Subscription


def subscriptions() -> list[Subscription]:
    return [
        Subscription.typed("on_report_returned", handlers.on_report_returned, events.ReportReturned,
                           load=handlers.load_reports),
        Subscription.typed("on_evidence_requested", handlers.on_evidence_requested, events.ReportEvidenceRequested,
                           load=handlers.load_reports),
        Subscription.typed("on_report_progressed", handlers.on_report_progressed,
                           events.ReportVerified, events.ReportScored, events.ReportPublished,
                           load=handlers.load_reports),
        Subscription.typed("on_reconsideration_accepted", handlers.on_reconsideration_accepted,
                           events.ReportReconsiderationAccepted, load=handlers.load_reports),
        Subscription.typed("on_round_published", rounds.on_round_published, RoundPublished),
    ]
