"""What the review service shows of its cases: the reviewer queue, overdue evidence requests, a
case's audit trail, its versions side by side and its detail, in the caller's scope. The rows
come from the read models of `adapters/views.py`, through the unit of work."""
from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from services.review.adapters.views import Scope
from services.review.domain import history
from services.review.domain.cases import ReviewCase
from services.review.service_layer.unit_of_work import ReviewUnitOfWork
from shared.auth import Principal
from shared.authorization import reads_everything, reviewer_kind_of
from shared.clock import in_province_time
from shared.criteria import UnitTypeCatalog, load_catalog
from shared.criteria.forms import unit_type_form
from shared.criteria.suppliers import REVIEWER, SYSTEM


def scope_of(principal: Principal) -> Scope | None:
    """Admins and auditors see every case; a reviewer the cases its unit reviews in its role."""
    if reads_everything(principal):
        return None
    return Scope(principal.unit, reviewer_kind_of(principal))


def queue(uow: ReviewUnitOfWork, principal: Principal, *, now: dt.datetime, round_id: str | None = None,
          status: str | None = None, unit_type: str | None = None, min_age_days: int | None = None,
          offset: int = 0, limit: int | None = None) -> dict:
    """The cases in the caller's scope, oldest submission first (`limit` of them from `offset`),
    with counts per status and how many are `listed` in all."""
    page = uow.views.queue(scope_of(principal), round_id=round_id, status=status, unit_type=unit_type,
                           submitted_before=now - dt.timedelta(days=min_age_days) if min_age_days else None,
                           offset=offset, limit=limit)
    total = sum(page.counts.values())
    return {"counts": page.counts, "total": total, "listed": page.counts.get(status, 0) if status else total,
            "items": [_queue_item(row, now) for row in page.rows]}


def _queue_item(row, now: dt.datetime) -> dict:
    catalog = load_catalog(row["catalog_version"]).unit_type(row["unit_type"])
    submitted_at = row["submitted_at"]
    return {
        "report_id": row["report_id"], "round_id": row["round_id"], "unit_code": row["unit_code"],
        "unit_name_vi": row["unit_name_vi"], "unit_type": row["unit_type"],
        "reviewer_unit_code": row["reviewer_unit_code"], "reviewer_kind": row["reviewer_kind"],
        "status": row["queue_status"], "revision": row["revision"],
        "submitted_at": submitted_at, "age_days": (now - submitted_at).days if submitted_at else None,
        "decided": len(row["decisions"]), "to_decide": sum(1 for c in catalog.criteria if c.inputs),
        "version": row["version"],
    }


def overdue_requests(uow: ReviewUnitOfWork, principal: Principal, *, today: dt.date) -> list[dict]:
    """Open evidence requests whose reply date has passed, most overdue first."""
    return [{
        "request_id": row["id"], "report_id": row["report_id"], "round_id": row["round_id"],
        "unit_code": row["unit_code"], "unit_name_vi": row["unit_name_vi"],
        "reviewer_unit_code": row["reviewer_unit_code"], "requests": row["requests"],
        "due_date": row["due_date"], "days_overdue": (today - row["due_date"]).days,
        "requested_by": row["requested_by"], "requested_at": row["requested_at"],
    } for row in uow.views.open_requests_due_before(scope_of(principal), today)]


def audit_entries(uow: ReviewUnitOfWork, report_id: str, *, since_version: int | None = None) -> list[dict[str, Any]]:
    """A case's audit trail in the order it happened (only what followed `since_version` if given)."""
    return [{**row, "at": in_province_time(row["at"]).isoformat()}
            for row in uow.views.audit_trail(report_id, since_version=since_version)]


def versions(case: ReviewCase) -> list[dict[str, Any]]:
    return history.compare(list(case.snapshots))


def case_detail(case: ReviewCase) -> dict[str, Any]:
    catalog = load_catalog(case.catalog_version).unit_type(case.unit_type)
    return {
        "report_id": case.report_id, **dataclasses.asdict(case.header), "catalog_version": case.catalog_version,
        "status": case.queue_status, "revision": case.revision,
        "submitted_at": case.submitted_at, "version": case.version,
        "answers": case.current.answers, "reviewed_answers": case.reviewed_answers(),
        **owed_inputs(case, catalog), "missing_inputs": case.missing_inputs(catalog),
        "evidence": case.current.evidence, "decisions": case.decisions, "undecided": case.undecided(catalog),
        "pending_verification_by": case.pending_verification_by,
        "review_comment": case.review_comment, "criterion_comments": case.criterion_comments,
        "evidence_requests": [{
            "id": request.id, "revision": request.revision, "requests": request.requests,
            "due_date": request.due_date, "requested_by": request.requested_by, "requested_at": request.requested_at,
            "answered_at": request.answered_at, "reply": request.reply,
        } for request in case.evidence_requests],
    }


def owed_inputs(case: ReviewCase, catalog: UnitTypeCatalog) -> dict[str, list[dict[str, Any]]]:
    """The reviewer's inputs and the measured ones, each once, described as the catalog API does."""
    form = unit_type_form(case.catalog_version, catalog.code)
    answers, no_data = case.reviewed_answers(), case.no_data()
    owed: dict[str, dict[str, Any]] = {}
    for group in form["groups"]:
        for criterion in group["criteria"]:
            for field in criterion["inputs"]:
                if field["supplied_by"]["kind"] not in (REVIEWER, SYSTEM):
                    continue
                item = owed.setdefault(field["key"], {
                    **{key: field[key] for key in ("key", "type", "label", "unit", "min", "max", "enum",
                                                   "required", "supplied_by")},
                    "criteria": [], "value": answers.get(field["key"]), "no_data": no_data.get(field["key"]),
                    "source": case.measured.get(field["key"])})
                item["criteria"].append(criterion["code"])
    return {"reviewer_inputs": [item for item in owed.values() if item["supplied_by"]["kind"] == REVIEWER],
            "measured_inputs": [item for item in owed.values() if item["supplied_by"]["kind"] == SYSTEM]}
