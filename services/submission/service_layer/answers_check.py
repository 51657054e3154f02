"""The answers of a report checked against its catalog, stricter than the scoring engine:
while drafting, only values that cannot be true are refused; on submission, every input the
unit itself must report and every evidence file it must attach have to be there."""
from __future__ import annotations

from typing import Any

from services.submission.domain.reports import Report
from shared.criteria import load_catalog
from shared.criteria.validation import ValidationReport, validate_answers
from shared.http_problems import Problem

# Inputs from a provincial system or the reviewer's assessment are not the unit's to give.
UNIT_SOURCES = frozenset({"self_report"})


def check(report: Report, answers: dict[str, Any], *, evidence_counts: dict[str, int] | None = None,
          final: bool) -> ValidationReport:
    unit_catalog = load_catalog(report.catalog_version).unit_type(report.unit_type)
    return validate_answers(unit_catalog, answers, evidence=evidence_counts, final=final, sources=UNIT_SOURCES)


def refuse_inputs_not_the_units(report: Report, changes: dict[str, Any]) -> None:
    """422 for a field only the reviewer or a provincial system may set (an assessed score, a
    deduction count, a figure read from the administrative-procedure system)."""
    unit_catalog = load_catalog(report.catalog_version).unit_type(report.unit_type)
    units_fields = {field.field for criterion in unit_catalog.criteria if criterion.source in UNIT_SOURCES
                    for field in criterion.inputs}
    foreign = sorted(name for name in changes if name in unit_catalog.fields and name not in units_fields)
    if foreign:
        raise Problem(422, "Invalid answers",
                      "; ".join(f"Trường '{name}' do cơ quan thẩm định hoặc hệ thống của tỉnh xác định, "
                                "đơn vị không kê khai" for name in foreign),
                      errors={name: [{"rule": "not_unit_input",
                                      "message_vi": f"Trường '{name}' do cơ quan thẩm định hoặc hệ thống của tỉnh "
                                                    "xác định, đơn vị không kê khai",
                                      "message_en": f"Field '{name}' is set by the reviewer or a provincial system, "
                                                    "not by the unit"}] for name in foreign})


def refuse_if_invalid(validation: ValidationReport) -> None:
    """422 with every problem, keyed by field (or `evidence.<criterion>`), in Vietnamese and English."""
    if validation.ok:
        return
    errors: dict[str, list[dict[str, str]]] = {}
    for issue in validation.errors:
        key = issue.field or f"evidence.{issue.criterion}"
        errors.setdefault(key, []).append(
            {"rule": issue.rule, "message_vi": issue.message_vi, "message_en": issue.message_en})
    detail = "; ".join(issue.message_vi for issue in validation.errors[:5])
    more = len(validation.errors) - 5
    raise Problem(422, "Invalid answers", detail + (f"; … và {more} lỗi khác" if more > 0 else ""), errors=errors,
                  extra={"warnings": [issue.to_dict() for issue in validation.warnings]})
