"""`GET /admin/dead-letters` on every service: the events its handlers could not process and
that no operator has replayed or discarded yet. A report named here is stuck in this service
until `cqs dlq replay` (after the cause is fixed) or `cqs dlq discard`."""
from __future__ import annotations

from flask import current_app
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from shared.auth import requires
from shared.http_fields import Instant

dead_letters_blp = Blueprint("dead_letters", __name__, url_prefix="/admin",
                             description="Sự kiện không xử lý được (dead letters), cho quản trị viên")


class DeadLetterQuerySchema(Schema):
    subject = fields.Str(validate=validate.Length(max=255),
                         metadata={"description": "only those about this entity, e.g. reports/<id>"})


class DeadLetterSchema(Schema):
    id = fields.Str(metadata={"description": "the id `cqs dlq show|replay|discard` takes"})
    consumer = fields.Str(metadata={"description": "the handler's queue"})
    event_id = fields.Str(allow_none=True)
    event_type = fields.Str(allow_none=True)
    subject = fields.Str(allow_none=True, metadata={"description": "what is stuck, e.g. reports/<id>"})
    error = fields.Str()
    attempts = fields.Int()
    dead_lettered_at = Instant()


class DeadLetterListSchema(Schema):
    items = fields.List(fields.Nested(DeadLetterSchema))


@dead_letters_blp.route("/dead-letters")
@requires()  # who may: the role table (messaging.dead_letters)
@dead_letters_blp.arguments(DeadLetterQuerySchema, location="query")
@dead_letters_blp.response(200, DeadLetterListSchema)
def list_dead_letters(query):
    """Dead letters not yet replayed or discarded, oldest first (at most 500)."""
    log = current_app.extensions["cqs_runtime"].dead_letter_log()
    return {"items": log.unresolved(subject=query.get("subject"))}
