"""People's words for the states and kinds the APIs name in codes."""
from __future__ import annotations

import datetime as dt
import re

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from services.portal.domain import numbers
from shared.clock import in_province_time

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
    "province": _l("Province"),
    "province_department": _l("Department"),
    "central_agency": _l("Central agency"),
    "district": _l("District"),
    "commune": _l("Commune"),
}


def input_specs(form: dict) -> dict[str, dict]:
    """Each input's key → its spec, from a unit type's catalog form (groups → criteria → inputs)."""
    return {spec["key"]: spec
            for group in form["groups"] for criterion in group["criteria"] for spec in criterion["inputs"]}


def input_labels(form: dict, lang: str) -> dict[str, str]:
    """Each input's key → its label in `lang`."""
    return {key: spec["label"].get(lang) or spec["label"]["vi"] for key, spec in input_specs(form).items()}


def in_words(text: str, labels: dict[str, str]) -> str:
    """`text` with each input key it names (quoted or bare) written as the input's label, in quotes as the
    unit's own validation messages write them: “Số thủ tục hành chính”."""
    if not labels or not text:
        return text
    keys = "|".join(re.escape(key) for key in sorted(labels, key=len, reverse=True))
    return re.sub(rf"'?\b({keys})\b'?", lambda found: f"“{labels[found.group(1)]}”", text)


def day(value: str | None) -> str:
    """An API's date or instant as people write it, 15/11/2027 (an instant on its day in Vietnam)."""
    if not value:
        return ""
    if len(value) == 10:
        return dt.date.fromisoformat(value).strftime("%d/%m/%Y")
    return in_province_time(dt.datetime.fromisoformat(value)).strftime("%d/%m/%Y")


def number(value: numbers.Number | None) -> str:
    """A score, points, a percent or a count in the page's language: 344,69 / 344.69 (domain/numbers.py)."""
    return numbers.number(value, str(get_locale()))


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


def round_name(round_: dict | None, round_id: str) -> str:
    """The round itself as people name it ("Kỳ đánh giá năm 2027"), from its kind and year; its id when the
    round could not be read."""
    if not round_ or "kind" not in round_:
        return round_id
    if round_["kind"] == "progress_update":
        return str(_l("%(months)s-month progress round %(year)s", months=round_["period_month"],
                      year=round_["year"]))
    return str(_l("Evaluation round %(year)s", year=round_["year"]))
