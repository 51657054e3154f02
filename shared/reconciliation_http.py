"""The admin routes `cqs reconcile` uses, the same in every service: what the service holds of
each report of a round (paged by report id), and re-publishing a report's events from its outbox."""
from __future__ import annotations

import json
from collections.abc import Callable

import sqlalchemy as sa
from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy.orm import Session

from shared.http_fields import Line

MAX_PAGE = 1000
MAX_SUBJECTS = 5000
# What a service holds of one report: at least its id; the others as the service knows them.
ReportsView = Callable[[Session, str, str, int], list[dict]]


class ReportsQuerySchema(Schema):
    after = Line(64, load_default="", metadata={"description": "the last report id of the previous page"})
    limit = fields.Int(load_default=MAX_PAGE, validate=validate.Range(min=1, max=MAX_PAGE))


class ReportStateSchema(Schema):
    report_id = fields.Str()
    unit_code = fields.Str()
    status = fields.Str()
    revision = fields.Int()
    version = fields.Int()
    score_id = fields.Str(allow_none=True)


class ReportsPageSchema(Schema):
    round_id = fields.Str()
    items = fields.List(fields.Nested(ReportStateSchema))
    next_after = fields.Str(allow_none=True, metadata={"description": "pass as `after` for the next page; "
                                                                       "null on the last page"})


class RepublishSchema(Schema):
    subjects = fields.List(Line(128, validate=validate.Regexp(r"^reports/[^/]+$")), required=True,
                           validate=validate.Length(min=1, max=MAX_SUBJECTS),
                           metadata={"description": "CloudEvents subjects, `reports/<report id>`"})


class RepublishResultSchema(Schema):
    republished = fields.Int(metadata={"description": "outbox rows handed back to the relay"})


def reconciliation_blueprint(reports_view: ReportsView) -> Blueprint:
    blueprint = Blueprint("reconciliation", __name__, url_prefix="/admin",
                          description="Đối soát giữa các dịch vụ (reconciliation across the services; admin)")

    @blueprint.route("/rounds/<round_id>/reports")
    class RoundReports(MethodView):
        @blueprint.arguments(ReportsQuerySchema, location="query")
        @blueprint.response(200, ReportsPageSchema)
        def get(self, query, round_id):
            """What this service holds of each report of the round, by report id"""
            runtime = current_app.extensions["cqs_runtime"]
            with runtime.session_factory() as session:
                items = reports_view(session, round_id, query["after"], query["limit"])
            full = len(items) == query["limit"]
            return {"round_id": round_id, "items": items, "next_after": items[-1]["report_id"] if full else None}

    @blueprint.route("/outbox/republish")
    class Republish(MethodView):
        @blueprint.arguments(RepublishSchema)
        @blueprint.response(200, RepublishResultSchema)
        def post(self, body):
            """Hand the already published events about these reports back to the relay, in their order"""
            runtime = current_app.extensions["cqs_runtime"]
            return {"republished": republish(runtime.engine, runtime.outbox, set(body["subjects"]))}

    return blueprint


def republish(engine: sa.Engine, outbox: sa.Table, subjects: set[str]) -> int:
    """Mark the published outbox rows about `subjects` unpublished: the relay sends them again, in id order."""
    with engine.begin() as connection:
        rows = connection.execute(sa.select(outbox.c.id, outbox.c.body).where(
            outbox.c.published_at.is_not(None), outbox.c.routing_key.like("report.%"))).all()
        ids = [row.id for row in rows if json.loads(row.body).get("subject") in subjects]
        for start in range(0, len(ids), 1000):
            connection.execute(outbox.update().where(outbox.c.id.in_(ids[start:start + 1000]))
                               .values(published_at=None, retry_at=None))
    return len(ids)
