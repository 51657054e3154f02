"""The bootstrap hands an event handler the dependencies its signature names (the runtime's clock),
through the consumer's typed wrapper too, and leaves a handler that names none as it is."""
from __future__ import annotations

import datetime as dt

from shared import cloudevents
from shared.domain.report_events import ReportReturned
from shared.messaging.consumer import Subscription
from shared.runtime import inject_dependencies

NOW = dt.datetime(2026, 11, 20, 8, 0, tzinfo=dt.timezone.utc)
RETURNED = ReportReturned(report_id="r-1", round_id="2026-annual", unit_code="STC", comment="", criterion_comments={},
                          returned_by="reviewer", returned_at=NOW.isoformat())


def test_a_typed_handler_that_asks_for_the_clock_gets_it():
    seen = []

    def on_returned(uow, event: ReportReturned, clock) -> None:
        seen.append((event.report_id, clock()))

    handle = inject_dependencies(Subscription.typed("on_returned", on_returned, ReportReturned).handle,
                                 {"clock": lambda: NOW})
    handle(None, cloudevents.from_event(RETURNED, source="/cqs/review"))
    assert seen == [("r-1", NOW)]


def test_a_handler_that_asks_for_nothing_is_left_as_it_is():
    def on_returned(uow, event) -> None:
        pass

    assert inject_dependencies(on_returned, {"clock": lambda: NOW}) is on_returned
