"""How far a unit's report has come: while the unit still has it to send, its deadline and days left, criteria
filled, evidence missing; once sent, where it stands."""
from __future__ import annotations

import dataclasses
import datetime as dt

from flask_babel import lazy_gettext as _l

from services.portal.entrypoints import report_form
from services.portal.entrypoints.labels import day
from shared.clock import in_province_time, utc_now

# A sent report waits on others (review, scoring, publication): the unit's home says where it stands, and counts no
# days to a deadline the unit has already met.
STANDING = {
    "submitted": _l("Submitted: the report is waiting for review."),
    "verified": _l("The report is verified and waiting for its score."),
    "scored": _l("The report is verified and scored; its results are waiting to be published."),
    "published": _l("Your unit's results for this round are published."),
}


@dataclasses.dataclass
class Summary:
    report: dict
    round_title: str
    deadline: dt.datetime | None  # the last moment to submit, in Vietnam time
    days_left: int | None
    filled: int
    total: int
    missing_evidence: int

    @property
    def to_send(self) -> bool:
        """A draft or a returned report: the unit has it to fill and send, by its deadline."""
        return self.report["status"] in report_form.UNIT_EDITS

    @property
    def standing(self) -> str:
        """Where a report the unit has sent stands, in the page's language."""
        if self.report["status"] == "evidence_requested":
            return str(_l("The reviewer asks for more evidence, by %(date)s.",
                          date=day(self.report["evidence_due_date"])))
        return str(STANDING[self.report["status"]])


def _deadline(round_: dict, unit_type: str, unit_code: str) -> dt.datetime | None:
    ends = [dt.datetime.fromisoformat(extension["until"]) for extension in round_.get("extensions", [])
            if extension["unit_code"] == unit_code]
    window = (round_.get("windows") or {}).get(unit_type)
    if window:
        ends.append(dt.datetime.fromisoformat(window["end"]))
    return max(ends) if ends else None


def countdown(deadline: dt.datetime | None) -> tuple[dt.datetime | None, int | None]:
    """An exclusive deadline's last day in Vietnam time, and the days from today to it (negative once past).

    A deadline is exclusive (a commune's 2027 window ends at 10/11/2027 00:00, Vietnam time): the last day is
    the day before, counted in Vietnam time whatever offset the instant was written in."""
    if deadline is None:
        return None, None
    last_day = in_province_time(deadline - dt.timedelta(microseconds=1))
    return last_day, (last_day.date() - in_province_time(utc_now()).date()).days


def summary(report: dict) -> Summary:
    view = report_form.load(report["id"])
    last_day, days_left = countdown(_deadline(view.round, report["unit_type"], report["unit_code"]))
    filled, total = view.unit_criteria_count()
    missing_evidence = sum(1 for issue in view.issues() if issue.get("rule") == "evidence_required")
    return Summary(report, view.round_title, last_day, days_left, filled, total, missing_evidence)
