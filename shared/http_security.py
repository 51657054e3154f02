"""HTTP hardening every service app gets: security headers on every response and rate limits
(flask-limiter; memory in embedded mode, Redis in production through CQS_RATE_LIMIT_STORAGE_URL).

Headers: a Content-Security-Policy without inline script (the API's own answers may not be
framed, run script or load anything; HTML pages load only their own origin's files),
`frame-ancestors 'none'` and X-Frame-Options, nosniff, no referrer, HSTS outside the embedded
mode (which runs on plain http://127.0.0.1), and `Cache-Control: no-store` on every answer
to a request that carried credentials. Limits: per client address on every route, a tight
budget of refused tokens (a guessing client is stopped for the whole app), and per account
on evidence uploads; `SIGN_IN_LIMIT` is for the sign-in route.
"""
from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterable, Iterator

from flask import Flask, Response, g, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from shared.authorization import openapi_path
from shared.config import ServiceSettings

API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
PAGE_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
            "connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'")
HSTS = "max-age=31536000; includeSubDomains"
DEFAULT_LIMIT = "300/minute"
REFUSED_TOKEN_LIMIT = "30/minute"
UPLOAD_LIMIT = "120/minute"
SIGN_IN_LIMIT = "10/minute"
UPLOAD_ROUTES = frozenset({"POST /reports/{report_id}/evidence"})


def embedded(settings: ServiceSettings) -> bool:
    return settings.database_url.startswith("sqlite") and settings.broker_url.startswith("memory://")


def limit_storage_uri() -> str:
    return os.environ.get("CQS_RATE_LIMIT_STORAGE_URL", "memory://")


def limits_enabled() -> bool:
    return os.environ.get("CQS_RATE_LIMIT_ENABLED", "1") != "0"


def sign_in_limit() -> str:
    return os.environ.get("CQS_RATE_LIMIT_SIGN_IN", SIGN_IN_LIMIT)


def install_headers(app: Flask, *, strict_transport: bool) -> None:
    """The security headers on every answer (the portal takes these without the services' limits)."""

    @app.after_request
    def _security_headers(response: Response) -> Response:
        headers = response.headers
        html = response.mimetype == "text/html"
        headers.setdefault("Content-Security-Policy", PAGE_CSP if html else API_CSP)
        headers["X-Content-Type-Options"] = "nosniff"
        headers["X-Frame-Options"] = "DENY"
        headers["Referrer-Policy"] = "no-referrer"
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
        headers["Cross-Origin-Resource-Policy"] = "same-origin"
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()"
        if strict_transport:
            headers["Strict-Transport-Security"] = HSTS
        if "Authorization" in request.headers or g.get("principal") is not None:
            headers["Cache-Control"] = "no-store"
            headers["Pragma"] = "no-cache"
        return response


def install(app: Flask, settings: ServiceSettings) -> Limiter:
    """Headers and limits; call before the authorization hook so that a flood is refused first."""
    install_headers(app, strict_transport=not embedded(settings))
    limiter = Limiter(
        get_remote_address,
        app=app,
        storage_uri=limit_storage_uri(),
        key_prefix=f"{settings.namespace}:{settings.service}",
        default_limits=[os.environ.get("CQS_RATE_LIMIT_DEFAULT", DEFAULT_LIMIT)],
        application_limits=[os.environ.get("CQS_RATE_LIMIT_REFUSED_TOKENS", REFUSED_TOKEN_LIMIT)],
        application_limits_deduct_when=lambda response: response.status_code == 401,
        # No X-RateLimit-* on every answer: reading the counters' windows for them cost the store (Redis
        # in production) two more round trips a request, as many as the request's own database work.
        headers_enabled=False,
        enabled=limits_enabled(),
    )

    @app.after_request
    def _retry_after(response: Response) -> Response:
        """A refusal for too many requests says when to come back (RFC 6585), from the breached limit."""
        breached = limiter.current_limit if response.status_code == 429 else None
        if breached is not None and "Retry-After" not in response.headers:
            response.headers["Retry-After"] = str(max(1, breached.reset_at - int(time.time())))
        return response

    app.extensions["cqs_limiter"] = limiter
    return limiter


def limit_routes(app: Flask) -> None:
    """Per-account limits on the routes that cost most (uploads), once the blueprints are registered."""
    limiter: Limiter = app.extensions["cqs_limiter"]
    upload_limit = os.environ.get("CQS_RATE_LIMIT_UPLOADS", UPLOAD_LIMIT)
    for rule in app.url_map.iter_rules():
        for method in rule.methods or ():
            if f"{method} {openapi_path(rule.rule)}" in UPLOAD_ROUTES:
                # The limiter checks a decorated limit when the view runs: the view is replaced by its wrapper.
                limited = limiter.limit(upload_limit, key_func=_account_or_address, override_defaults=False)
                app.view_functions[rule.endpoint] = limited(app.view_functions[rule.endpoint])


@contextlib.contextmanager
def limits_lifted(apps: Iterable[Flask]) -> Iterator[None]:
    """The apps' rate limits off meanwhile, for work done in process before they serve anyone (the embedded
    demo's replay of a past round): it must neither be throttled like a client nor use up 127.0.0.1's budget."""
    limiters = [app.extensions["cqs_limiter"] for app in apps]
    enabled = [limiter.enabled for limiter in limiters]
    for limiter in limiters:
        limiter.enabled = False
    try:
        yield
    finally:
        for limiter, was in zip(limiters, enabled, strict=True):
            limiter.enabled = was


def _account_or_address() -> str:
    principal = g.get("principal")
    return f"account:{principal.user}" if principal is not None else get_remote_address()
