"""Wires the portal: its accounts database, sign-in sessions, translations, and the pages."""
from __future__ import annotations

import os
from pathlib import Path

from flask import Flask, g, request, session
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFProtect

from services.portal import settings as portal_settings
from services.portal.adapters import orm
from services.portal.adapters.repository import AccountsUnitOfWork
from services.portal.entrypoints import (
    admin,
    auth,
    errors,
    health,
    home,
    labels,
    names,
    public,
    report_form,
    reports,
    review,
    signed_in,
)
from services.portal.service_layer.accounts import Accounts
from shared import config, db, http_security
from shared.clock import utc_now

MIGRATIONS = Path(__file__).parent / "adapters" / "migrations"
LANGUAGES = ("vi", "en")


def accounts_for(database_url: str | None = None) -> Accounts:
    orm.start_mappers()
    sessions = db.make_session_factory(engine_for(database_url))
    return Accounts(uow=lambda: AccountsUnitOfWork(sessions), clock=utc_now)


def engine_for(database_url: str | None = None):
    """Through PgBouncer when `CQS_DATABASE_POOLER` says so, like the services' processes."""
    return db.make_engine(database_url or config.database_url(portal_settings.SERVICE), portal_settings.SERVICE,
                          config.database_pooler())


def migrate(database_url: str | None = None):
    """The portal's schema (accounts, security log) at the newest migration; idempotent. Answers its engine."""
    engine = engine_for(database_url)
    db.upgrade(engine, MIGRATIONS, portal_settings.SERVICE)
    return engine


def _locale() -> str:
    chosen = request.cookies.get("lang")
    return chosen if chosen in LANGUAGES else "vi"


def _form_error_list(form) -> list[tuple[str, str]]:
    """(field id, first message) for the error summary, in the form's field order."""
    return [(field.id, field.errors[0]) for field in form if field.errors and field.type != "CSRFTokenField"]


def _limit_sign_in(app: Flask) -> None:
    """Password guessing from one address is slowed before the lock-out (per account) is reached; the limits
    are kept where the services keep theirs (Redis in production), under the portal's own prefix."""
    limiter = Limiter(get_remote_address, app=app, storage_uri=http_security.limit_storage_uri(),
                      key_prefix=f"{os.environ.get('CQS_NAMESPACE', 'cqs')}:{portal_settings.SERVICE}",
                      headers_enabled=True, enabled=http_security.limits_enabled())
    app.extensions["portal_limiter"] = limiter  # the wrapped view holds it only weakly
    # Wrapping the registered view: the limiter checks a decorated limit when the view runs.
    limited = limiter.limit(http_security.sign_in_limit, methods=["POST"])
    app.view_functions["auth.sign_in"] = limited(app.view_functions["auth.sign_in"])


def create_app(settings: portal_settings.PortalSettings | None = None, accounts: Accounts | None = None) -> Flask:
    settings = settings or portal_settings.load()
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=settings.secret_key,
        SESSION_COOKIE_NAME="cqs_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=settings.absolute_timeout,
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session that holds it
        BABEL_DEFAULT_LOCALE="vi",
        BABEL_TRANSLATION_DIRECTORIES=str(Path(__file__).parent / "translations"),
        MAX_CONTENT_LENGTH=25 * 1024 * 1024,
    )
    app.extensions["portal_settings"] = settings
    app.extensions["portal_accounts"] = accounts or accounts_for(settings.database_url)
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.globals.update(form_error_list=_form_error_list, unit_name=names.unit_name,
                                 round_name=names.round_name, answer=report_form.answer)
    app.jinja_env.filters.update(unit_name=names.unit_name, round_name=names.round_name, day=labels.day,
                                 number=labels.number)
    CSRFProtect(app)
    Babel(app, locale_selector=_locale)

    @app.context_processor
    def _globals():
        return {"account": g.get("account"), "lang": _locale(), "languages": LANGUAGES,
                "session_ends": session.get("seen_at")}

    # The services' headers (CSP without inline script, nosniff, frame-ancestors 'none'); HSTS when served over
    # HTTPS, i.e. outside the embedded mode, as the cookies are Secure then.
    http_security.install_headers(app, strict_transport=settings.secure_cookies)

    @app.after_request
    def _no_store(response):
        # Pages show one person's data: never kept by a shared cache or the browser's back button.
        if response.mimetype == "text/html":
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    errors.install(app)
    signed_in.install(app)
    for blueprint in (health.blueprint, auth.blueprint, home.blueprint, reports.blueprint, review.blueprint,
                      admin.blueprint, public.blueprint):
        app.register_blueprint(blueprint)
    _limit_sign_in(app)
    return app
