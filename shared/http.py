"""What every service's Flask app has: the bounds checked on every request (`http_input`), the
one renderer of errors as RFC 9457 problems, OpenAPI via flask-smorest (with a page to read
it), `GET /health` (liveness) and `GET /ready` (the database is reachable)."""
from __future__ import annotations

import datetime as dt
import http
import logging
from typing import Any

from flask import Flask, Response, current_app, request
from flask_smorest import Api
from flask_smorest.utils import prepare_response
from marshmallow import INCLUDE, Schema, fields
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from shared import audit_http, authorization, http_docs, http_messages, http_security
from shared.auth import PublicKeys, VerifiedTokens
from shared.config import ServiceSettings
from shared.dead_letters_http import dead_letters_blp
from shared.domain.errors import (
    PROBLEM_TYPE_BASE,
    Bilingual,
    ConcurrentChange,
    DomainError,
    FieldError,
    InvalidInput,
    Kind,
)
from shared.health import readiness
from shared.http_input import FORBIDDEN_CHARACTERS, check_request, shown
from shared.observability import web as web_observability

log = logging.getLogger(__name__)

PROBLEM_CONTENT_TYPE = "application/problem+json"
STATUS_OF_KIND = {
    Kind.BAD_REQUEST: 400, Kind.UNAUTHENTICATED: 401, Kind.FORBIDDEN: 403, Kind.NOT_FOUND: 404,
    Kind.CONFLICT: 409, Kind.TOO_LARGE: 413, Kind.UNSUPPORTED_MEDIA_TYPE: 415, Kind.INVALID: 422,
    Kind.INTERNAL: 500, Kind.UNAVAILABLE: 503,
}
MAX_MESSAGE = 500  # characters of one message in a problem body
MAX_FIELDS_SHOWN = 200  # every gap of a whole report, yet a bounded body


class FieldErrorSchema(Schema):
    rule = fields.Str(metadata={"description": "stable name of the rule broken (required, max_length, …)"})
    message_vi = fields.Str()
    message_en = fields.Str()


class ProblemSchema(Schema):
    """RFC 9457 problem details, Vietnamese first with English alongside; a problem may carry
    more members that help act on it (e.g. `current_version`)."""

    class Meta:
        unknown = INCLUDE  # documented as additionalProperties: the members a problem adds

    type = fields.Str(metadata={"format": "uri", "description": "the kind of problem"})
    title = fields.Str(metadata={"description": "the kind of problem in words (Vietnamese)"})
    title_en = fields.Str()
    status = fields.Int()
    detail = fields.Str(metadata={"description": "what happened this time (Vietnamese)"})
    detail_en = fields.Str()
    errors = fields.Dict(keys=fields.Str(), values=fields.List(fields.Nested(FieldErrorSchema)),
                         metadata={"description": "per field (dotted path, e.g. `answers.x`): what is wrong"})


class ProblemApi(Api):
    """flask-smorest, documenting every error response as a problem body."""

    ERROR_SCHEMA = ProblemSchema

    def _register_responses(self):
        for status in http.HTTPStatus:
            response: dict[str, Any] = {"description": status.phrase}
            if not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM_CONTENT_TYPE)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "lỗi (RFC 9457 problem)", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, PROBLEM_CONTENT_TYPE)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)

    def handle_http_exception(self, error: HTTPException):
        return render_http_exception(error)


def problem_response(status: int, slug_or_uri: str, title: Bilingual, detail: Bilingual, *,
                     errors: dict[str, list[FieldError]] | None = None, data: dict[str, Any] | None = None,
                     headers: dict[str, str] | None = None) -> Response:
    """The one place a problem body is made: bounded in size whatever the input was."""
    body: dict[str, Any] = {**(data or {})}
    body.update({
        "type": slug_or_uri if "://" in slug_or_uri else PROBLEM_TYPE_BASE + slug_or_uri,
        "title": title.vi, "title_en": title.en, "status": status,
        "detail": _cut(detail.vi), "detail_en": _cut(detail.en),
    })
    if errors:
        body["errors"] = {shown(field): [{"rule": item.rule, "message_vi": _cut(item.message.vi),
                                          "message_en": _cut(item.message.en)} for item in items[:5]]
                          for field, items in list(errors.items())[:MAX_FIELDS_SHOWN]}
    response = current_app.response_class(current_app.json.dumps(body), status=status,
                                          mimetype=PROBLEM_CONTENT_TYPE)
    response.headers.update(headers or {})
    return response


