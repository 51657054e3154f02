"""HTTP routes of the publication service: publish a round; anyone may look the published results up.

Every public route reads published snapshots only; paged lists carry `Link` headers (RFC 8288)
and every public GET an ETag (`If-None-Match` answers 304).
"""
from __future__ import annotations

from decimal import Decimal

from flask import Response, g
from marshmallow import Schema, fields, validate

from services.publication.domain.publication import DEFAULT_FEEDBACK_DAYS, Stage
from services.publication.service_layer import exports, handlers, webhooks
from shared.auth import requires
from shared.http import clock, unit_of_work
from shared.http_fields import Instant, Line, Text
from shared.http_paging import PagedBlueprint
from shared.http_report_header import NamedUnitSchema, ReportHeaderSchema, ReportingUnitSchema

results_blp = PagedBlueprint("results", __name__,
                             description="Công bố và tra cứu kết quả (publication and look-up)")


def _public_list(item_schema: type[Schema], query: type[Schema] | None = None):
    """A public look-up list: no sign-in, paged with `Link` headers, with an ETag (304 on `If-None-Match`)."""
    def decorate(view):
        view = results_blp.paged_list(item_schema, query=query)(results_blp.doc(security=[])(view))
        return results_blp.etag(view)
    return decorate


def _public_export(view):
    """A public download of a published result, in the format and of the version asked (`ExportQuery`)."""
    view = results_blp.doc(security=[])(view)
    view = results_blp.response(200, content_type="application/octet-stream")(view)
    return results_blp.arguments(ExportQuery, location="query")(view)


class BandSchema(Schema):
    code = fields.Str()
    name_vi = fields.Str()
    name_en = fields.Str()


class StandingSchema(ReportHeaderSchema):
    class Meta:
        exclude = ("reviewer_unit_code", "reviewer_kind")  # a published standing does not keep its reviewer

    ranking_scope = fields.Str(attribute="scope")
    report_id = fields.Str()
    total = fields.Decimal(as_string=True)
    groups = fields.Dict(keys=fields.Str(), values=fields.Str(), metadata={"description": "points per group"})
    criteria = fields.Dict(keys=fields.Str(), values=fields.Str(), metadata={"description": "points per criterion"})
    band = fields.Nested(BandSchema, metadata={"description": "xếp loại: Tốt / Khá / Trung bình / Yếu"})
    rank = fields.Int(allow_none=True)
    previous_rank = fields.Int(allow_none=True, metadata={"description": "rank in the previous year's round"})
    previous_total = fields.Decimal(as_string=True, allow_none=True)
    rank_change = fields.Method("_rank_change", metadata={"description": "places gained since last year"})
    total_change = fields.Method("_total_change")
    catalog_version = fields.Str()
    stage = fields.Str(metadata={"description": "district | provisional | final | correction"})
    snapshot_version = fields.Int()
    published_at = Instant()

    @staticmethod
    def _rank_change(row) -> int | None:
        if row["rank"] is None or row["previous_rank"] is None:
            return None
        return row["previous_rank"] - row["rank"]

    @staticmethod
    def _total_change(row) -> str | None:
        if row["previous_total"] is None:
            return None
        return str(Decimal(row["total"]) - Decimal(row["previous_total"]))


class MissingUnitSchema(NamedUnitSchema):
    """A unit whose result the ranking still waits for."""


class RankingSummarySchema(Schema):
    scope = fields.Str()
    complete = fields.Bool(metadata={"description": "false: a partial ranking, see what is missing"})
    units = fields.Int()
    missing_units = fields.List(fields.Nested(MissingUnitSchema))
    missing_districts = fields.List(fields.Str(), metadata={"description": "districts that have not reported"})


class ChangeSchema(NamedUnitSchema):
    scope = fields.Str()
    rank_before = fields.Int(allow_none=True)
    rank_after = fields.Int(allow_none=True)
    total_before = fields.Str(allow_none=True)
    total_after = fields.Str(allow_none=True)


