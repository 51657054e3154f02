"""HTTP routes of the review service: the reviewers' queue, a case and its history, and
the decisions (per criterion, evidence request, return, verify, four-eyes approval)."""
from __future__ import annotations

import json

from flask import Response, g

from services.review.domain.cases import local_date
from services.review.entrypoints.schemas import (
    AuditEntrySchema,
    AuditQuery,
    CaseSchema,
    DecisionBody,
    EvidenceRequestBody,
    OverdueSchema,
    QueueQuery,
    QueueSchema,
    ReturnBody,
    SettingsBody,
    SettingsSchema,
    VersionBody,
    VersionsSchema,
)
from services.review.service_layer import handlers, views
from services.review.service_layer.scope import require_reader
from shared.auth import requires
from shared.csv_safety import safe_csv
from shared.http import clock, unit_of_work
from shared.http_paging import PagedBlueprint, link_header

review_blp = PagedBlueprint("review", __name__, description="Thẩm định báo cáo (review of unit reports)")
MAX_OFFSET = 2**31 - 1  # a page far past the end is empty, not an out-of-range SQL OFFSET
AUDIT_COLUMNS = ("id", "at", "report_id", "revision", "subject_version", "action", "actor", "actor_unit",
                 "criterion", "before", "after", "reason")


@review_blp.route("/queue")
@requires()
@review_blp.arguments(QueueQuery, location="query")
@review_blp.response(200, QueueSchema)
@review_blp.paginate()
def reviewer_queue(query, pagination_parameters):
    """`items` are paged (`counts` and `total` count the whole queue)."""
    with unit_of_work() as uow:
        found = views.queue(uow, g.principal, now=clock(), limit=pagination_parameters.page_size,
                            offset=min(pagination_parameters.first_item, MAX_OFFSET), **query)
    pagination_parameters.item_count = found.pop("listed")
    return found


@review_blp.route("/cases/<report_id>")
@requires()
@review_blp.response(200, CaseSchema)
def get_case(report_id):
    return handlers.read_case(unit_of_work(), report_id, g.principal)


@review_blp.route("/cases/<report_id>/versions")
@requires()
@review_blp.response(200, VersionsSchema)
def case_versions(report_id):
    return handlers.case_versions(unit_of_work(), report_id, g.principal)


@review_blp.route("/cases/<report_id>/audit")
@requires()
@review_blp.arguments(AuditQuery, location="query")
@review_blp.response(200, AuditEntrySchema(many=True))
@review_blp.alt_response(200, description="the same entries as CSV (`?format=csv`)", content_type="text/csv")
def case_audit(query, report_id):
    entries = handlers.case_audit(unit_of_work(), report_id, g.principal)
    if query["format"] == "csv":
        return _csv(entries, f"audit-{report_id}.csv")  # the whole trail: an export is not paged
    page, size = query["page"], query["page_size"]
    return entries[(page - 1) * size:page * size], 200, {"Link": link_header(page, size, len(entries))}


def _csv(entries: list[dict], filename: str) -> Response:
    rows = ([json.dumps(entry[column], ensure_ascii=False) if column in ("before", "after") else entry[column]
             for column in AUDIT_COLUMNS] for entry in entries)
    return Response(safe_csv(AUDIT_COLUMNS, rows), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@review_blp.route("/cases/<report_id>/decisions", methods=["POST"])
@requires()
@review_blp.arguments(DecisionBody)
@review_blp.response(200, CaseSchema)
def record_decision(body, report_id):
    return views.case_detail(handlers.decide(
        unit_of_work(), report_id, g.principal, criterion=body["criterion"], decision=body["decision"],
        values=body["values"], points=body["points"], reason=body["reason"], no_data=body["no_data"],
        expected_version=body["expected_version"], now=clock()))


@review_blp.route("/cases/<report_id>/evidence-requests", methods=["POST"])
@requires()
@review_blp.arguments(EvidenceRequestBody)
@review_blp.response(201, CaseSchema)
def request_evidence(body, report_id):
    return views.case_detail(handlers.request_evidence(
        unit_of_work(), report_id, g.principal, requests=body["requests"], due_date=body["due_date"],
        expected_version=body["expected_version"], now=clock()))


@review_blp.route("/cases/<report_id>/return", methods=["POST"])
@requires()
@review_blp.arguments(ReturnBody)
@review_blp.response(200, CaseSchema)
def return_report(body, report_id):
    return views.case_detail(handlers.return_report(
        unit_of_work(), report_id, g.principal, comment=body["comment"], criterion_comments=body["criterion_comments"],
        expected_version=body["expected_version"], now=clock()))


@review_blp.route("/cases/<report_id>/verify", methods=["POST"])
@requires()
@review_blp.arguments(VersionBody)
@review_blp.response(200, CaseSchema)
def verify(body, report_id):
    return views.case_detail(handlers.verify(unit_of_work(), report_id, g.principal,
                                             expected_version=body["expected_version"], now=clock()))


@review_blp.route("/cases/<report_id>/approve", methods=["POST"])
@requires()
@review_blp.arguments(VersionBody)
@review_blp.response(200, CaseSchema)
def approve(body, report_id):
    return views.case_detail(handlers.approve(unit_of_work(), report_id, g.principal,
                                              expected_version=body["expected_version"], now=clock()))


@review_blp.route("/evidence-requests/overdue")
@requires()
@review_blp.paged_list(OverdueSchema)
def overdue_evidence_requests():
    with unit_of_work() as uow:
        return views.overdue_requests(uow, g.principal, today=local_date(clock()))


@review_blp.route("/settings/<reviewer_unit_code>")
@requires()
@review_blp.response(200, SettingsSchema)
def get_settings(reviewer_unit_code):
    with unit_of_work() as uow:
        require_reader(g.principal, reviewer_unit_code, uow.views.reviewer_kind(reviewer_unit_code),
                       f"settings/{reviewer_unit_code}")
        return uow.settings.get(reviewer_unit_code) or {"reviewer_unit_code": reviewer_unit_code, "four_eyes": False}


@review_blp.route("/settings/<reviewer_unit_code>", methods=["PUT"])
@requires()
@review_blp.arguments(SettingsBody)
@review_blp.response(200, SettingsSchema)
def put_settings(body, reviewer_unit_code):
    return handlers.set_four_eyes(unit_of_work(), reviewer_unit_code, g.principal, four_eyes=body["four_eyes"],
                                  now=clock())
