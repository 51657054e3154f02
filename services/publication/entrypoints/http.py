"""HTTP routes of the publication service: publish a round; anyone may look the results up."""
from __future__ import annotations

from flask import g
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from services.publication.service_layer import handlers
from shared.auth import Role, requires
from shared.http import unit_of_work

results_blp = Blueprint("results", __name__, description="Công bố và tra cứu kết quả (publication and look-up)")


class PublishedResultSchema(Schema):
    report_id = fields.Str()
    round_id = fields.Str()
    unit_code = fields.Str()
    unit_name_vi = fields.Str()
    unit_type = fields.Str()
    total = fields.Decimal(as_string=True, attribute="published_total")
    classification = fields.Dict(attribute="published_classification")
    rank = fields.Int(allow_none=True, attribute="published_rank")
    ranking_scope = fields.Str()
    catalog_version = fields.Str(attribute="published_catalog_version")
    published_at = fields.DateTime()


class DistrictReportSchema(Schema):
    district = fields.Str()
    status = fields.Str(metadata={"description": "reported | pending"})
    communes_published = fields.Int()
    reported_at = fields.Str(allow_none=True)
    due = fields.Str(allow_none=True)
    late = fields.Bool()


class ResultsQuery(Schema):
    unit_type = fields.Str()


@results_blp.route("/rounds/<round_id>/publish", methods=["POST"])
@requires(Role.ADMIN, Role.DEPARTMENT_REVIEWER, Role.DISTRICT_REVIEWER)
@results_blp.response(200, PublishedResultSchema(many=True))
def publish_round(round_id):
    return handlers.publish(unit_of_work(), round_id, g.principal)


@results_blp.route("/results/<round_id>")
@results_blp.arguments(ResultsQuery, location="query")
@results_blp.response(200, PublishedResultSchema(many=True))
@results_blp.doc(security=[])
def look_up_results(query, round_id):
    """Public look-up (tra cứu kết quả): no sign-in needed."""
    return handlers.published_results(unit_of_work(), round_id, query.get("unit_type"))


@results_blp.route("/rounds/<round_id>/district-reports")
@requires(Role.ADMIN, Role.DEPARTMENT_REVIEWER)
@results_blp.response(200, DistrictReportSchema(many=True))
def list_district_reports(round_id):
    """The districts' reports of their communes' results, one item per district (late if after the due date)."""
    return handlers.district_reports(unit_of_work(), round_id)