class SnapshotSchema(Schema):
    round_id = fields.Str()
    version = fields.Int()
    stage = fields.Str()
    publisher_unit = fields.Str(allow_none=True, metadata={"description": "the district, or null: the province"})
    published_by = fields.Str()
    published_at = Instant()
    feedback_closes_at = Instant(allow_none=True)
    note = fields.Str()
    decision_reference = fields.Str(allow_none=True)
    scopes = fields.List(fields.Nested(RankingSummarySchema))
    changes = fields.List(fields.Nested(ChangeSchema), metadata={"description": "what changed since the versions "
                                                                              "before"})


class PublishedRankingSchema(RankingSummarySchema):
    stage = fields.Str()
    snapshot_version = fields.Int()
    published_at = Instant()


class PublishRequest(Schema):
    stage = fields.Enum(Stage, by_value=True, metadata={"description": "the stage expected next (optional check)"})
    feedback_days = fields.Int(load_default=DEFAULT_FEEDBACK_DAYS, validate=validate.Range(min=1, max=90),
                               metadata={"description": "length of the feedback window (kiến nghị) in days"})
    note = Text(4000, load_default="",
                      metadata={"description": "what a correction changes (required for a correction)"})
    decision_reference = fields.Str(load_default="", validate=validate.Length(max=300), metadata={
        "description": "the decision publishing the results, printed on exports, e.g. 'Quyết định số 123/QĐ-UBND'"})


class DistrictReportSchema(Schema):
    district = fields.Str()
    status = fields.Str(metadata={"description": "reported | pending"})
    communes_published = fields.Int()
    reported_at = Instant(allow_none=True)
    snapshot_version = fields.Int(allow_none=True, metadata={
        "description": "the version of the round's snapshots that is the district's latest report"})
    due = Instant(allow_none=True)
    late = fields.Bool()


class StandingsQuery(Schema):
    unit_type = Line(32)
    scope = Line(80, metadata={"description": "e.g. province_department, commune, commune:436"})
    version = fields.Int(validate=validate.Range(min=1, max=2**31 - 1),
                         metadata={"description": "as of this snapshot version"})


class VersionQuery(Schema):
    version = fields.Int(validate=validate.Range(min=1, max=2**31 - 1))


class ExportQuery(VersionQuery):
    format = fields.Str(load_default="xlsx", validate=validate.OneOf(sorted(exports.FORMATS)),
                        metadata={"description": "xlsx | csv | pdf"})


@results_blp.route("/rounds/<round_id>/publish", methods=["POST"])
@requires()
@results_blp.arguments(PublishRequest, required=False)
@results_blp.response(201, SnapshotSchema)
def publish_round(body, round_id):
    """The province publishes the round's next stage (provisional, final, correction); a district, its communes."""
    snapshot = handlers.publish(unit_of_work(), round_id, g.principal, stage=body.get("stage"),
                                feedback_days=body.get("feedback_days", DEFAULT_FEEDBACK_DAYS),
                                note=body.get("note", ""), decision_reference=body.get("decision_reference", ""),
                                now=clock())
    return {**vars(snapshot), "stage": snapshot.stage.value, "scopes": snapshot.scope_summaries(),
            "changes": [change.to_dict() for change in snapshot.changes]}


@results_blp.route("/results/<round_id>")
@_public_list(StandingSchema, query=StandingsQuery)
def look_up_results(query, round_id):
    """Public look-up (tra cứu kết quả), no sign-in: the published standings, by scope and rank."""
    return handlers.standings(unit_of_work(), round_id, scope=query.get("scope"), unit_type=query.get("unit_type"),
                              version=query.get("version"))


class UnitFoundSchema(ReportingUnitSchema):
    round_ids = fields.List(fields.Str(), metadata={"description": "rounds with a published result of the unit"})


class SearchQuery(Schema):
    q = fields.Str(required=True, validate=validate.Length(min=1, max=100),
                   metadata={"description": "name or code; diacritics optional: 'duc tho' finds 'Đức Thọ'"})


class PublishedRoundSchema(Schema):
    round_id = fields.Str()
    kind = fields.Str()
    year = fields.Int(allow_none=True)
    stage = fields.Str(metadata={"description": "the newest publication: district | provisional | final | "
                                               "correction"})
    latest_version = fields.Int()
    published_at = Instant()
    feedback_closes_at = Instant(allow_none=True)


@results_blp.route("/published-rounds")
@_public_list(PublishedRoundSchema)
def list_published_rounds():
    """Rounds with published results, newest first."""
    return handlers.published_rounds(unit_of_work())


