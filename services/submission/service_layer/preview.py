"""A unit's provisional score while it fills in its draft: the scoring engine run as a library
on the current answers and the measured values, with what the unit must still fill before it can
submit, and apart from it what the reviewer and the provincial systems still owe (nothing the unit
can do about). Nothing is recorded and no event is sent; the official score is computed by the
scoring service from the verified answers."""
from __future__ import annotations

from services.submission.service_layer import answers_check
from services.submission.service_layer.evidence import evidence_manifest
from services.submission.service_layer.handlers import load_for_reading
from services.submission.service_layer.unit_of_work import SubmissionUnitOfWork
from shared.auth import Principal
from shared.criteria import load_catalog, score_report
from shared.criteria.suppliers import REVIEWER, SYSTEM, suppliers


def provisional_score(uow: SubmissionUnitOfWork, report_id: str, principal: Principal) -> dict:
    with uow:
        report = load_for_reading(uow, report_id, principal)
        unit_catalog = load_catalog(report.catalog_version).unit_type(report.unit_type)
        measured = uow.measured.of_unit(report.round_id, report.unit_code)
        answers = {**report.answers, **{name: item["value"] for name, item in measured.items()}}
        result = score_report(unit_catalog, answers)
        evidence = evidence_manifest(uow, report.id)
        before_submission = answers_check.check(
            report, report.answers, evidence_counts={code: len(files) for code, files in evidence.items()}, final=True)
        owners = suppliers(unit_catalog)
        owed: dict[str, dict] = {}
        for criterion in unit_catalog.criteria:
            for field in criterion.inputs:
                supplier = owners[field.field]
                if field.required and supplier.kind in (REVIEWER, SYSTEM) and answers.get(field.field) is None:
                    owed.setdefault(field.field, {"field": field.field, "supplied_by": supplier.kind,
                                                  "agency": supplier.agency, "criteria": []})["criteria"].append(
                        criterion.code)
        return {"report_id": report.id, "provisional": True, **result.to_dict(),
                # One list per owner: the unit is told only of what it can fill itself.
                "missing_required": [name for name in result.missing_required if name not in owed],
                "before_submission": before_submission.to_dict(), "owed_by_others": list(owed.values()),
                "measured": measured}
