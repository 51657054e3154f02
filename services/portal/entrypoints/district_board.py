"""What a district's communes board says: its report of their results to the province (due by when, made when,
in which version), its communes by where they stand, and whether there is anything new to publish."""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter

from flask_babel import lazy_gettext as _l

from services.portal.entrypoints.progress import countdown

# Where a commune stands for its district, by its report's state: only a scored result not yet published is new.
STANDING = {"scored": "ready", "published": "published",
            "submitted": "in_review", "evidence_requested": "in_review", "verified": "in_review",
            "draft": "not_submitted", "returned": "not_submitted"}
STANDING_LABEL = {
    "ready": _l("Scored, ready to publish"),
    "published": _l("Published"),
    "in_review": _l("In review"),
    "not_submitted": _l("Not submitted yet"),
}
# Why the board shows no report of the district's to the province. Publication refuses a district that reviews no
# commune in the round (403), or gives no item of its own, and knows no round before it is told one opened (404);
# anything else is an outage, worth trying again.
NO_REPORT = {
    "not_owed": _l("Your district owes the province no report in this round: it reviews no commune in it."),
    "round_unknown": _l("This round has not reached the publication of results yet: there is no report of your "
                        "district in it so far."),
    "unread": _l("Whether your district has reported could not be read; try again later."),
}
NO_REPORT_BY_STATUS = {403: "not_owed", 404: "round_unknown"}


@dataclasses.dataclass
class DistrictBoard:
    communes: list[dict]  # the district's communes' reports in the round (the submission API's items)
    report: dict | None  # the district's report to the province (the publication API's item)
    no_report: str | None  # when report is None, why (a key of NO_REPORT)
    due: dt.datetime | None  # the last day to report, in Vietnam time
    days_left: int | None

    @property
    def counts(self) -> dict[str, int]:
        """How many communes stand where, in STANDING_LABEL's order, those with none left out."""
        counted = Counter(STANDING.get(report["status"], "in_review") for report in self.communes)
        return {standing: counted[standing] for standing in STANDING_LABEL if counted[standing]}

    @property
    def to_publish(self) -> int:
        return self.counts.get("ready", 0)

    @property
    def reported(self) -> bool:
        return self.report is not None and self.report["status"] == "reported"

    @property
    def done(self) -> bool:
        """Reported, every commune's result published with it: the board counts no days to the due date."""
        return self.reported and all(report["status"] == "published" for report in self.communes)


def board(round_: dict, communes: list[dict], report: dict | None, no_report: str | None) -> DistrictBoard:
    due = round_.get("commune_results_due")
    return DistrictBoard(communes, report, no_report, *countdown(dt.datetime.fromisoformat(due) if due else None))
