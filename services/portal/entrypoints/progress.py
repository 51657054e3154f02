"""How far a unit's report has come: deadline and days left, criteria filled, evidence missing."""
from __future__ import annotations

import dataclasses
import datetime as dt

from services.portal.entrypoints import report_form
from shared.clock import in_province_time, utc_now


@dataclasses.dataclass
class Summary:
    report: dict
    round_title: str
    deadline: dt.datetime | None  # the last moment to submit, in Vietnam time
    days_left: int | None
    filled: int
    total: int
    missing_evidence: int


def _deadline(round_: dict, unit_type: str, unit_code: str) -> dt.datetime | None:
    ends = [dt.datetime.fromisoformat(extension["until"]) for extension in round_.get("extensions", [])
            if extension["unit_code"] == unit_code]
    window = (round_.get("windows") or {}).get(unit_type)
    if window:
        ends.append(dt.datetime.fromisoformat(window["end"]))
    return max(ends) if ends else None


def summary(report: dict) -> Summary:
    view = report_form.load(report["id"])
    deadline = _deadline(view.round, report["unit_type"], report["unit_code"])
    # The window's end is exclusive (a commune's 2027 window ends at 10/11/2027 00:00, Vietnam time): the last
    # day to submit is the day before, counted in Vietnam time whatever offset the instant was written in.
    last_day = in_province_time(deadline - dt.timedelta(microseconds=1)) if deadline else None
    days_left = (last_day.date() - in_province_time(utc_now()).date()).days if last_day else None
    filled, total = view.unit_criteria_count()
    missing_evidence = sum(1 for issue in view.issues() if issue.get("rule") == "evidence_required")
    return Summary(report, view.round_title, last_day, days_left, filled, total, missing_evidence)
