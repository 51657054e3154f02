"""A complete, valid set of answers for a unit type: every input of the catalog filled in
with a plausible value (numerators below their denominators, enums at their top value)."""
from __future__ import annotations

from shared.criteria import UnitTypeCatalog


def complete_answers(unit: UnitTypeCatalog) -> dict[str, object]:
    numerators = {c.rule.numerator for c in unit.criteria if c.rule.numerator}
    deductions = {c.rule.input for c in unit.criteria if c.kind == "deduction"}
    answers: dict[str, object] = {}
    for name, field in unit.fields.items():
        if field.type == "bool":
            answers[name] = True
        elif field.enum:
            answers[name] = max(option.value for option in field.enum)
        elif field.type == "percent":
            answers[name] = 92.5
        elif field.type in ("int", "decimal"):
            value = 0 if name in deductions else 8 if name in numerators else 10
            if field.max is not None:
                value = min(value, int(field.max))
            if field.min is not None:
                value = max(value, int(field.min))
            answers[name] = value
        elif field.type == "date":
            answers[name] = "2026-06-01"
        else:
            answers[name] = "Đồng chí Nguyễn Văn A"
    return answers


def unit_answers(unit: UnitTypeCatalog) -> dict[str, object]:
    """What the unit itself reports: the complete answers, less the inputs the reviewer or a
    provincial system determines."""
    own = {field.field for criterion in unit.criteria if criterion.source == "self_report" for field in criterion.inputs}
    return {name: value for name, value in complete_answers(unit).items() if name in own}


def evidence_criteria(unit: UnitTypeCatalog) -> list[str]:
    return [criterion.code for criterion in unit.criteria if criterion.evidence.required]


def reviewer_fill(unit: UnitTypeCatalog, case: dict, criterion: str) -> dict[str, dict]:
    """The `values` and `no_data` members of a reviewer's decision on `criterion` of the review case
    `case` (its JSON): the reviewer's own inputs still empty are filled with plausible values, and a
    measured input no provincial system sent is recorded as no data."""
    inputs = {field.field for field in unit.criteria_by_code[criterion].inputs}
    full = complete_answers(unit)
    values = {item["key"]: full[item["key"]] for item in case["reviewer_inputs"]
              if item["key"] in inputs and item["value"] is None and item["no_data"] is None}
    no_data = {item["key"]: "Hệ thống chưa gửi số liệu" for item in case["measured_inputs"]
               if item["key"] in inputs and item["value"] is None and item["no_data"] is None}
    return {"values": values, "no_data": no_data}
