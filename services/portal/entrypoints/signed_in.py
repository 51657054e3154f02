"""Who is signed in: the session cookie names an account and the epoch of its password; every
request checks the account is still enabled, the epoch unchanged and the time-outs not passed."""
from __future__ import annotations

import datetime as dt
import functools

from flask import Flask, abort, current_app, g, redirect, request, session, url_for

from services.portal.adapters.api_client import ApiClient
from services.portal.domain.accounts import Account
from shared.auth import Role, issue_token
from shared.clock import utc_now

# Pages a person who must change the password may still open.
OPEN_ENDPOINTS = {"auth.sign_in", "auth.sign_out", "auth.change_password", "auth.language", "auth.jwks_document",
                  "health.alive", "health.ready", "static"}


def settings():
    return current_app.extensions["portal_settings"]


def accounts():
    return current_app.extensions["portal_accounts"]


def begin(account: Account) -> None:
    session.clear()
    session.permanent = True
    now = utc_now().timestamp()
    session.update(account_id=account.id, epoch=account.session_epoch, signed_in_at=now, seen_at=now)


def end() -> None:
    session.clear()


def _load() -> None:
    g.account = None
    account_id = session.get("account_id")
    if not account_id:
        return
    now = utc_now()
    config = settings()
    signed_in_at = dt.datetime.fromtimestamp(session.get("signed_in_at", 0), dt.timezone.utc)
    seen_at = dt.datetime.fromtimestamp(session.get("seen_at", 0), dt.timezone.utc)
    account = accounts().get(account_id)
    if (account is None or account.disabled or account.session_epoch != session.get("epoch")
            or now - seen_at > config.idle_timeout or now - signed_in_at > config.absolute_timeout):
        session.clear()
        g.session_ended = True
        return
    session["seen_at"] = now.timestamp()
    g.account = account
    g.api = ApiClient(config.api_urls, token=lambda: issue_token(
        config.signing_key, account.id, account.role, account.unit_code, ttl=config.token_lifetime))


def install(app: Flask) -> None:
    @app.before_request
    def _session_gate():
        _load()
        if request.endpoint in OPEN_ENDPOINTS or (request.blueprint == "public"):
            return None
        if g.account is None:
            return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?"),
                                    ended=1 if g.get("session_ended") else None))
        if g.account.must_change_password:
            return redirect(url_for("auth.change_password"))
        return None


def requires(*roles: Role):
    """Page decorator: the signed-in account has one of `roles`."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            if g.account is None:
                return redirect(url_for("auth.sign_in"))
            if roles and g.account.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapper

    return decorator
