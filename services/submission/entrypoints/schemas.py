"""Request and response bodies of the submission API (marshmallow; unknown fields are refused)."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from shared.http_fields import Instant, Line, Text
from shared.http_report_header import ReportHeaderSchema

ANSWER_VALUE = fields.Raw(allow_none=True)
EXPECTED_VERSION = fields.Int(validate=validate.Range(min=1, max=2**31 - 1),
                              metadata={"description": "the report version you read (optimistic locking)"})


class ReportSchema(ReportHeaderSchema):
    id = fields.Str()
    catalog_version = fields.Str()
    status = fields.Str()
    answers = fields.Dict(keys=fields.Str(), values=ANSWER_VALUE)
    revision = fields.Int()
    review_comment = fields.Str()
    criterion_comments = fields.Dict(keys=fields.Str(), values=fields.Str())
    evidence_requests = fields.List(fields.Dict())
    evidence_due_date = fields.Str(allow_none=True)
    submitted_at = Instant(allow_none=True)
    version = fields.Int()
    measured = fields.Dict(keys=fields.Str(), values=fields.Dict(), metadata={
        "description": "read-only: field → {value, agency, source_system, as_of, import_id, imported_by}, the "
                       "values provincial systems supplied for this unit (GET /reports/{id} only)"})


class ReportListQuery(Schema):
    round_id = Line(64)
    status = fields.Str(validate=validate.OneOf(
        ["draft", "submitted", "returned", "evidence_requested", "verified", "scored", "published"]))


class DraftUpdateSchema(Schema):
    answers = fields.Dict(keys=Line(100, min_length=1), values=ANSWER_VALUE, required=True)
    expected_version = EXPECTED_VERSION


class SubmitSchema(Schema):
    expected_version = EXPECTED_VERSION


class EvidenceReplySchema(Schema):
    answers = fields.Dict(keys=Line(100, min_length=1), values=ANSWER_VALUE, load_default=dict)
    note = Text(4000, min_length=1, required=True)
    expected_version = EXPECTED_VERSION


class ProvisionalScoreSchema(Schema):
    report_id = fields.Str()
    provisional = fields.Bool()
    catalog_version = fields.Str()
    catalog_fingerprint = fields.Str()
    unit_type = fields.Str()
    total = fields.Str()
    groups = fields.List(fields.Dict())
    criteria = fields.List(fields.Dict(), metadata={"description": "inputs used, rule in words (vi/en), points"})
    warnings = fields.List(fields.Str())
    missing_required = fields.List(fields.Str(), metadata={
        "description": "required inputs the unit itself has not filled yet (see owed_by_others for the rest)"})
    complete = fields.Bool()
    classification = fields.Dict()
    inputs_hash = fields.Str()
    before_submission = fields.Dict(metadata={
        "description": "errors and warnings that would block submission now: only what the unit itself fills"})
    owed_by_others = fields.List(fields.Dict(), metadata={
        "description": "required inputs the reviewer or a provincial system still owes ({field, supplied_by, "
                       "agency, criteria}); they do not block submission, and the unit cannot fill them"})
    measured = fields.Dict(metadata={"description": "the measured values used, with their source (read-only)"})