def render_domain_error(error: DomainError) -> Response:
    headers = {"Retry-After": str(error.retry_after_s)} if error.retry_after_s else None
    return problem_response(STATUS_OF_KIND[error.kind], error.type_uri, error.title, error.message,
                            errors=error.errors, data=error.data, headers=headers)


def render_http_exception(error: HTTPException) -> Response:
    """Werkzeug's errors (404, 405, 413 …) and webargs' validation errors, as problems."""
    code = error.code or 500
    messages = (getattr(error, "data", None) or {}).get("messages")
    if messages is not None:
        errors = http_messages.field_errors(messages)
        listed = ", ".join(list(errors)[:5]) + (", …" if len(errors) > 5 else "")
        return problem_response(422 if code == 400 else code, InvalidInput.slug, InvalidInput.title,
                                Bilingual(f"Dữ liệu không hợp lệ ở: {listed}", f"invalid input in: {listed}"),
                                errors=errors)
    slug, title, detail = http_messages.for_status(error, request)
    passed_on = {key: value for key, value in error.get_headers() if key.lower() in ("allow", "retry-after")}
    return problem_response(code, slug, title, detail, headers=passed_on)


def render_stale_data(_error: StaleDataError) -> Response:
    """A version-counter failure outside a unit of work's commit (which translates its own)."""
    return render_domain_error(ConcurrentChange())


def render_unexpected(error: Exception) -> Response:
    if isinstance(error, HTTPException):
        return render_http_exception(error)
    log.exception("unhandled error")
    return problem_response(500, "internal-error", Kind.INTERNAL.title, Bilingual(
        "Máy chủ gặp lỗi khi xử lý yêu cầu; lỗi đã được ghi lại, hãy thử lại sau",
        "the server failed to handle the request; the error was logged, try again later"))


def create_service_app(runtime, *, title: str, blueprints: list) -> Flask:
    """The service's Flask app on its `ServiceRuntime`: routes, OpenAPI, errors, health and readiness."""
    settings: ServiceSettings = runtime.settings
    app = Flask(settings.service)
    app.config.update(
        API_TITLE=title,
        API_VERSION="1.0",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/",
        OPENAPI_JSON_PATH="openapi.json",
        MAX_CONTENT_LENGTH=25 * 1024 * 1024,
    )
    app.json.ensure_ascii = False
    app.extensions["cqs_runtime"] = runtime
    app.extensions["cqs_tokens"] = VerifiedTokens(PublicKeys(settings.jwks_url))
    api = ProblemApi(app, spec_kwargs=http_docs.spec_kwargs())
    # First, so that every request is traced and timed, refused ones included.
    web_observability.instrument(app, runtime)
    http_security.install(app, settings)  # before authorization: a flood is refused before any token is read
    authorization.install(app, settings.service)
    audit_http.install(app)  # refusals and audited writes to the security log
    app.before_request(lambda: check_request(request))
    app.register_error_handler(DomainError, render_domain_error)
    app.register_error_handler(StaleDataError, render_stale_data)
    app.register_error_handler(Exception, render_unexpected)

    @app.get("/health")
    def health():
        return {"status": "ok", "service": settings.service}

    @app.get("/ready")
    def ready():
        """A web process is ready when its database answers: events wait in the outbox while the
        broker is away, so the broker is the worker's concern, not the web's."""
        return readiness({"database": runtime.ping_database})

    for blueprint in [*blueprints, dead_letters_blp]:
        api.register_blueprint(blueprint)
    http_security.limit_routes(app)
    http_docs.register(app)
    return app


def unit_of_work():
    """A fresh unit of work of the service handling the current request."""
    return current_app.extensions["cqs_runtime"].uow_factory()


def clock() -> dt.datetime:
    """What time it is for the service handling the current request (its runtime's clock)."""
    return current_app.extensions["cqs_runtime"].clock()


def _cut(text: str) -> str:
    """A message as sent: bounded, and without characters that cannot be shown (a refused value
    may be quoted in it)."""
    text = FORBIDDEN_CHARACTERS.sub("\ufffd", text)
    return text if len(text) <= MAX_MESSAGE else text[:MAX_MESSAGE] + "…"
