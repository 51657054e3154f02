"""Validation of a unit's answers when it saves or submits them: stricter than the scoring engine.

A value that cannot be true (wrong type, a negative count, a percent outside 0–100, a numerator larger
than its denominator for a count ratio) is an error naming the field: `field` is its key, the messages
name it as the form does, by its catalog label. A value outside a soft min/max
is accepted with a warning. Missing required inputs and evidence are errors only on the final
submission (`final=True`), so a draft can be saved half-filled (README "Out-of-range inputs").
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from shared.criteria.model import Criterion, InputField, UnitTypeCatalog

MAX_DECIMAL_PLACES = 2
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class ValidationIssue:
    field: str | None  # None for an issue about a whole criterion (its evidence)
    rule: str  # unknown_field, type, enum, min, max, numerator_le_denominator, required, evidence_required
    message_vi: str
    message_en: str
    criterion: str | None = None

    def to_dict(self) -> dict:
        return {"field": self.field, "rule": self.rule, "message_vi": self.message_vi,
                "message_en": self.message_en, "criterion": self.criterion}


@dataclass(frozen=True)
class ValidationReport:
    errors: tuple[ValidationIssue, ...]
    warnings: tuple[ValidationIssue, ...]

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_dict(self) -> dict:
        return {"errors": [issue.to_dict() for issue in self.errors],
                "warnings": [issue.to_dict() for issue in self.warnings]}


def validate_answers(unit_catalog: UnitTypeCatalog, answers: Mapping[str, object], *,
                     evidence: Mapping[str, int] | None = None, final: bool,
                     sources: Collection[str] | None = None) -> ValidationReport:
    """Check `answers` (field → JSON value) against the unit type's inputs.

    `evidence` maps criterion codes to the number of files attached; it is checked only when `final`.
    `sources` limits the completeness checks (required inputs, evidence) to criteria with those
    sources, e.g. {"self_report"} for what a unit itself must provide; by default all criteria.
    """
    errors: list[ValidationIssue] = []
    warnings: list[ValidationIssue] = []
    fields = unit_catalog.fields

    for name in sorted(set(answers) - set(fields)):
        errors.append(ValidationIssue(
            name, "unknown_field",
            f"Trường '{name}' không thuộc bộ tiêu chí của loại đơn vị này",
            f"Field '{name}' is not part of this unit type's criteria"))

    parsed: dict[str, object] = {}
    for name, field in fields.items():
        raw = answers.get(name)
        if _is_blank(raw):
            continue
        value, issue = _parse(field, raw)
        if issue:
            errors.append(issue)
            continue
        parsed[name] = value
        hard, soft = _range_issues(field, value)
        errors.extend(hard)
        warnings.extend(soft)

    errors.extend(_ratio_issues(unit_catalog, parsed))
    if final:
        expected = [c for c in unit_catalog.criteria if sources is None or c.source in sources]
        errors.extend(_missing_required(expected, answers))
        errors.extend(_missing_evidence(unit_catalog, expected, parsed, evidence or {}))
    return ValidationReport(tuple(errors), tuple(warnings))


def canonical_value(field: InputField, raw: object) -> tuple[object, ValidationIssue | None]:
    """`raw` in its type's one stored form, or the issue refusing it: "12", 12.0 and " 12 " for a whole
    number are all 12; a decimal or a percentage is a JSON number (an int when whole); text is trimmed.
    So the review case, the events and the score all see the same value."""
    if _is_blank(raw):
        return None, None
    value, issue = _parse(field, raw)
    if issue:
        return None, issue
    hard, _ = _range_issues(field, value)
    if hard:
        return None, hard[0]
    if isinstance(value, Decimal):
        return (int(value) if value == value.to_integral_value() else float(value)), None
    return (value.strip() if isinstance(value, str) else value), None


def canonical_answers(unit_catalog: UnitTypeCatalog, answers: Mapping[str, object]) -> dict[str, object]:
    """Every answer of a catalog field in its canonical form (call after validating: a value that
    cannot be read is left as it was, for the validation to name)."""
    canonical = dict(answers)
    for name, raw in answers.items():
        field = unit_catalog.fields.get(name)
        if field is not None:
            value, issue = canonical_value(field, raw)
            if issue is None:
                canonical[name] = value
    return canonical


def _is_blank(raw: object) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


# --- types ------------------------------------------------------------------------------------------------


def _parse(field: InputField, raw: object) -> tuple[object, ValidationIssue | None]:
    """The value as its type (bool, int, Decimal, str), or a `type` / `enum` error."""
    if field.type == "bool":
        if isinstance(raw, bool):
            return raw, None
        return None, _type_error(field, "phải là Có hoặc Không (true/false)", "must be true or false")
    if field.type in ("text", "date"):
        if not isinstance(raw, str):
            return None, _type_error(field, "phải là văn bản", "must be text")
        if field.type == "date" and not _is_iso_date(raw):
            return None, _type_error(field, "phải là ngày theo định dạng YYYY-MM-DD (ví dụ 2021-11-15)",
                                     "must be a date written YYYY-MM-DD (e.g. 2021-11-15)")
        return raw, None

    number = _as_decimal(raw)
    if field.type == "int":
        if number is None or number != number.to_integral_value():
            if field.min is not None and field.min >= 0:
                return None, _type_error(field, "phải là số nguyên không âm", "must be a non-negative whole number")
            return None, _type_error(field, "phải là số nguyên", "must be a whole number")
        value = int(number)
        options = [option.value for option in field.enum]
        if options and value not in options:
            listed = ", ".join(str(option) for option in sorted(options))
            return None, ValidationIssue(field.field, "enum",
                                         f"Trường {_vi(field)} chỉ nhận một trong các giá trị: {listed}",
                                         f"Field {_en(field)} must be one of: {listed}")
        return value, None
    if number is None or number.normalize().as_tuple().exponent < -MAX_DECIMAL_PLACES:
        if field.type == "percent":
            return None, _type_error(field, "phải là tỷ lệ phần trăm từ 0 đến 100, tối đa 2 chữ số thập phân",
                                     "must be a percentage from 0 to 100 with at most 2 decimal places")
        return None, _type_error(field, "phải là số, tối đa 2 chữ số thập phân",
                                 "must be a number with at most 2 decimal places")
    return number, None


def _as_decimal(raw: object) -> Decimal | None:
    if isinstance(raw, bool) or not isinstance(raw, (int, float, str, Decimal)):
        return None
    try:
        number = raw if isinstance(raw, Decimal) else Decimal(str(raw).strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _is_iso_date(text: str) -> bool:
    if not _ISO_DATE.match(text):
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _vi(field: InputField) -> str:
    """The field as the form shows it (its catalog label), for a message in Vietnamese."""
    return f"“{field.label.vi}”"


def _en(field: InputField) -> str:
    return f"“{field.label.en}”"


def _type_error(field: InputField, must_vi: str, must_en: str) -> ValidationIssue:
    return ValidationIssue(field.field, "type", f"Trường {_vi(field)} {must_vi}", f"Field {_en(field)} {must_en}")


# --- ranges -----------------------------------------------------------------------------------------------


def _range_issues(field: InputField, value: object) -> tuple[list[ValidationIssue], list[ValidationIssue]]:
    """(errors, warnings): impossible values are errors, values outside a soft bound warnings."""
    name = field.field
    if field.type not in ("int", "decimal", "percent"):
        return [], []
    shown = _shown(value)
    if field.type == "int" and value < 0:
        return [ValidationIssue(name, "min", f"Trường {_vi(field)} phải là số nguyên không âm (đã nhập {shown})",
                                f"Field {_en(field)} must be a non-negative whole number (got {shown})")], []
    if field.type == "percent" and not 0 <= value <= 100:
        rule = "min" if value < 0 else "max"
        return [ValidationIssue(name, rule,
                                f"Trường {_vi(field)} phải là tỷ lệ phần trăm từ 0 đến 100 (đã nhập {shown})",
                                f"Field {_en(field)} must be a percentage from 0 to 100 (got {shown})")], []
    if field.min is not None and value < field.min:
        low = _shown(field.min)
        return [], [ValidationIssue(
            name, "min", f"Trường {_vi(field)} có giá trị {shown}, thấp hơn mức tối thiểu {low}; vui lòng kiểm tra lại",
            f"Field {_en(field)} is {shown}, below the minimum {low}; please check it")]
    if field.max is not None and value > field.max:
        high = _shown(field.max)
        return [], [ValidationIssue(
            name, "max", f"Trường {_vi(field)} có giá trị {shown}, vượt mức tối đa {high}; vui lòng kiểm tra lại",
            f"Field {_en(field)} is {shown}, above the maximum {high}; please check it")]
    return [], []


def _ratio_issues(unit_catalog: UnitTypeCatalog, parsed: Mapping[str, object]) -> list[ValidationIssue]:
    """A count ratio's numerator cannot exceed its denominator (e.g. staff trained > staff)."""
    issues = []
    seen = set()
    for criterion in unit_catalog.criteria:
        rule = criterion.rule
        pair = (rule.numerator, rule.denominator)
        if not rule.numerator or pair in seen or unit_catalog.fields[rule.numerator].type != "int":
            continue
        seen.add(pair)
        a, b = parsed.get(rule.numerator), parsed.get(rule.denominator)
        if a is not None and b is not None and 0 <= b < a:
            numerator, denominator = unit_catalog.fields[rule.numerator], unit_catalog.fields[rule.denominator]
            issues.append(ValidationIssue(
                rule.numerator, "numerator_le_denominator",
                f"Trường {_vi(numerator)} ({a}) không được lớn hơn trường {_vi(denominator)} ({b})",
                f"Field {_en(numerator)} ({a}) cannot be larger than {_en(denominator)} ({b})",
                criterion.code))
    return issues


