"""The report form built from the public catalog API: which inputs the unit fills, how a typed value
becomes the JSON the submission API takes, and each group's state on the task list."""
from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from flask import g
from flask_babel import get_locale
from flask_babel import gettext as _

from services.portal.adapters.api_client import ApiError
from services.portal.domain import numbers
from services.portal.entrypoints.labels import number, round_title
from shared.clock import in_province_time

UNIT_KIND = "unit"
# The states in which the report is the unit's to fill and send (submission's EDITABLE).
UNIT_EDITS = frozenset({"draft", "returned"})
NUMERIC_TYPES = ("int", "decimal", "percent")  # an input's types whose answer is a number


@dataclasses.dataclass
class ReportView:
    report: dict
    form: dict
    preview: dict
    evidence: list[dict]
    score: dict | None = None  # the official score, once scored (GET /scores/{id})
    round: dict = dataclasses.field(default_factory=dict)  # GET /rounds/{id}; empty when out of reach
    # The unit's published standings in this round (publication's public results), narrowest ranking first.
    published: list[dict] = dataclasses.field(default_factory=list)

    @property
    def editable(self) -> bool:
        return self.report["status"] in UNIT_EDITS

    @property
    def round_title(self) -> str:
        return round_title(self.round, self.report["round_id"])

    @property
    def official(self) -> bool:
        """Scored or published: the provisional preview is superseded and no longer shown."""
        return bool(self.score or self.published)

    @property
    def official_total(self) -> str | None:
        """The published total once published (a correction included), else the score's."""
        if self.published:
            return self.published[0]["total"]
        return ((self.score or {}).get("score") or {}).get("total")

    @property
    def official_band(self) -> dict | None:
        if self.published:
            return self.published[0].get("band")
        return ((self.score or {}).get("breakdown") or {}).get("classification")

    @property
    def published_on(self) -> dt.datetime | None:
        if not self.published:
            return None
        return in_province_time(dt.datetime.fromisoformat(self.published[0]["published_at"]))

    def official_group_points(self, group_code: str) -> str | None:
        if self.published:
            return self.published[0]["groups"].get(group_code)
        groups = ((self.score or {}).get("breakdown") or {}).get("groups", [])
        return next((item.get("points") for item in groups if item.get("code") == group_code), None)

    def group(self, code: str) -> dict | None:
        return next((group for group in self.form["groups"] if group["code"] == code), None)

    def unit_inputs(self, criterion: dict) -> list[dict]:
        return [item for item in criterion["inputs"] if item["supplied_by"]["kind"] == UNIT_KIND]

    def files_for(self, criterion_code: str) -> list[dict]:
        return [item for item in self.evidence if item["criterion"] == criterion_code and not item.get("superseded_by")]

    def issues(self) -> list[dict]:
        return list((self.preview.get("before_submission") or {}).get("errors") or [])

    def issues_of_criterion(self, criterion: dict) -> list[dict]:
        fields = {item["key"] for item in criterion["inputs"]}
        return [issue for issue in self.issues()
                if issue.get("field") in fields or (issue.get("field") is None
                                                     and issue.get("criterion") == criterion["code"])]

    def points(self, criterion_code: str) -> dict | None:
        return next((item for item in self.preview.get("criteria", [])
                     if item.get("code") == criterion_code), None)

    def group_points(self, group_code: str) -> dict | None:
        return next((item for item in self.preview.get("groups", []) if item.get("code") == group_code), None)

    def adjustments(self, criterion: dict | None = None) -> list[dict]:
        """The reviewer's changes to the unit's figures, with their reason (of one criterion, or all)."""
        sources = (self.score or {}).get("input_sources") or {}
        keys = [item["key"] for item in criterion["inputs"]] if criterion else list(sources)
        labels = {item["key"]: item["label"] for group in self.form["groups"] for c in group["criteria"]
                  for item in c["inputs"]}
        return [{"key": key, "label": labels.get(key, {"vi": key, "en": key}), **sources[key]} for key in keys
                if key in sources and sources[key].get("adjusted")]

    def official_points(self, criterion_code: str) -> str | None:
        criteria = ((self.score or {}).get("breakdown") or {}).get("criteria", [])
        return next((item.get("points") for item in criteria if item.get("code") == criterion_code), None)

    def group_state(self, group: dict) -> str:
        """not_started / in_progress / done / error, as the task list shows it."""
        answers = self.report.get("answers") or {}
        keys = [item["key"] for criterion in group["criteria"] for item in self.unit_inputs(criterion)]
        answered = [key for key in keys if answers.get(key) not in (None, "")]
        issues = [issue for criterion in group["criteria"] for issue in self.issues_of_criterion(criterion)]
        if any(issue.get("rule") not in ("required", "evidence_required") for issue in issues):
            return "error"
        if not answered and not any(self.files_for(criterion["code"]) for criterion in group["criteria"]):
            return "not_started" if issues or keys else "done"
        return "in_progress" if issues else "done"

    def unit_criteria_count(self) -> tuple[int, int]:
        """(criteria with nothing missing, criteria the unit fills)."""
        criteria = [criterion for group in self.form["groups"] for criterion in group["criteria"]
                    if self.unit_inputs(criterion) or criterion["evidence"]["required"]]
        done = [criterion for criterion in criteria if not self.issues_of_criterion(criterion)]
        return len(done), len(criteria)


