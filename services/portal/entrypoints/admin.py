"""The administrator: rounds, accounts, the unit tree and the criteria sets."""
from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from services.portal.adapters.api_client import ApiError
from services.portal.domain.accounts import AccountError
from services.portal.entrypoints import names, signed_in
from services.portal.entrypoints.forms import (
    ACCOUNT_ERRORS,
    ROLE_LABELS,
    AccountForm,
    AccountsCsvForm,
    EmptyForm,
    ExtensionForm,
    RoundForm,
)
from services.portal.entrypoints.labels import ROUND_STATUS, UNIT_TYPE, round_name
from services.portal.entrypoints.signed_in import requires
from shared.auth import Role

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")

blueprint = Blueprint("admin", __name__, url_prefix="/admin")


@blueprint.route("/rounds", methods=["GET", "POST"])
@requires(Role.ADMIN)
def rounds():
    form = RoundForm(prefix="round")
    if form.validate_on_submit():
        body = {"kind": form.kind.data, "year": form.year.data}
        if form.period_month.data:
            body["period_month"] = int(form.period_month.data)
        created = _sent(form, "POST", "/rounds", body)
        if created is not None:
            flash(_("%(round)s is created.", round=round_name(created, created["id"])))
            return redirect(url_for("admin.rounds"))
    return _rounds_page(form=form)


@blueprint.post("/rounds/<round_id>/extensions")
@requires(Role.ADMIN)
def extension(round_id: str):
    form = ExtensionForm(prefix=f"ext-{round_id}")
    if form.validate_on_submit():
        until = form.until.data.replace(tzinfo=VIETNAM)
        body = {"unit_code": form.unit_code.data.strip(), "until": until.isoformat(), "reason": form.reason.data}
        if _sent(form, "POST", f"/rounds/{round_id}/extensions", body) is not None:
            flash(_("The deadline of %(unit)s is extended.", unit=names.unit_name(body["unit_code"])))
            return redirect(url_for("admin.rounds"))
    return _rounds_page(extension_forms={round_id: form})


@blueprint.post("/rounds/<round_id>/<action>")
@requires(Role.ADMIN)
def round_action(round_id: str, action: str):
    if action not in ("open", "close"):
        abort(404)
    if EmptyForm().validate_on_submit():
        try:
            changed = g.api.send("POST", "submission", f"/rounds/{round_id}/{action}")
        except ApiError as error:
            if error.status not in (400, 409, 422):
                raise
            flash(error.reworded(names.codes_in_words).detail)
        else:
            named = round_name(changed, round_id)
            flash(_("%(round)s is open.", round=named) if action == "open"
                  else _("%(round)s is closed.", round=named))
    return redirect(url_for("admin.rounds"))


def _sent(form, method: str, path: str, body: dict) -> dict | None:
    """The service's answer to the form's change, or None: its refusal goes beside the fields it names (or
    above the form)."""
    try:
        return g.api.send(method, "submission", path, json=body) or {}
    except ApiError as error:
        if error.status not in (400, 404, 409, 422):  # 404: what the form names (a unit) is not there
            raise
        named = {name: message for name, message in error.field_errors(str(get_locale())).items()
                 if name in form._fields}
        for name, message in named.items():
            form[name].errors = [message]
        if not named:
            form.form_errors.append(error.detail)
        return None


def _rounds_page(form=None, extension_forms=None):
    rounds_ = g.api.get_all("submission", "/rounds")
    extension_forms = extension_forms or {}
    forms = {round_["id"]: extension_forms.get(round_["id"]) or ExtensionForm(prefix=f"ext-{round_['id']}",
                                                                               formdata=None)
             for round_ in rounds_}
    form = form or RoundForm(prefix="round", formdata=None)
    failed = form.errors or any(f.errors for f in extension_forms.values())
    return render_template("admin/rounds.html", rounds=rounds_, round_status=ROUND_STATUS, form=form,
                           extension_forms=forms, action_form=EmptyForm()), 400 if failed else 200


@blueprint.route("/accounts", methods=["GET", "POST"])
@requires(Role.ADMIN)
def accounts():
    form = AccountForm(prefix="one")
    created = []
    if form.validate_on_submit():
        try:
            created = [signed_in.accounts().create(form.username.data, form.display_name.data, form.unit_code.data,
                                                   form.role.data)]
        except AccountError as failure:
            getattr(form, failure.field).errors = [ACCOUNT_ERRORS[failure.code]]
    return _accounts_page(form, AccountsCsvForm(prefix="csv"), created)


@blueprint.post("/accounts/csv")
@requires(Role.ADMIN)
def accounts_csv():
    csv_form = AccountsCsvForm(prefix="csv")
    created = []
    if csv_form.validate_on_submit():
        try:
            created = signed_in.accounts().create_from_csv(csv_form.file.data.read().decode("utf-8-sig"))
        except (AccountError, UnicodeDecodeError) as failure:
            code = failure.code if isinstance(failure, AccountError) else "csv_columns"
            csv_form.file.errors = [ACCOUNT_ERRORS[code]]
    return _accounts_page(AccountForm(prefix="one", formdata=None), csv_form, created)


def _accounts_page(form, csv_form, created):
    status = 400 if (form.errors or csv_form.errors) else 200
    return render_template("admin/accounts.html", form=form, csv_form=csv_form, created=created,
                           accounts=signed_in.accounts().list(), role_labels=ROLE_LABELS,
                           action_form=EmptyForm()), status


@blueprint.post("/accounts/<account_id>/<action>")
@requires(Role.ADMIN)
def account_action(account_id: str, action: str):
    if not EmptyForm().validate_on_submit():
        return redirect(url_for("admin.accounts"))
    store = signed_in.accounts()
    if action == "reset":
        account, password = store.reset_password(account_id)
        flash(_("New temporary password for %(user)s: %(password)s", user=account.username, password=password))
    elif action in ("disable", "enable"):
        account = store.set_disabled(account_id, action == "disable")
        flash(_("%(user)s is disabled.", user=account.username) if account.disabled
              else _("%(user)s is enabled again.", user=account.username))
    return redirect(url_for("admin.accounts"))


@blueprint.get("/units")
@requires(Role.ADMIN)
def units():
    on = request.args.get("on") or None
    units = g.api.get_all("submission", "/units", on=on)
    children: dict[str | None, list[dict]] = {}
    for unit in units:
        children.setdefault(unit.get("parent_code"), []).append(unit)
    codes = {unit["code"] for unit in units}
    roots = [unit for unit in units if unit.get("parent_code") not in codes]
    return render_template("admin/units.html", roots=roots, children=children, unit_types=UNIT_TYPE, on=on)


@blueprint.get("/catalogs")
@requires(Role.ADMIN)
def catalogs():
    return render_template("admin/catalogs.html", catalogs=g.api.get_all("scoring", "/catalogs"))
