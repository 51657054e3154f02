"""A reviewer's decision on one criterion: accept what the unit declared, or adjust the
value(s) or the points, always with a reason for an adjustment. Either way the decision fills the
inputs the catalog gives the reviewer to supply, or records one of them (or a measured input a
provincial system did not send) as "no data" with a reason."""
from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

from services.review.domain.errors import InvalidDecision
from shared.criteria import Criterion, InputError, UnitTypeCatalog, score_report
from shared.criteria.suppliers import REVIEWER, SYSTEM, suppliers
from shared.criteria.validation import canonical_answers, validate_answers

ACCEPT = "accept"
ADJUST = "adjust"


@dataclasses.dataclass(frozen=True)
class Decision:
    criterion: str
    decision: str
    values: dict[str, dict[str, Any]]  # field -> {"before": declared, "after": reviewed}
    points: str | None
    points_before: str | None
    reason: str
    by: str
    at: str
    revision: int
    filled: dict[str, Any] = dataclasses.field(default_factory=dict)  # reviewer's inputs: field -> value
    no_data: dict[str, str] = dataclasses.field(default_factory=dict)  # field -> why no value exists

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Decision:
        return cls(**raw)

    def adjustments(self) -> list[dict[str, Any]]:
        """The lines of report.verified's `adjustments` this decision contributes."""
        common = {"criterion": self.criterion, "reason": self.reason, "by": self.by, "at": self.at}
        lines = [{**common, "target": "field", "field": name, "before": change["before"], "after": change["after"]}
                 for name, change in sorted(self.values.items())]
        if self.points is not None:
            lines.append({**common, "target": "points", "field": None, "before": self.points_before,
                          "after": self.points})
        return lines


def criterion_of(catalog: UnitTypeCatalog, code: str) -> Criterion:
    criterion = catalog.criteria_by_code.get(code)
    if criterion is None:
        raise InvalidDecision(f"Tiêu chí '{code}' không có trong bộ tiêu chí {catalog.catalog.version} của loại "
                              f"đơn vị '{catalog.code}'",
                              f"criterion '{code}' is not in catalog {catalog.catalog.version} for unit type "
                              f"'{catalog.code}'", criterion=code, at="criterion", rule="known_criterion")
    return criterion


def decide(catalog: UnitTypeCatalog, code: str, decision: str, *, values: dict[str, Any] | None,
           points: Decimal | None, reason: str, declared: dict[str, Any], reviewed: dict[str, Any],
           adjusted_elsewhere: dict[str, tuple[str, Any]], by: str, at: str, revision: int,
           no_data: dict[str, str] | None = None) -> Decision:
    """Check a decision against the catalog and the values on file; return it.

    `declared` holds the unit's and the systems' values, `reviewed` the values after the other
    criteria's adjustments, `adjusted_elsewhere` which other criterion already set a shared field.
    `values` for inputs the reviewer supplies fill them; for any other input they adjust it.
    """
    criterion = criterion_of(catalog, code)
    reason = (reason or "").strip()
    # Stored as the unit's answers are: "12", 12.0 and " 12 " are all 12 (a value that cannot be read
    # stays as sent, for the checks below to name).
    filled, values = _split_filled(catalog, criterion, canonical_answers(catalog, values or {}), declared)
    no_data = _checked_no_data(catalog, criterion, no_data or {}, filled)
    reviewed = {**reviewed, **filled}
    if filled:
        _check_reviewed_values(catalog, criterion, {name: v for name, v in reviewed.items() if name not in filled},
                               reviewed)
    if decision == ACCEPT:
        if values or points is not None:
            raise InvalidDecision("Chấp nhận (accept) không kèm giá trị hay điểm của đơn vị; dùng điều chỉnh (adjust)",
                                  "an accept carries no new values for the unit's or a system's inputs, nor points; "
                                  "use adjust", criterion=code, at="decision")
        return Decision(code, ACCEPT, {}, None, None, reason, by, at, revision, filled, no_data)
    if decision != ADJUST:
        raise InvalidDecision(f"Quyết định '{decision}' không hợp lệ; chỉ có accept hoặc adjust",
                              f"unknown decision '{decision}'; use accept or adjust", criterion=code)
    if not reason:
        raise InvalidDecision(f"Điều chỉnh tiêu chí {code} phải nêu lý do",
                              f"adjusting criterion {code} needs a reason", criterion=code, at="reason",
                              rule="required")
    if not values and points is None and not filled:
        raise InvalidDecision(f"Điều chỉnh tiêu chí {code} phải nêu giá trị mới hoặc điểm mới",
                              f"adjusting criterion {code} needs new values or points", criterion=code, at="values",
                              rule="required")
    changes = _value_changes(criterion, values, declared, adjusted_elsewhere)
    adjusted = {**reviewed, **{name: change["after"] for name, change in changes.items()}}
    _check_reviewed_values(catalog, criterion, reviewed, adjusted)
    if points is None:
        return Decision(code, ADJUST, changes, None, None, reason, by, at, revision, filled, no_data)
    return Decision(code, ADJUST, changes, _checked_points(catalog, criterion, points),
                    _formula_points(catalog, code, adjusted), reason, by, at, revision, filled, no_data)