def catalog_form(report: dict) -> dict:
    """The report's form, from the public catalog API (groups → criteria → inputs)."""
    return g.api.get("scoring", f"/catalogs/{report['catalog_version']}/unit-types/{report['unit_type']}")


def load(report_id: str) -> ReportView:
    report = g.api.get("submission", f"/reports/{report_id}")
    form = catalog_form(report)
    preview = g.api.get("submission", f"/reports/{report_id}/preview")
    evidence = g.api.get_all("submission", f"/reports/{report_id}/evidence")
    score, published = None, []
    if report["status"] in ("scored", "published"):
        try:
            score = g.api.get("scoring", f"/scores/{report_id}")
        except ApiError as error:
            if error.status != 404:  # not scored yet: the event is on its way
                raise
        published = published_standings(report)
    return ReportView(report, form, preview, evidence, score, read_round(report["round_id"]), published)


def read_round(round_id: str) -> dict:
    """The round (kind, year, windows, extensions), or {} when the API cannot say: the page still opens."""
    try:
        return g.api.get("submission", f"/rounds/{round_id}")
    except ApiError:
        return {}


def published_standings(report: dict) -> list[dict]:
    """The unit's published results in the report's round, one per ranking, the narrowest first."""
    history = g.api.get_all("publication", f"/units/{report['unit_code']}/results")
    return sorted((row for row in history if row["round_id"] == report["round_id"]),
                  key=lambda row: -len(row["ranking_scope"]))


def parse_value(spec: dict, raw: str | None) -> Any:
    """The form's text as the JSON value of the input's type; a number as the machine decimal the API takes,
    read as the page's language writes it (domain/numbers.py typed_number; AmbiguousNumber when it reads as
    two values). A value that cannot be one is sent as typed, so the API's own message (Vietnamese, naming
    the rule) is the one shown beside the field."""
    if raw is None:
        return None
    text = raw.strip()
    if text == "":
        return None
    if spec["type"] == "bool":
        return {"true": True, "false": False}.get(text, text)
    if spec["type"] in NUMERIC_TYPES:
        return numbers.typed_number(text, str(get_locale())) or text
    return text


def read_two_ways(error: numbers.AmbiguousNumber) -> str:
    """The message beside a number refused as read two ways, each written as the page reads it back."""
    first, second = (numbers.number(value, str(get_locale()), grouped=False) for value in error.readings)
    return _("The number “%(text)s” reads two ways: %(first)s or %(second)s. Type it again as one of the two.",
             text=error.text, first=first, second=second)


def answers_from(view: ReportView, criteria: list[dict], formdata) -> tuple[dict[str, Any], dict[str, str]]:
    """The changed answers among `criteria`'s unit inputs present in `formdata`, and the numbers refused as
    read two ways (input key → message), which are not among the changes."""
    current = view.report.get("answers") or {}
    changes, refused = {}, {}
    for criterion in criteria:
        for spec in view.unit_inputs(criterion):
            if spec["key"] not in formdata:
                continue
            try:
                value = parse_value(spec, formdata.get(spec["key"]))
            except numbers.AmbiguousNumber as error:
                refused[spec["key"]] = read_two_ways(error)
                continue
            if value != current.get(spec["key"]) and not (value is None and spec["key"] not in current):
                changes[spec["key"]] = value
    return changes, refused


def shown(spec: dict, value: Any) -> str:
    """An answer as the form shows it back: a number as the page writes it, ungrouped so that it reads back
    as the same value (vi 87,5 and 1000); a draft's value that is no number as it was typed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if spec.get("type") in NUMERIC_TYPES:
        return numbers.number(value, str(get_locale()), grouped=False)
    return str(value)


def answer(spec: dict, value: Any) -> str:
    """An answer in words, as every page shows it: Có / Không, an option's label (never its code), a number as its
    reader writes it, each with the input's unit; "" when unanswered, which each page says in its own way.
    An option is matched by its text too: the form sends an option's code as typed ("2")."""
    if value is None or value == "":
        return ""
    lang = str(get_locale())
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    option = next((item for item in spec.get("enum") or () if str(item["value"]) == str(value)), None)
    if option:
        return option["label"].get(lang) or option["label"]["vi"]
    text = number(value) if spec.get("type") in NUMERIC_TYPES else str(value)
    unit = spec.get("unit")
    return f"{text} {unit.get(lang) or unit['vi']}" if unit else text
