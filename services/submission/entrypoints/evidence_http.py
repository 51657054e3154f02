"""HTTP routes for evidence files (minh chứng): upload to a criterion, list, download."""
from __future__ import annotations

import io

from flask import current_app, g, send_file
from flask_smorest.fields import Upload
from marshmallow import Schema, fields

from services.submission.adapters import content_inspection, file_storage
from services.submission.service_layer import evidence
from shared.auth import requires
from shared.http import clock, unit_of_work
from shared.http_fields import Instant, Line
from shared.http_multipart import read_multipart
from shared.http_paging import PagedBlueprint

evidence_blp = read_multipart(PagedBlueprint("evidence", __name__, url_prefix="/reports",
                                            description="Minh chứng của báo cáo (evidence files)"))
UPLOAD_HEADROOM = 1024 * 1024  # the multipart envelope around the file


@evidence_blp.record_once
def _configure(state) -> None:
    """The store and the size limit come from the service's settings and environment."""
    app = state.app
    app.extensions["cqs_evidence_store"] = file_storage.store_from_environment(
        app.extensions["cqs_runtime"].settings.data_dir)
    app.extensions["cqs_evidence_inspector"] = content_inspection.ContentInspector.from_environment()
    app.extensions["cqs_evidence_quota"] = file_storage.quota_from_environment()
    max_bytes = file_storage.max_upload_bytes()
    app.extensions["cqs_evidence_max_bytes"] = max_bytes
    app.config["MAX_CONTENT_LENGTH"] = max(app.config.get("MAX_CONTENT_LENGTH") or 0, max_bytes + UPLOAD_HEADROOM)


def _store():
    return current_app.extensions["cqs_evidence_store"]


class UploadForm(Schema):
    """multipart/form-data: the file and what it is for."""

    criterion = Line(32, min_length=1, required=True, metadata={"description": "the criterion (tiêu chí), e.g. 1.1"})
    supersedes = Line(36, min_length=1,
                      metadata={"description": "id of an earlier file of the same criterion this one replaces"})
    file = Upload(required=True)


class EvidenceFileSchema(Schema):
    id = fields.Str()
    report_id = fields.Str()
    criterion = fields.Str()
    version = fields.Int()
    name = fields.Str()
    content_type = fields.Str()
    size = fields.Int()
    sha256 = fields.Str()
    uploaded_by = fields.Str()
    uploaded_at = Instant()
    supersedes = fields.Str(allow_none=True)
    superseded_by = fields.Str(allow_none=True)


@evidence_blp.route("/<report_id>/evidence", methods=["POST"])
@requires()
@evidence_blp.arguments(UploadForm, location="files")
@evidence_blp.response(201, EvidenceFileSchema)
def upload_evidence(form, report_id):
    """Attach a file to a criterion (multipart: `criterion`, `file`, optional `supersedes`).

    PDF, PNG/JPEG, docx/xlsx/odt, doc/xls; checked by content; at most CQS_EVIDENCE_MAX_BYTES.
    """
    upload = form["file"]
    max_bytes = current_app.extensions["cqs_evidence_max_bytes"]
    return evidence.attach(unit_of_work(), _store(), current_app.extensions["cqs_evidence_inspector"], report_id,
                           g.principal, criterion=form["criterion"], filename=upload.filename,
                           data=upload.stream.read(max_bytes + 1), max_bytes=max_bytes,
                           quota=current_app.extensions["cqs_evidence_quota"], supersedes=form.get("supersedes"),
                           now=clock())


@evidence_blp.route("/<report_id>/evidence")
@requires()
@evidence_blp.paged_list(EvidenceFileSchema)
def list_evidence(report_id):
    return evidence.list_files(unit_of_work(), report_id, g.principal)


@evidence_blp.route("/<report_id>/evidence/<file_id>")
@requires()
@evidence_blp.response(200, description="the file's bytes", content_type="application/octet-stream")
def download_evidence(report_id, file_id):
    found = evidence.download(unit_of_work(), _store(), report_id, file_id, g.principal)
    response = send_file(io.BytesIO(found.data), mimetype=found.file.content_type, as_attachment=True,
                         download_name=found.file.name, etag=found.file.sha256, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
