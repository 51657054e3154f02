"""The reviewer's queue and cases; the district's communes board."""
from __future__ import annotations

import logging

import requests
from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from services.portal.adapters.api_client import ApiError
from services.portal.domain.numbers import AmbiguousNumber
from services.portal.entrypoints import district_board, names
from services.portal.entrypoints.forms import EmptyForm
from services.portal.entrypoints.labels import (
    UNIT_TYPE,
    in_words,
    input_labels,
    input_specs,
    round_title,
    status_label,
)
from services.portal.entrypoints.report_form import parse_value, read_round, read_two_ways, shown
from services.portal.entrypoints.reports import field_errors
from services.portal.entrypoints.signed_in import requires
from shared.auth import REVIEWER_ROLES, Role
from shared.clock import utc_now

# Not /review: that prefix is the review API's on the same origin.
blueprint = Blueprint("review", __name__, url_prefix="/reviewer")
log = logging.getLogger(__name__)
PAGE_SIZE = 25


@blueprint.get("")
@requires(*REVIEWER_ROLES)
def queue():
    filters = {name: request.args.get(name, "").strip() for name in ("round_id", "status", "unit_type", "min_age_days")}
    page = max(1, request.args.get("page", 1, type=int))
    body = g.api.get("review", "/queue", **filters, page=page, page_size=PAGE_SIZE)  # the API pages the items
    listed = body["counts"].get(filters["status"], 0) if filters["status"] else body["total"]
    pages = max(1, -(-listed // PAGE_SIZE))
    return render_template("review/queue.html", queue=body, items=body["items"], page=page, pages=pages,
                           filters=filters, status_label=status_label, unit_types=UNIT_TYPE,
                           rounds=names.rounds())


@blueprint.get("/district")
@requires(Role.DISTRICT_REVIEWER)
def district():
    # A district reviews communes only in the rounds of the three-tier model: those with a due date for its report
    # to the province (none since districts were abolished in July 2025).
    rounds = [round_ for round_ in g.api.get_all("submission", "/rounds") if round_.get("commune_results_due")]
    round_id = request.args.get("round_id") or (rounds[0]["id"] if rounds else None)
    round_ = next((round_ for round_ in rounds if round_["id"] == round_id), None)
    if round_id and round_ is None:
        abort(404)
    view = None
    if round_:
        communes = g.api.get_all("submission", "/reports", round_id=round_id)
        view = district_board.board(round_, communes, *_district_report(round_id))
    return render_template("review/district.html", rounds=rounds, round_id=round_id, board=view,
                           standing_label=district_board.STANDING_LABEL, no_report=district_board.NO_REPORT,
                           status_label=status_label, form=EmptyForm())


def _district_report(round_id: str) -> tuple[dict | None, str | None]:
    """The district's report to the province in the round as publication gives it, or None and why there is none
    (a key of district_board.NO_REPORT)."""
    try:
        reports = g.api.get_all("publication", f"/rounds/{round_id}/district-reports")
    except ApiError as failure:
        if failure.status not in district_board.NO_REPORT_BY_STATUS:
            log.warning("district report not read: publication answered %s: %s", failure.status, failure.problem)
        return None, district_board.NO_REPORT_BY_STATUS.get(failure.status, "unread")
    except requests.RequestException as failure:
        log.warning("district report not read: publication not reached: %s", failure)
        return None, "unread"
    return (reports[0], None) if reports else (None, "not_owed")


@blueprint.post("/district/publish")
@requires(Role.DISTRICT_REVIEWER)
def district_publish():
    """Publish the district's communes' scored results: also its report of them to the province."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    round_id = request.form.get("round_id", "")
    try:
        snapshot = g.api.send("POST", "publication", f"/rounds/{round_id}/publish", {})
    except ApiError as failure:
        flash(failure.reworded(names.codes_in_words).detail)
    else:
        count = sum(scope.get("units", 0) for scope in snapshot.get("scopes", []))
        flash(_("%(count)d commune results published and reported to the province.", count=count))
    return redirect(url_for("review.district", round_id=round_id))


def _case_view(report_id: str) -> dict:
    case = g.api.get("review", f"/cases/{report_id}")
    form = g.api.get("scoring", f"/catalogs/{case['catalog_version']}/unit-types/{case['unit_type']}")
    versions = g.api.get("review", f"/cases/{report_id}/versions").get("versions", [])
    return {"case": case, "catalog": form, "changes": versions[-1].get("changes", []) if len(versions) > 1 else [],
            "round_title": round_title(read_round(case["round_id"]), case["round_id"]),
            "labels": input_labels(form, str(get_locale())),
            "inputs": input_specs(form)}


def _render_case(report_id: str, failure: ApiError | None = None, action: str = "",
                 refused: dict[str, str] | None = None):
    """The case; after a refused action, the refusal's messages at the top, naming inputs by their labels, and
    an input's own beside it (values.<key>, as the review API names it; also a number the portal read two ways)."""
    view = _case_view(report_id)
    errors = {f"{action}-values.{key}": message for key, message in (refused or {}).items()}
    if failure is not None:
        failure = failure.reworded(lambda text: in_words(text, view["labels"]))
        errors = {f"{action}-{field}": message for field, message in field_errors(failure).items()}
        if failure.detail not in errors.values():
            errors[action] = failure.detail
    return render_template("review/case.html", **view, errors=errors, action=action,
                           decided=request.form.get("criterion"), status_label=status_label, form=EmptyForm(),
                           shown=shown, today=utc_now().date()), 422 if errors else 200


@blueprint.get("/cases/<report_id>")
@requires(*REVIEWER_ROLES)
def case(report_id: str):
    return _render_case(report_id)


@blueprint.post("/cases/<report_id>/<action>")
@requires(*REVIEWER_ROLES)
def case_action(report_id: str, action: str):
    """Accept / adjust a criterion, ask for evidence, return, verify, approve: each one API call."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    version = request.form.get("expected_version", type=int)
    criterion = request.form.get("criterion", "")
    form = request.form
    values, refused = _reviewer_values()
    if refused:  # a number read two ways: nothing is sent
        return _render_case(report_id, action=action, refused=refused)
    bodies = {
        "accept": lambda: ("decisions", {"criterion": criterion, "decision": "accept", "values": values,
                                         "no_data": _no_data(), "expected_version": version}),
        "adjust": lambda: ("decisions", {"criterion": criterion, "decision": "adjust", "reason": form.get("reason", ""),
                                         "points": form.get("points") or None,
                                         "values": values, "no_data": _no_data(),
                                         "expected_version": version}),
        "request-evidence": lambda: ("evidence-requests", {
            "requests": [{"criterion": form.get("criteria", ""), "message": form.get("message", "").strip()}],
            "due_date": form.get("due_date") or None, "expected_version": version}),
        "return": lambda: ("return", {"comment": form.get("comment", ""), "expected_version": version}),
        "verify": lambda: ("verify", {"expected_version": version}),
        "approve": lambda: ("approve", {"expected_version": version}),
    }
    if action not in bodies:
        abort(404)
    path, body = bodies[action]()
    try:
        g.api.send("POST", "review", f"/cases/{report_id}/{path}", body)
    except ApiError as failure:
        return _render_case(report_id, failure, action)
    flash({"accept": _("Criterion %(code)s accepted.", code=criterion),
           "adjust": _("Criterion %(code)s adjusted.", code=criterion),
           "request-evidence": _("The evidence request has been sent to the unit."),
           "return": _("The report has been returned to the unit."),
           "verify": _("The report is verified."),
           "approve": _("The verification is approved.")}[action])
    anchor = f"#decide-{criterion}" if criterion else ""
    return redirect(url_for("review.case", report_id=report_id) + anchor)


def _reviewer_values() -> tuple[dict, dict[str, str]]:
    """The inputs typed on a decision (fields value-<key>): the reviewer's own, or corrections; empty ones
    and those left as they were (was-<key>) are not sent; and the numbers refused as read two ways (key →
    message)."""
    values, refused = {}, {}
    for name, raw in request.form.items():
        key = name.removeprefix("value-")
        if name.startswith("value-") and raw.strip() and raw.strip() != request.form.get(f"was-{key}"):
            try:
                values[key] = parse_value({"type": request.form.get(f"type-{key}", "decimal")}, raw)
            except AmbiguousNumber as error:
                refused[key] = read_two_ways(error)
    return values, refused


def _no_data() -> dict:
    """Inputs a provincial system sent no data for, with the reviewer's reason (fields nodata-<key>)."""
    return {name.removeprefix("nodata-"): raw.strip() for name, raw in request.form.items()
            if name.startswith("nodata-") and raw.strip()}
