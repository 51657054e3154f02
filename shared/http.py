"""What every service's Flask app has: problem-details errors, OpenAPI via flask-smorest,
`GET /health` (liveness) and `GET /ready` (database and broker reachable)."""
from __future__ import annotations

import datetime as dt
import logging
from typing import Any, Callable

from flask import Flask, current_app, jsonify
from flask_smorest import Api
from kombu import Connection
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from shared import authorization
from shared.config import ServiceSettings
from shared.domain.lifecycle import IllegalTransition
from shared.http_problems import PROBLEM_CONTENT_TYPE, Problem

log = logging.getLogger(__name__)


def _problem_response(problem: Problem):
    response = jsonify(problem.to_dict())
    response.status_code = problem.status
    response.content_type = PROBLEM_CONTENT_TYPE
    return response


class ProblemApi(Api):
    """flask-smorest, with every HTTP error (including request validation) as RFC 9457 JSON."""

    def handle_http_exception(self, error: HTTPException):
        data = getattr(error, "data", None) or {}
        messages = data.get("messages")
        if messages:
            # webargs nests errors by location ("json", "query"); the field names are what a client needs.
            errors = {field: msgs for location in messages.values() for field, msgs in location.items()}
            detail = "; ".join(f"{field}: {' '.join(map(str, _flatten(msgs)))}" for field, msgs in errors.items())
            return _problem_response(Problem(error.code, "Invalid request", detail, errors=errors))
        return _problem_response(Problem(error.code or 500, error.name, error.description or error.name))


def _flatten(messages) -> list:
    if isinstance(messages, dict):
        return [f"{key}: {' '.join(map(str, _flatten(value)))}" for key, value in messages.items()]
    if isinstance(messages, list):
        return [item for message in messages for item in _flatten(message)]
    return [messages]


def register_problem(app: Flask, exception: type[Exception], status: int, title: str,
                     extra: Callable[[Any], dict[str, Any]] | None = None) -> None:
    """Answer a domain exception with a problem body carrying its message, and the members
    `extra(error)` returns (e.g. the message in both languages)."""
    app.register_error_handler(exception, lambda error: _problem_response(
        Problem(status, title, str(error), extra=extra(error) if extra else None)))


def create_service_app(runtime, *, title: str, blueprints: list, problems: tuple = ()) -> Flask:
    """The service's Flask app on its `ServiceRuntime`: routes, OpenAPI, errors, health and readiness.
    `problems` lists (exception class, HTTP status, title[, extra]) for the service's domain errors."""
    settings: ServiceSettings = runtime.settings
    app = Flask(settings.service)
    app.config.update(
        API_TITLE=title,
        API_VERSION="1.0",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/",
        OPENAPI_JSON_PATH="openapi.json",
        JWT_SECRET=settings.jwt_secret,
        MAX_CONTENT_LENGTH=25 * 1024 * 1024,
    )
    app.json.ensure_ascii = False
    app.extensions["cqs_runtime"] = runtime
    api = ProblemApi(app, spec_kwargs={
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}}},
        "security": [{"bearer": []}],
    })
    app.register_error_handler(Problem, _problem_response)
    authorization.install(app, settings.service)
    register_problem(app, IllegalTransition, 409, "Illegal state transition")
    app.register_error_handler(StaleDataError, lambda _error: _problem_response(Problem(
        409, "Conflict", "someone else changed this record at the same time; reload it and try again")))
    for exception, status, problem_title, *extra in problems:
        register_problem(app, exception, status, problem_title, *extra)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        if isinstance(error, HTTPException):
            return api.handle_http_exception(error)
        log.exception("unhandled error")
        return _problem_response(Problem(500, "Internal error", "the server failed to handle the request"))

    @app.get("/health")
    def health():
        return {"status": "ok", "service": settings.service}

    @app.get("/ready")
    def ready():
        checks = {"database": _check(runtime.ping_database),
                  "broker": _check(lambda: _ping_broker(settings.broker_url))}
        ok = all(value == "ok" for value in checks.values())
        return {"status": "ready" if ok else "unavailable", "checks": checks}, (200 if ok else 503)

    for blueprint in blueprints:
        api.register_blueprint(blueprint)
    return app


def unit_of_work():
    """A fresh unit of work of the service handling the current request."""
    return current_app.extensions["cqs_runtime"].uow_factory()


def clock() -> dt.datetime:
    """What time it is for the service handling the current request (its runtime's clock)."""
    return current_app.extensions["cqs_runtime"].clock()


def _check(probe: Callable[[], None]) -> str:
    try:
        probe()
        return "ok"
    except Exception as exc:  # readiness reports the failure instead of raising it
        return f"unavailable: {exc.__class__.__name__}"


def _ping_broker(url: str) -> None:
    with Connection(url, connect_timeout=2) as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
