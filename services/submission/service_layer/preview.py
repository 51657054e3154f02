"""A unit's provisional score while it fills in its draft: the scoring engine run as a library
on the current answers, with what is still missing before it can submit. Nothing is
recorded and no event is sent; the official score is computed by the scoring service from
the verified answers."""
from __future__ import annotations

from services.submission.service_layer import answers_check
from services.submission.service_layer.evidence import evidence_manifest
from services.submission.service_layer.handlers import load_for_reading
from services.submission.service_layer.unit_of_work import SubmissionUnitOfWork
from shared.auth import Principal
from shared.criteria import load_catalog, score_report


def provisional_score(uow: SubmissionUnitOfWork, report_id: str, principal: Principal) -> dict:
    with uow:
        report = load_for_reading(uow, report_id, principal)
        unit_catalog = load_catalog(report.catalog_version).unit_type(report.unit_type)
        result = score_report(unit_catalog, report.answers)
        evidence = evidence_manifest(uow, report.id)
        before_submission = answers_check.check(
            report, report.answers, evidence_counts={code: len(files) for code, files in evidence.items()}, final=True)
        return {"report_id": report.id, "provisional": True, **result.to_dict(),
                "before_submission": before_submission.to_dict()}
