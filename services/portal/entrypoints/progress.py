"""How far a unit's report has come: deadline and days left, criteria filled, evidence missing."""
from __future__ import annotations

import dataclasses
import datetime as dt

from flask import g

from services.portal.adapters.api_client import ApiError
from services.portal.entrypoints import report_form
from shared.clock import utc_now


@dataclasses.dataclass
class Summary:
    report: dict
    deadline: dt.datetime | None
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
    try:
        round_ = g.api.get("submission", f"/rounds/{report['round_id']}")
    except ApiError:
        round_ = {}
    deadline = _deadline(round_, report["unit_type"], report["unit_code"])
    # The window's end is exclusive: the last day to submit is the day before.
    last_day = (deadline - dt.timedelta(seconds=1)) if deadline else None
    days_left = (last_day.date() - utc_now().astimezone(last_day.tzinfo).date()).days if last_day else None
    view = report_form.load(report["id"])
    filled, total = view.unit_criteria_count()
    missing_evidence = sum(1 for issue in view.issues() if issue.get("rule") == "evidence_required")
    return Summary(report, last_day, days_left, filled, total, missing_evidence)
