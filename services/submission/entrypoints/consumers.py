"""The events the submission service listens to: the review's decisions, the later states of
its reports and the publication of its rounds."""
from __future__ import annotations

from services.rounds.service_layer import rounds
from services.submission.service_layer import handlers
from shared.messaging.consumer import Subscription


def subscriptions() -> list[Subscription]:
    return [
        Subscription("on_report_returned", ("report.returned",), handlers.on_report_returned),
        Subscription("on_evidence_requested", ("report.evidence_requested",), handlers.on_evidence_requested),
        Subscription("on_report_progressed", ("report.verified", "report.scored", "report.published"),
                     handlers.on_report_progressed),
        Subscription("on_reconsideration_accepted", ("report.reconsideration_accepted",),
                     handlers.on_reconsideration_accepted),
        Subscription("on_round_published", ("round.published",), rounds.on_round_published),
    ]
