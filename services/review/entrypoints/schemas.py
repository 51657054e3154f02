"""Request and response bodies of the review API (marshmallow; unknown fields are refused)."""
from __future__ import annotations

from decimal import Decimal

from marshmallow import Schema, ValidationError, fields, validate

from services.review.domain.cases import AWAITING_APPROVAL
from services.review.domain.decisions import ACCEPT, ADJUST
from shared.domain.errors import Bilingual, FieldError
from shared.http_fields import Instant, Line, Text
from shared.http_paging import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from shared.http_report_header import ReportHeaderSchema

QUEUE_STATUSES = ["submitted", "evidence_requested", AWAITING_APPROVAL, "returned", "verified"]
EXPECTED_VERSION = fields.Int(required=True, validate=validate.Range(min=1, max=2**31 - 1),
                              metadata={"description": "the case version the reviewer read"})


MAX_POINTS = 1000  # more than any criterion gives; the catalog's own bounds are checked by the domain


def _plausible_points(points: Decimal) -> None:
    if not -MAX_POINTS <= points <= MAX_POINTS:
        raise ValidationError([FieldError("range", Bilingual(f"Điểm phải từ {-MAX_POINTS} đến {MAX_POINTS}",
                                                             f"points must be between {-MAX_POINTS} and {MAX_POINTS}"))
                               .to_dict()])


class DecisionBody(Schema):
    criterion = Line(32, min_length=1, required=True)
    decision = fields.Str(required=True, validate=validate.OneOf([ACCEPT, ADJUST]))
    values = fields.Dict(keys=Line(100, min_length=1), values=fields.Raw(),
                         load_default=dict, metadata={"description": (
                             "field → value: fills an input the reviewer supplies (see `reviewer_inputs`); for any "
                             "other input (the unit's, a system's) it is an adjustment, only with `adjust`")})
    no_data = fields.Dict(keys=Line(100, min_length=1), values=Text(2000, min_length=1), load_default=dict,
                          metadata={"description": "field → reason: a reviewer's or a system's input that has no "
                                                   "data; scored as the catalog says for a missing value"})
    points = fields.Decimal(allow_none=True, load_default=None, validate=_plausible_points,
                            metadata={"minimum": -MAX_POINTS, "maximum": MAX_POINTS})
    reason = Text(4000, load_default="")
    expected_version = EXPECTED_VERSION


class RequestedItem(Schema):
    criterion = Line(32, min_length=1, required=True)
    message = Text(4000, min_length=1, required=True)


class EvidenceRequestBody(Schema):
    requests = fields.List(fields.Nested(RequestedItem), required=True, validate=validate.Length(min=1, max=200))
    due_date = fields.Date(required=True)
    expected_version = EXPECTED_VERSION


class ReturnBody(Schema):
    comment = Text(4000, min_length=1, required=True)
    criterion_comments = fields.Dict(keys=Line(32, min_length=1), values=Text(4000, min_length=1), load_default=dict)
    expected_version = EXPECTED_VERSION


class VersionBody(Schema):
    expected_version = EXPECTED_VERSION


class SettingsBody(Schema):
    four_eyes = fields.Bool(required=True)


class QueueQuery(Schema):
    round_id = Line(64)
    status = fields.Str(validate=validate.OneOf(QUEUE_STATUSES))
    unit_type = Line(32)
    min_age_days = fields.Int(validate=validate.Range(min=0, max=3660),
                              metadata={"description": "days since submission (at most ten years)"})


class AuditQuery(Schema):
    format = fields.Str(load_default="json", validate=validate.OneOf(["json", "csv"]))
    page = fields.Int(load_default=1, validate=validate.Range(min=1, max=100_000))
    page_size = fields.Int(load_default=DEFAULT_PAGE_SIZE, validate=validate.Range(min=1, max=MAX_PAGE_SIZE),
                           metadata={"description": "JSON only: the CSV export holds every entry"})


class EvidenceRequestSchema(Schema):
    id = fields.Str()
    revision = fields.Int()
    requests = fields.List(fields.Dict())
    due_date = fields.Date()
    requested_by = fields.Str()
    requested_at = Instant()
    answered_at = Instant(allow_none=True)
    reply = fields.Dict(allow_none=True)