# --- completeness (final submission only) -----------------------------------------------------------------


def _missing_required(criteria: list[Criterion], answers: Mapping[str, object]) -> list[ValidationIssue]:
    missing = {f.field: f for c in criteria for f in c.inputs if f.required and _is_blank(answers.get(f.field))}
    return [ValidationIssue(name, "required", f"Chưa nhập trường bắt buộc {_vi(field)}",
                            f"Required field {_en(field)} is missing") for name, field in missing.items()]


def _missing_evidence(unit_catalog: UnitTypeCatalog, criteria: list[Criterion], parsed: Mapping[str, object],
                      evidence: Mapping[str, int]) -> list[ValidationIssue]:
    unknown = set(evidence) - set(unit_catalog.criteria_by_code)
    if unknown:
        raise KeyError(f"evidence for unknown criteria: {', '.join(sorted(unknown))}")
    return [
        ValidationIssue(None, "evidence_required",
                        f"Tiêu chí {criterion.code} chưa có tài liệu kiểm chứng (bắt buộc)",
                        f"Criterion {criterion.code} needs supporting evidence; none is attached",
                        criterion.code)
        for criterion in criteria
        if criterion.evidence.required and evidence.get(criterion.code, 0) < 1 and _claims(criterion, parsed)
    ]


def _claims(criterion: Criterion, parsed: Mapping[str, object]) -> bool:
    """Whether the answer asserts something to back up: a "no" or a zero claims nothing.

    The claim is the rule's input, or a ratio's numerator. A missing answer is reported as
    `required` already, so it needs no evidence error too.
    """
    claim = criterion.rule.numerator or criterion.rule.input
    if claim is None:
        return False
    value = parsed.get(claim)
    return value is not None and bool(value)


def _shown(value: object) -> str:
    text = str(value)
    return text.rstrip("0").rstrip(".") if isinstance(value, Decimal) and "." in text else text
