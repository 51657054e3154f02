"""The administrator: rounds, accounts, the unit tree and the criteria sets."""
from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from services.portal.domain.accounts import AccountError
from services.portal.entrypoints import signed_in
from services.portal.entrypoints.forms import ACCOUNT_ERRORS, ROLE_LABELS, AccountForm, AccountsCsvForm, EmptyForm
from services.portal.entrypoints.labels import ROUND_STATUS, UNIT_TYPE
from services.portal.entrypoints.signed_in import requires
from shared.auth import Role

blueprint = Blueprint("admin", __name__, url_prefix="/admin")


@blueprint.get("/rounds")
@requires(Role.ADMIN)
def rounds():
    rounds_ = g.api.get_all("submission", "/rounds")
    return render_template("admin/rounds.html", rounds=rounds_, round_status=ROUND_STATUS)


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