class CaseSummarySchema(ReportHeaderSchema):
    """What identifies a case and where it stands: the queue's line and the case's heading."""

    report_id = fields.Str()
    status = fields.Str()
    revision = fields.Int()
    submitted_at = Instant(allow_none=True)
    version = fields.Int()


class OwedInputSchema(Schema):
    """An input the reviewer or a provincial system supplies, with its type and where it stands."""

    key = fields.Str()
    type = fields.Str()
    label = fields.Dict()
    unit = fields.Dict(allow_none=True)
    min = fields.Raw(allow_none=True, metadata={"type": "number"})
    max = fields.Raw(allow_none=True, metadata={"type": "number"})
    enum = fields.List(fields.Dict())
    required = fields.Bool()
    criteria = fields.List(fields.Str())
    supplied_by = fields.Dict()
    value = fields.Raw(allow_none=True)
    no_data = fields.Str(allow_none=True, metadata={"description": "the reason recorded for no data"})
    source = fields.Dict(allow_none=True, metadata={"description": "a measured value's system, date and import"})


class CaseSchema(CaseSummarySchema):
    catalog_version = fields.Str()
    answers = fields.Dict()
    reviewed_answers = fields.Dict()
    reviewer_inputs = fields.List(fields.Nested(OwedInputSchema), metadata={
        "description": "the inputs the catalog gives the reviewer to fill (with the decisions)"})
    measured_inputs = fields.List(fields.Nested(OwedInputSchema), metadata={
        "description": "the inputs provincial systems supply, as imported; the reviewer may question them"})
    missing_inputs = fields.List(fields.Dict(), metadata={
        "description": "required reviewer or system inputs with neither a value nor a no-data record: they "
                       "block verification"})
    evidence = fields.Dict()
    decisions = fields.Dict()
    undecided = fields.List(fields.Str())
    pending_verification_by = fields.Str(allow_none=True)
    review_comment = fields.Str()
    criterion_comments = fields.Dict()
    evidence_requests = fields.List(fields.Nested(EvidenceRequestSchema))


class QueueItemSchema(CaseSummarySchema):
    age_days = fields.Int(allow_none=True)
    decided = fields.Int()
    to_decide = fields.Int()


class QueueSchema(Schema):
    counts = fields.Dict(keys=fields.Str(), values=fields.Int())
    total = fields.Int()
    items = fields.List(fields.Nested(QueueItemSchema))


class VersionSchema(Schema):
    seq = fields.Int()
    revision = fields.Int()
    kind = fields.Str()
    by = fields.Str()
    at = Instant()
    note = fields.Str()
    answers = fields.Dict()
    evidence = fields.Dict()
    changes = fields.List(fields.Dict())
    new_files = fields.List(fields.Dict())


class VersionsSchema(Schema):
    report_id = fields.Str()
    versions = fields.List(fields.Nested(VersionSchema))


class AuditEntrySchema(Schema):
    id = fields.Int()
    report_id = fields.Str(allow_none=True)
    reviewer_unit_code = fields.Str()
    subject_version = fields.Int()
    revision = fields.Int(allow_none=True)
    action = fields.Str()
    actor = fields.Str()
    actor_unit = fields.Str()
    at = fields.Str()
    criterion = fields.Str(allow_none=True)
    before = fields.Raw(allow_none=True)
    after = fields.Raw(allow_none=True)
    reason = fields.Str()


class OverdueSchema(ReportHeaderSchema):
    class Meta:
        exclude = ("unit_type", "reviewer_kind")  # an open request's row holds the rest of its case's header

    request_id = fields.Str()
    report_id = fields.Str()
    requests = fields.List(fields.Dict())
    due_date = fields.Date()
    days_overdue = fields.Int()
    requested_by = fields.Str()
    requested_at = Instant()


class SettingsSchema(Schema):
    reviewer_unit_code = fields.Str()
    four_eyes = fields.Bool()
    updated_by = fields.Str(allow_none=True)
    updated_at = Instant(allow_none=True)
    version = fields.Int(allow_none=True)
