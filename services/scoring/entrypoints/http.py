"""HTTP routes of the scoring service: explain a score, re-score a round."""
from __future__ import annotations

from flask import g
from flask_smorest import Blueprint
from marshmallow import Schema, ValidationError, fields

from services.scoring.service_layer import handlers
from shared.auth import requires
from shared.criteria import available_versions
from shared.domain.errors import Bilingual, FieldError
from shared.http import clock, unit_of_work
from shared.http_fields import Instant, Line, Text
from shared.http_report_header import ReportHeaderSchema

RESCORE_REASON_MAX = 240
scores_blp = Blueprint("scores", __name__, description="Điểm và giải trình điểm (scores and their explanation)")


class ScoreSummarySchema(Schema):
    id = fields.Str()
    catalog_version = fields.Str()
    catalog_fingerprint = fields.Str()
    inputs_hash = fields.Str()
    total = fields.Decimal(as_string=True)
    reason = fields.Str()
    current = fields.Bool()
    scored_at = Instant()


class ScoreExplanationSchema(ReportHeaderSchema):
    report_id = fields.Str()
    score = fields.Nested(ScoreSummarySchema)
    breakdown = fields.Dict(metadata={"description": (
        "total, groups and criteria with numbers as JSON numbers; per criterion: points, `adjusted` (by the "
        "reviewer, with `adjustment_reason`), the rule applied in words (vi/en), and `inputs` [{key, value, "
        "source: {kind: unit | reviewer | system | catalog_default, agency, system, as_of, adjusted, reason, "
        "no_data}}]")})
    history = fields.List(fields.Nested(ScoreSummarySchema))
    input_sources = fields.Dict(metadata={
        "description": "per input field, where the scored value came from: {kind: unit | reviewer | system, adjusted, "
                       "reason, ...} as the review verified it (a reviewer's adjustment carries its reason)"})


def _known_catalog_version(value: str) -> None:
    if value not in available_versions():
        known = ", ".join(available_versions())
        message = Bilingual(f"Không có phiên bản bộ tiêu chí này; các phiên bản: {known}",
                            f"unknown catalog version; known: {known}")
        raise ValidationError([FieldError("one_of", message).to_dict()])


class RescoreSchema(Schema):
    catalog_version = Line(64, required=True, validate=_known_catalog_version)
    # Kept after "re-score: " in a column of 255 characters.
    reason = Text(RESCORE_REASON_MAX, min_length=5, required=True)


class RescoreResultSchema(Schema):
    reports = fields.Int()
    rescored = fields.Int()
    unchanged = fields.Int()


@scores_blp.route("/scores/<report_id>")
@requires()
@scores_blp.response(200, ScoreExplanationSchema)
def explain_score(report_id):
    return handlers.explain_score(unit_of_work(), report_id, g.principal)


@scores_blp.route("/rounds/<round_id>/rescore", methods=["POST"])
@requires()
@scores_blp.arguments(RescoreSchema)
@scores_blp.response(200, RescoreResultSchema)
def rescore(body, round_id):
    return handlers.rescore_round(unit_of_work(), round_id, body["catalog_version"], body["reason"], now=clock())
