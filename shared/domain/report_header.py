"""What identifies a report wherever it goes: the round, the unit that reports (its name and type)
and the unit that reviews it. Each service keeps it with its own record of the report, and the
events that introduce a report to a service carry it, so every service learns it the same way."""
from __future__ import annotations

import dataclasses


@dataclasses.dataclass(frozen=True)
class ReportHeader:
    round_id: str
    unit_code: str
    unit_name_vi: str
    unit_type: str
    reviewer_unit_code: str
    reviewer_kind: str  # `department` or `district`: which kind of unit reviews the report