@results_blp.route("/search")
@_public_list(UnitFoundSchema, query=SearchQuery)
def search_units(query):
    """Search the units with published results by name, with or without diacritics."""
    return handlers.search_units(unit_of_work(), query["q"])


@results_blp.route("/units/<unit_code>/results")
@_public_list(StandingSchema)
def unit_history(unit_code):
    """One unit's published results in every round (the newest version of each), oldest round first."""
    return handlers.unit_history(unit_of_work(), unit_code)


@results_blp.route("/rounds/<round_id>/rankings")
@_public_list(PublishedRankingSchema, query=VersionQuery)
def list_rankings(query, round_id):
    """The round's published rankings: complete or partial (with what is missing), and from which version."""
    return handlers.rankings(unit_of_work(), round_id, query.get("version"))


@results_blp.route("/rounds/<round_id>/rankings/<scope>/export")
@_public_export
def export_ranking(query, round_id, scope):
    """A published ranking as XLSX, CSV (UTF-8 with BOM) or a printable PDF."""
    content = exports.ranking_file(unit_of_work(), round_id, scope, query["format"], query.get("version"))
    return _file(content, query["format"], f"xep-hang-{round_id}-{scope.replace(':', '-')}")


@results_blp.route("/rounds/<round_id>/units/<unit_code>/export")
@_public_export
def export_unit_result(query, round_id, unit_code):
    """One unit's published result (groups, criteria, total, band, ranks) as XLSX, CSV or PDF."""
    content = exports.unit_file(unit_of_work(), round_id, unit_code, query["format"], query.get("version"))
    return _file(content, query["format"], f"ket-qua-{round_id}-{unit_code}")


def _file(content: bytes, file_format: str, name: str) -> Response:
    return Response(content, content_type=exports.FORMATS[file_format],
                    headers={"Content-Disposition": f'attachment; filename="{name}.{file_format}"'})


@results_blp.route("/rounds/<round_id>/snapshots")
@_public_list(SnapshotSchema)
def list_snapshots(round_id):
    """Every published version of the round, oldest first, with what each changed."""
    return handlers.snapshots(unit_of_work(), round_id)


class ReconsiderationAnswerSchema(Schema):
    decision = fields.Str()
    reason = fields.Str()
    by = fields.Str()
    at = Instant()


class ReconsiderationSchema(ReportHeaderSchema):
    class Meta:
        exclude = ("unit_type", "reviewer_kind")  # a request keeps the rest of its report's header

    id = fields.Str()
    report_id = fields.Str()
    criteria = fields.List(fields.Str())
    reason = fields.Str()
    status = fields.Str(metadata={"description": "pending | accepted | rejected"})
    answers = fields.Dict(keys=fields.Str(), values=fields.Nested(ReconsiderationAnswerSchema),
                          metadata={"description": "per criterion: the reviewer's decision and reason"})
    filed_by = fields.Str()
    filed_at = Instant()
    settled_at = Instant(allow_none=True)


class FileReconsiderationRequest(Schema):
    criteria = fields.List(Line(32, min_length=1), required=True, validate=validate.Length(min=1, max=200),
                           metadata={"description": "the criteria (tiêu chí) to reconsider, e.g. ['1.4']"})
    reason = Text(4000, min_length=1, required=True)


class AnswerReconsiderationRequest(Schema):
    criterion = Line(32, min_length=1, required=True)
    decision = fields.Str(required=True, validate=validate.OneOf(["accepted", "rejected"]))
    reason = Text(4000, load_default="", metadata={"description": "required when rejected: shown to the unit"})


@results_blp.route("/rounds/<round_id>/reconsiderations", methods=["POST"])
@requires()
@results_blp.arguments(FileReconsiderationRequest)
@results_blp.response(201, ReconsiderationSchema)
def file_reconsideration(body, round_id):
    """A unit asks, during the feedback window, for criteria of its provisional result to be reconsidered."""
    return handlers.file_reconsideration(unit_of_work(), round_id, g.principal, criteria=body["criteria"],
                                         reason=body["reason"], now=clock())


