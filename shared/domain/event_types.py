"""Every event the services exchange, by its CloudEvents type: how a consumer finds the class a
message's payload is read into."""
from __future__ import annotations

from collections.abc import Mapping

from shared.domain.events import Event
from shared.domain.measurement_events import MeasurementsImported
from shared.domain.report_events import (
    ReportEvidenceProvided,
    ReportEvidenceRequested,
    ReportPublished,
    ReportReconsiderationAccepted,
    ReportReturned,
    ReportScored,
    ReportSubmitted,
    ReportVerified,
)
from shared.domain.round_events import RoundClosed, RoundDeadlineApproaching, RoundOpened, RoundPublished

EVENT_TYPES: Mapping[str, type[Event]] = {cls.cloudevent_type(): cls for cls in (
    ReportSubmitted, ReportEvidenceRequested, ReportEvidenceProvided, ReportReturned, ReportVerified, ReportScored,
    ReportPublished, ReportReconsiderationAccepted, RoundOpened, RoundDeadlineApproaching, RoundClosed, RoundPublished,
    MeasurementsImported,
)}


class UnknownEventType(LookupError):
    pass


def event_class(cloudevent_type: str) -> type[Event]:
    try:
        return EVENT_TYPES[cloudevent_type]
    except KeyError:
        raise UnknownEventType(f"no event has the type {cloudevent_type!r}") from None
