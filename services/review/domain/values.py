"""A reviewer's corrected value must be a value the catalog accepts for that field:
checked strictly here (the scoring engine is lenient and would only warn)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from services.review.domain.errors import InvalidDecision
from shared.criteria import InputField

JsonValue = bool | int | float | str


def check_value(field: InputField, value: object) -> JsonValue:
    """Return `value` if it fits `field` (type, range, enum); raise InvalidDecision otherwise."""
    if field.type == "bool":
        if not isinstance(value, bool):
            _refuse(field, value, "phải là true hoặc false", "must be true or false")
        return value
    if field.type in ("text", "date"):
        if not isinstance(value, str) or not value.strip():
            _refuse(field, value, "phải là một chuỗi không rỗng", "must be non-empty text")
        if field.type == "date":
            try:
                dt.date.fromisoformat(value)
            except ValueError:
                _refuse(field, value, "phải là ngày dạng YYYY-MM-DD", "must be a date as YYYY-MM-DD")
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        _refuse(field, value, "phải là một số", "must be a number")
    number = Decimal(str(value))
    if not number.is_finite():
        _refuse(field, value, "phải là một số hữu hạn", "must be a finite number")
    if field.type == "int" and number != number.to_integral_value():
        _refuse(field, value, "phải là số nguyên", "must be a whole number")
    if field.min is not None and number < field.min:
        _refuse(field, value, f"không được nhỏ hơn {field.min}", f"must be at least {field.min}")
    if field.max is not None and number > field.max:
        _refuse(field, value, f"không được lớn hơn {field.max}", f"must be at most {field.max}")
    if field.enum and number not in {Decimal(option.value) for option in field.enum}:
        allowed = ", ".join(str(option.value) for option in field.enum)
        _refuse(field, value, f"phải là một trong: {allowed}", f"must be one of: {allowed}")
    return int(number) if field.type == "int" else value


def _refuse(field: InputField, value: object, vi: str, en: str) -> None:
    raise InvalidDecision(f"Giá trị {value!r} của trường '{field.field}' ({field.label_vi}) {vi}",
                          f"value {value!r} of field '{field.field}' ({field.label_en}) {en}", field=field.field)