@results_blp.route("/rounds/<round_id>/reconsiderations")
@requires()
@results_blp.paged_list(ReconsiderationSchema)
def list_reconsiderations(round_id):
    """A unit's own requests with their answers; a reviewer's, those it answers."""
    return handlers.reconsiderations(unit_of_work(), round_id, g.principal)


@results_blp.route("/reconsiderations/<request_id>/answers", methods=["POST"])
@requires()
@results_blp.arguments(AnswerReconsiderationRequest)
@results_blp.response(200, ReconsiderationSchema)
def answer_reconsideration(body, request_id):
    """The reviewer answers one criterion: accepted (reviewed and scored again) or rejected with a reason."""
    return handlers.answer_reconsideration(unit_of_work(), request_id, g.principal, criterion=body["criterion"],
                                           decision=body["decision"], reason=body["reason"], now=clock())


@results_blp.route("/rounds/<round_id>/district-reports")
@requires()
@results_blp.paged_list(DistrictReportSchema)
def list_district_reports(round_id):
    """The districts' reports of their communes' results, one item per district (late if after the due date);
    a district reviewer reads its own district's only."""
    return handlers.district_reports(unit_of_work(), round_id, g.principal, clock())


webhooks_blp = PagedBlueprint("webhooks", __name__, description="Webhook của đối tác (signed webhooks for partners)")


class WebhookSchema(Schema):
    id = fields.Str(dump_only=True)
    url = fields.Url(required=True, schemes={"http", "https"}, require_tld=False)
    event_types = fields.List(fields.Str(), required=True, validate=validate.Length(min=1),
                              metadata={"description": "report.published, round.published (or a pattern: round.*)"})
    description = fields.Str(load_default="", validate=validate.Length(max=500))
    active = fields.Bool(dump_only=True)
    created_by = fields.Str(dump_only=True)
    created_at = Instant(dump_only=True)


class RegisteredWebhookSchema(WebhookSchema):
    secret = fields.Str(dump_only=True, metadata={"description": "shown once: the key of the HMAC-SHA256 "
                                                                 "signature over '<timestamp>.<body>'"})


class DeliverySchema(Schema):
    id = fields.Str()
    webhook_id = fields.Str()
    event_id = fields.Str()
    event_type = fields.Str()
    status = fields.Str(metadata={"description": "pending | delivered | failed"})
    attempts = fields.Int()
    next_attempt_at = Instant(allow_none=True)
    created_at = Instant()
    delivered_at = Instant(allow_none=True)
    log = fields.List(fields.Dict(), metadata={"description": "every attempt: when, HTTP status, error, duration"})


@webhooks_blp.route("/webhooks", methods=["POST"])
@requires()
@webhooks_blp.arguments(WebhookSchema)
@webhooks_blp.response(201, RegisteredWebhookSchema)
def register_webhook(body):
    """An admin registers a partner's endpoint; each matching event is POSTed to it, signed."""
    return webhooks.register(unit_of_work(), g.principal, url=body["url"], event_types=body["event_types"],
                             description=body["description"], now=clock())


@webhooks_blp.route("/webhooks", methods=["GET"])
@requires()
@webhooks_blp.paged_list(WebhookSchema)
def list_webhooks():
    return webhooks.list_webhooks(unit_of_work())


@webhooks_blp.route("/webhooks/<webhook_id>", methods=["DELETE"])
@requires()
@webhooks_blp.response(200, WebhookSchema)
def deactivate_webhook(webhook_id):
    """Stop sending to this endpoint (its delivery log stays readable)."""
    return webhooks.deactivate(unit_of_work(), webhook_id)


@webhooks_blp.route("/webhooks/<webhook_id>/deliveries")
@requires()
@webhooks_blp.paged_list(DeliverySchema)
def list_deliveries(webhook_id):
    """The delivery log: every event sent to the webhook, newest first, with each attempt."""
    return webhooks.deliveries(unit_of_work(), webhook_id)


@webhooks_blp.route("/webhook-deliveries/<delivery_id>/resend", methods=["POST"])
@requires()
@webhooks_blp.response(200, DeliverySchema)
def resend_delivery(delivery_id):
    """Send a delivery again now, with a fresh set of retries."""
    return webhooks.resend(unit_of_work(), delivery_id, g.principal, clock())
