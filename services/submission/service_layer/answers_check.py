"""The answers of a report checked against its catalog, stricter than the scoring engine:
while drafting, only values that cannot be true are refused; on submission, every input the
unit itself must report and every evidence file it must attach have to be there."""
from __future__ import annotations

from typing import Any

from services.submission.domain.reports import Report
from shared.criteria import load_catalog
from shared.criteria.suppliers import UNIT_SOURCES
from shared.criteria.validation import ValidationReport, canonical_answers, validate_answers
from shared.domain.errors import Bilingual, FieldError, InvalidInput


class InvalidAnswers(InvalidInput):
    title = Bilingual("Câu trả lời chưa hợp lệ", "Invalid answers")


def check(report: Report, answers: dict[str, Any], *, evidence_counts: dict[str, int] | None = None,
          final: bool) -> ValidationReport:
    unit_catalog = load_catalog(report.catalog_version).unit_type(report.unit_type)
    return validate_answers(unit_catalog, answers, evidence=evidence_counts, final=final, sources=UNIT_SOURCES)


def canonical(report: Report, answers: dict[str, Any]) -> dict[str, Any]:
    """The (validated) answers in their types' canonical forms, as they are stored: "12" and 12.0 are 12."""
    return canonical_answers(load_catalog(report.catalog_version).unit_type(report.unit_type), answers)


def refuse_inputs_not_the_units(report: Report, changes: dict[str, Any]) -> None:
    """422 for a field only the reviewer or a provincial system may set (an assessed score, a
    deduction count, a figure read from the administrative-procedure system)."""
    unit_catalog = load_catalog(report.catalog_version).unit_type(report.unit_type)
    units_fields = {field.field for criterion in unit_catalog.criteria if criterion.source in UNIT_SOURCES
                    for field in criterion.inputs}
    foreign = sorted(name for name in changes if name in unit_catalog.fields and name not in units_fields)
    if foreign:
        fields = unit_catalog.fields
        errors = {name: [FieldError("not_unit_input", Bilingual(
            f"Trường “{fields[name].label.vi}” do cơ quan thẩm định hoặc hệ thống của tỉnh xác định, "
            "đơn vị không kê khai",
            f"Field “{fields[name].label.en}” is set by the reviewer or a provincial system, not by the unit"))]
            for name in foreign}
        raise InvalidAnswers(Bilingual("; ".join(item.message.vi for [item] in errors.values()),
                                       "; ".join(item.message.en for [item] in errors.values())), errors=errors)


def refuse_if_invalid(validation: ValidationReport) -> None:
    """422 with every problem, keyed by field (or `evidence.<criterion>`), in Vietnamese and English."""
    if validation.ok:
        return
    errors: dict[str, list[FieldError]] = {}
    for issue in validation.errors:
        key = issue.field or f"evidence.{issue.criterion}"
        errors.setdefault(key, []).append(FieldError(issue.rule, Bilingual(issue.message_vi, issue.message_en)))
    shown, more = validation.errors[:5], len(validation.errors) - 5
    raise InvalidAnswers(Bilingual("; ".join(issue.message_vi for issue in shown)
                                   + (f"; … và {more} lỗi khác" if more > 0 else ""),
                                   "; ".join(issue.message_en for issue in shown)
                                   + (f"; … and {more} more" if more > 0 else "")),
                         errors=errors, warnings=[issue.to_dict() for issue in validation.warnings])
