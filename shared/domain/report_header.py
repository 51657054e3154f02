"""What identifies a report wherever it goes: the round, the unit that reports (its name and type)
and the unit that reviews it. Each service keeps it with its own record of the report, and the
events that introduce a report to a service carry it, so every service learns it the same way."""
from __future__ import annotations

import dataclasses
from operator import attrgetter


@dataclasses.dataclass(frozen=True)
class ReportHeader:
    round_id: str
    unit_code: str
    unit_name_vi: str
    unit_type: str
    reviewer_unit_code: str
    reviewer_kind: str  # `department` or `district`: which kind of unit reviews the report


class HeaderedReport:
    """What is about one report and made with its header (an aggregate, a score): reads the header's
    fields by name, `report.unit_code` for `report.header.unit_code`."""

    header: ReportHeader
    round_id = property(attrgetter("header.round_id"))
    unit_code = property(attrgetter("header.unit_code"))
    unit_name_vi = property(attrgetter("header.unit_name_vi"))
    unit_type = property(attrgetter("header.unit_type"))
    reviewer_unit_code = property(attrgetter("header.reviewer_unit_code"))
    reviewer_kind = property(attrgetter("header.reviewer_kind"))
