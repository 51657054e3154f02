"""People's words for the states and kinds the APIs name in codes."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

REPORT_STATUS = {
    "draft": _l("Draft"),
    "submitted": _l("Submitted"),
    "returned": _l("Returned for revision"),
    "evidence_requested": _l("Evidence requested"),
    "verified": _l("Verified"),
    "scored": _l("Scored"),
    "published": _l("Published"),
    "not_started": _l("Not started"),
    "in_progress": _l("In progress"),
    "late": _l("Late"),
}

ROUND_STATUS = {
    "planned": _l("Planned"),
    "open": _l("Open"),
    "closed": _l("Closed"),
    "published": _l("Published"),
}

UNIT_TYPE = {
    "province_department": _l("Department"),
    "central_agency": _l("Central agency"),
    "district": _l("District"),
    "commune": _l("Commune"),
}


def status_label(code: str | None) -> str:
    return str(REPORT_STATUS.get(code or "", code or ""))


def round_title(round_: dict | None, round_id: str) -> str:
    """The round as people name it ("Báo cáo năm 2027"), from its kind and year as the submission API gives
    them; its id only when the round could not be read."""
    if not round_ or "kind" not in round_:
        return round_id
    if round_["kind"] == "progress_update":
        return str(_l("%(months)s-month progress report %(year)s", months=round_["period_month"],
                      year=round_["year"]))
    return str(_l("Annual report %(year)s", year=round_["year"]))