def _split_filled(catalog: UnitTypeCatalog, criterion: Criterion, values: dict[str, Any],
                  declared: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the reviewer's own inputs it fills, the declared values it adjusts)."""
    owners = suppliers(catalog)
    own = {field.field for field in criterion.inputs
           if owners[field.field].kind == REVIEWER and declared.get(field.field) is None}
    filled = {name: value for name, value in values.items() if name in own}
    for name, value in filled.items():
        if value is None or (isinstance(value, str) and not value.strip()):
            raise InvalidDecision(f"Giá trị của '{name}' không được để trống; nếu không có số liệu, ghi vào no_data "
                                  "kèm lý do", f"the value of '{name}' cannot be empty; if there is no data, record it "
                                  "in no_data with a reason", criterion=criterion.code, field=name)
    return filled, {name: value for name, value in values.items() if name not in own}


def _checked_no_data(catalog: UnitTypeCatalog, criterion: Criterion, no_data: dict[str, str],
                     filled: dict[str, Any]) -> dict[str, str]:
    """Only a reviewer's or a system's input of this criterion can be "no data", with a reason."""
    owners = suppliers(catalog)
    allowed = {field.field for field in criterion.inputs if owners[field.field].kind in (REVIEWER, SYSTEM)}
    checked = {}
    for name, why in no_data.items():
        if name not in allowed:
            raise InvalidDecision(
                f"Chỉ ghi 'không có số liệu' cho trường do cơ quan thẩm định hoặc hệ thống cung cấp của tiêu chí "
                f"{criterion.code}; '{name}' không thuộc số đó "
                f"(các trường: {', '.join(sorted(allowed)) or 'không có'})",
                f"only an input of criterion {criterion.code} that the reviewer or a system supplies can be recorded "
                f"as no data; '{name}' is not one (those inputs: {', '.join(sorted(allowed)) or 'none'})",
                criterion=criterion.code, field=name)
        if name in filled:
            raise InvalidDecision(f"Trường '{name}' vừa có giá trị vừa ghi 'không có số liệu'",
                                  f"field '{name}' has both a value and a no-data record",
                                  criterion=criterion.code, field=name)
        if not (why or "").strip():
            raise InvalidDecision(f"Ghi 'không có số liệu' cho '{name}' phải nêu lý do",
                                  f"recording '{name}' as no data needs a reason", criterion=criterion.code,
                                  field=name)
        checked[name] = why.strip()
    return checked


def _value_changes(criterion: Criterion, values: dict[str, Any], declared: dict[str, Any],
                   adjusted_elsewhere: dict[str, tuple[str, Any]]) -> dict[str, dict[str, Any]]:
    fields = {field.field: field for field in criterion.inputs}
    changes = {}
    for name, value in values.items():
        field = fields.get(name)
        if field is None:
            raise InvalidDecision(
                f"Trường '{name}' không thuộc tiêu chí {criterion.code}; các trường: {', '.join(fields)}",
                f"field '{name}' is not an input of criterion {criterion.code}; its fields: {', '.join(fields)}",
                criterion=criterion.code, field=name, at=f"values.{name}")
        if value is None or (isinstance(value, str) and not value.strip()):
            raise InvalidDecision(f"Giá trị mới của '{name}' không được để trống",
                                  f"the new value of '{name}' cannot be empty", criterion=criterion.code, field=name,
                                  at=f"values.{name}", rule="required")
        if value == declared.get(name):
            raise InvalidDecision(
                f"Giá trị mới của '{name}' trùng với giá trị đơn vị kê khai ({value!r}); không cần điều chỉnh",
                f"the new value of '{name}' equals the declared one ({value!r}); nothing to adjust",
                criterion=criterion.code, field=name, at=f"values.{name}")
        other = adjusted_elsewhere.get(name)
        if other is not None and other[1] != value:
            raise InvalidDecision(
                f"Trường '{name}' đã được điều chỉnh thành {other[1]!r} ở tiêu chí {other[0]}; "
                "một trường dùng chung chỉ có một giá trị thẩm định",
                f"field '{name}' was already adjusted to {other[1]!r} under criterion {other[0]}; "
                "a shared field has one reviewed value", criterion=criterion.code, field=name, at=f"values.{name}")
        changes[name] = {"before": declared.get(name), "after": value}
    return changes


def _check_reviewed_values(catalog: UnitTypeCatalog, criterion: Criterion, reviewed: dict[str, Any],
                           adjusted: dict[str, Any]) -> None:
    """A reviewed value obeys the rules a unit's answer does; only the problems it introduces count."""
    already = {(issue.field, issue.rule) for issue in validate_answers(catalog, reviewed, final=False).errors}
    introduced = [issue for issue in validate_answers(catalog, adjusted, final=False).errors
                  if (issue.field, issue.rule) not in already]
    if introduced:
        raise InvalidDecision("; ".join(issue.message_vi for issue in introduced),
                              "; ".join(issue.message_en for issue in introduced),
                              criterion=criterion.code, field=introduced[0].field,
                              at=f"values.{introduced[0].field}", rule=introduced[0].rule)


def _checked_points(catalog: UnitTypeCatalog, criterion: Criterion, points: Decimal) -> str:
    if criterion.kind == "info":
        raise InvalidDecision(f"Tiêu chí {criterion.code} chỉ để thông tin, không có điểm",
                              f"criterion {criterion.code} is information only and has no points",
                              criterion=criterion.code, at="points")
    low, high = ((-criterion.rule.max_deduction, Decimal(0)) if criterion.kind == "deduction"
                 else (Decimal(0), criterion.max_points))
    places = catalog.decimal_places
    if not points.is_finite() or not low <= points <= high or -points.as_tuple().exponent > places:
        raise InvalidDecision(
            f"Điểm của tiêu chí {criterion.code} phải từ {low} đến {high}, tối đa {places} chữ số thập phân",
            f"points of criterion {criterion.code} must be between {low} and {high}, with at most {places} "
            "decimal places", criterion=criterion.code, at="points", rule="range")
    return str(points.quantize(Decimal(1).scaleb(-places)))


def _formula_points(catalog: UnitTypeCatalog, code: str, answers: dict[str, Any]) -> str | None:
    """What the catalog's formula gives for the criterion, to record what the override replaced."""
    try:
        points = score_report(catalog, answers, only=[code]).criterion(code).points
    except InputError:
        return None  # the declared value cannot be read; the audit records no formula result
    return None if points is None else str(points)
