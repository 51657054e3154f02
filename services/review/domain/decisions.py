"""A reviewer's decision on one criterion: accept what the unit declared, or adjust the
value(s) or the points, always with a reason for an adjustment."""
from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

from services.review.domain.errors import InvalidDecision
from shared.criteria import Criterion, InputError, UnitTypeCatalog, score_report
from shared.criteria.validation import validate_answers

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
        raise InvalidDecision(f"Tiêu chí '{code}' không có trong bộ tiêu chí {catalog.catalog_version} của loại "
                              f"đơn vị '{catalog.code}'",
                              f"criterion '{code}' is not in catalog {catalog.catalog_version} for unit type "
                              f"'{catalog.code}'", criterion=code)
    return criterion


def decide(catalog: UnitTypeCatalog, code: str, decision: str, *, values: dict[str, Any] | None,
           points: Decimal | None, reason: str, declared: dict[str, Any], reviewed: dict[str, Any],
           adjusted_elsewhere: dict[str, tuple[str, Any]], by: str, at: str, revision: int) -> Decision:
    """Check a decision against the catalog and the values on file; return it.

    `declared` holds the unit's values, `reviewed` the values after the other criteria's
    adjustments, `adjusted_elsewhere` which other criterion already set a shared field.
    """
    criterion = criterion_of(catalog, code)
    reason = (reason or "").strip()
    values = values or {}
    if decision == ACCEPT:
        if values or points is not None:
            raise InvalidDecision("Chấp nhận (accept) không kèm giá trị hay điểm; dùng điều chỉnh (adjust)",
                                  "an accept carries no values or points; use adjust", criterion=code)
        return Decision(code, ACCEPT, {}, None, None, reason, by, at, revision)
    if decision != ADJUST:
        raise InvalidDecision(f"Quyết định '{decision}' không hợp lệ; chỉ có accept hoặc adjust",
                              f"unknown decision '{decision}'; use accept or adjust", criterion=code)
    if not reason:
        raise InvalidDecision(f"Điều chỉnh tiêu chí {code} phải nêu lý do",
                              f"adjusting criterion {code} needs a reason", criterion=code)
    if not values and points is None:
        raise InvalidDecision(f"Điều chỉnh tiêu chí {code} phải nêu giá trị mới hoặc điểm mới",
                              f"adjusting criterion {code} needs new values or points", criterion=code)
    changes = _value_changes(criterion, values, declared, adjusted_elsewhere)
    adjusted = {**reviewed, **{name: change["after"] for name, change in changes.items()}}
    _check_reviewed_values(catalog, criterion, reviewed, adjusted)
    if points is None:
        return Decision(code, ADJUST, changes, None, None, reason, by, at, revision)
    return Decision(code, ADJUST, changes, _checked_points(catalog, criterion, points),
                    _formula_points(catalog, code, adjusted), reason, by, at, revision)


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
                criterion=criterion.code, field=name)
        if value is None or (isinstance(value, str) and not value.strip()):
            raise InvalidDecision(f"Giá trị mới của '{name}' không được để trống",
                                  f"the new value of '{name}' cannot be empty", criterion=criterion.code, field=name)
        if value == declared.get(name):
            raise InvalidDecision(
                f"Giá trị mới của '{name}' trùng với giá trị đơn vị kê khai ({value!r}); không cần điều chỉnh",
                f"the new value of '{name}' equals the declared one ({value!r}); nothing to adjust",
                criterion=criterion.code, field=name)
        other = adjusted_elsewhere.get(name)
        if other is not None and other[1] != value:
            raise InvalidDecision(
                f"Trường '{name}' đã được điều chỉnh thành {other[1]!r} ở tiêu chí {other[0]}; "
                "một trường dùng chung chỉ có một giá trị thẩm định",
                f"field '{name}' was already adjusted to {other[1]!r} under criterion {other[0]}; "
                "a shared field has one reviewed value", criterion=criterion.code, field=name)
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
                              criterion=criterion.code, field=introduced[0].field)


def _checked_points(catalog: UnitTypeCatalog, criterion: Criterion, points: Decimal) -> str:
    if criterion.kind == "info":
        raise InvalidDecision(f"Tiêu chí {criterion.code} chỉ để thông tin, không có điểm",
                              f"criterion {criterion.code} is information only and has no points",
                              criterion=criterion.code)
    low, high = ((-criterion.rule.max_deduction, Decimal(0)) if criterion.kind == "deduction"
                 else (Decimal(0), criterion.max_points))
    places = catalog.decimal_places
    if not points.is_finite() or not low <= points <= high or -points.as_tuple().exponent > places:
        raise InvalidDecision(
            f"Điểm của tiêu chí {criterion.code} phải từ {low} đến {high}, tối đa {places} chữ số thập phân",
            f"points of criterion {criterion.code} must be between {low} and {high}, with at most {places} "
            "decimal places", criterion=criterion.code)
    return str(points.quantize(Decimal(1).scaleb(-places)))


def _formula_points(catalog: UnitTypeCatalog, code: str, answers: dict[str, Any]) -> str | None:
    """What the catalog's formula gives for the criterion, to record what the override replaced."""
    try:
        points = score_report(catalog, answers, only=[code]).criterion(code).points
    except InputError:
        return None  # the declared value cannot be read; the audit records no formula result
    return None if points is None else str(points)
