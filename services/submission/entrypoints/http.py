"""HTTP routes of the submission service: a unit reads, fills in and submits its report."""
from __future__ import annotations

from flask import g

from services.submission.entrypoints.schemas import (
    DraftUpdateSchema,
    EvidenceReplySchema,
    ProvisionalScoreSchema,
    ReportListQuery,
    ReportSchema,
    SubmitSchema,
)
from services.submission.service_layer import handlers
from services.submission.service_layer.preview import provisional_score
from shared.auth import requires
from shared.http import clock, unit_of_work
from shared.http_paging import PagedBlueprint

reports_blp = PagedBlueprint("reports", __name__, url_prefix="/reports",
                             description="Báo cáo của đơn vị (unit reports)")


@reports_blp.route("")
@requires()
@reports_blp.paged_list(ReportSchema, query=ReportListQuery)
def list_reports(query):
    return handlers.list_reports(unit_of_work(), g.principal, query.get("round_id"), query.get("status"))


@reports_blp.route("/<report_id>")
@requires()
@reports_blp.response(200, ReportSchema)
def get_report(report_id):
    """The report; `measured` holds the values provincial systems supplied for the unit (read-only)."""
    return handlers.read_report(unit_of_work(), report_id, g.principal)


@reports_blp.route("/<report_id>", methods=["PATCH"])
@requires()
@reports_blp.arguments(DraftUpdateSchema)
@reports_blp.response(200, ReportSchema)
def update_draft(body, report_id):
    return handlers.update_draft(unit_of_work(), report_id, g.principal, body["answers"], body.get("expected_version"))


@reports_blp.route("/<report_id>/submit", methods=["POST"])
@requires()
@reports_blp.arguments(SubmitSchema)
@reports_blp.response(200, ReportSchema)
def submit_report(body, report_id):
    return handlers.submit(unit_of_work(), report_id, g.principal, body.get("expected_version"), now=clock())


@reports_blp.route("/<report_id>/evidence-reply", methods=["POST"])
@requires()
@reports_blp.arguments(EvidenceReplySchema)
@reports_blp.response(200, ReportSchema)
def evidence_reply(body, report_id):
    return handlers.provide_evidence(unit_of_work(), report_id, g.principal, body["answers"], body["note"],
                                     body.get("expected_version"), now=clock())


@reports_blp.route("/<report_id>/preview")
@requires()
@reports_blp.response(200, ProvisionalScoreSchema)
def preview_score(report_id):
    """Provisional score of the current answers (điểm tạm tính): not recorded, not official."""
    return provisional_score(unit_of_work(), report_id, g.principal)
