"""Sign in, sign out, change the password, choose the language; the JWKS the services verify tokens with."""
from __future__ import annotations

from urllib.parse import urlparse

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from services.portal.domain.accounts import AccountError
from services.portal.entrypoints import signed_in
from services.portal.entrypoints.forms import ACCOUNT_ERRORS, ChangePasswordForm, SignInForm
from shared.signing import jwks

blueprint = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never an open redirect."""
    if target and target.startswith("/") and not target.startswith("//") and not urlparse(target).netloc:
        return target
    return url_for("home.index")


@blueprint.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    form = SignInForm()
    error = None
    if form.validate_on_submit():
        try:
            account = signed_in.accounts().authenticate(form.username.data, form.password.data,
                                                               request.remote_addr or "")
        except AccountError as failure:
            error = ACCOUNT_ERRORS[failure.code]
            form.password.errors = [error]
        else:
            signed_in.begin(account)
            if account.must_change_password:
                return redirect(url_for("auth.change_password"))
            return redirect(_safe_next(request.args.get("next")))
    status = 401 if error else (400 if form.errors else 200)
    return render_template("auth/sign_in.html", form=form, ended=request.args.get("ended")), status


@blueprint.post("/sign-out")
def sign_out():
    signed_in.end()
    flash(_("You have signed out."))
    return redirect(url_for("auth.sign_in"))


@blueprint.route("/change-password", methods=["GET", "POST"])
def change_password():
    if g.account is None:
        return redirect(url_for("auth.sign_in", ended=1 if g.get("session_ended") else None))
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if form.new_password.data != form.confirm_password.data:
            form.confirm_password.errors = [ACCOUNT_ERRORS["password_mismatch"]]
        else:
            try:
                account = signed_in.accounts().change_password(g.account.id, form.current_password.data,
                                                               form.new_password.data)
            except AccountError as failure:
                getattr(form, failure.field).errors = [ACCOUNT_ERRORS[failure.code]]
            else:
                signed_in.begin(account)  # the old epoch ended every session; this one goes on
                flash(_("Your password has been changed."))
                return redirect(url_for("home.index"))
    return render_template("auth/change_password.html", form=form), 400 if form.errors else 200


@blueprint.get("/language/<code>")
def language(code: str):
    response = redirect(_safe_next(request.args.get("next")))
    if code in ("vi", "en"):
        response.set_cookie("lang", code, max_age=365 * 24 * 3600, samesite="Lax",
                            secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


@blueprint.get("/.well-known/jwks.json")
def jwks_document():
    response = current_app.json.response(jwks(signed_in.settings().signing_key))
    response.headers["Cache-Control"] = "public, max-age=300"
    return response
