"""The unit's report: the task list of groups, one page per group with its criteria and evidence,
autosave, check your answers, submit; after review, the reviewer's comments and requests."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from services.portal.adapters.api_client import ApiError
from services.portal.entrypoints import progress, report_form
from services.portal.entrypoints.forms import EmptyForm
from services.portal.entrypoints.labels import number, status_label
from services.portal.entrypoints.signed_in import requires
from shared.auth import Role

blueprint = Blueprint("reports", __name__, url_prefix="/reports")


def _message(issue: dict) -> str:
    return issue.get("message_en" if str(get_locale()) == "en" else "message_vi") or issue.get("message_vi", "")


def field_errors(error: ApiError) -> dict[str, str]:
    """The API's per-field errors, in the page's language, keyed by input key (or evidence.<criterion>)."""
    return error.field_errors(str(get_locale()))


@blueprint.get("")
@requires(Role.UNIT_REPORTER)
def index():
    summaries = [progress.summary(report) for report in g.api.get_all("submission", "/reports")]
    return render_template("home/reporter.html", summaries=summaries, status_label=status_label)


@blueprint.get("/<report_id>")
@requires(Role.UNIT_REPORTER)
def task_list(report_id: str):
    view = report_form.load(report_id)
    return render_template("reports/task_list.html", view=view, status_label=status_label, message=_message,
                           counts=view.unit_criteria_count())


@blueprint.route("/<report_id>/groups/<group_code>", methods=["GET", "POST"])
@requires(Role.UNIT_REPORTER)
def group(report_id: str, group_code: str):
    view = report_form.load(report_id)
    group_ = view.group(group_code) or abort(404)
    errors: dict[str, str] = {}
    submitted_values: dict[str, str] = {}
    form = EmptyForm()
    if request.method == "POST" and form.validate_on_submit() and view.editable:
        # A number read two ways is refused here: then nothing is saved, as when the API refuses a value.
        changes, errors = report_form.answers_from(view, group_["criteria"], request.form)
        if changes and not errors:
            try:
                # No expected version: the clerk's own autosaves move it while the page is open.
                g.api.send("PATCH", "submission", f"/reports/{report_id}", {"answers": changes})
            except ApiError as failure:
                errors = field_errors(failure) or {"": failure.detail}
        if errors:
            submitted_values = request.form.to_dict()
        else:
            flash(_("Your answers are saved."))
            return redirect(url_for("reports.next_step", report_id=report_id, after=group_code))
    elif request.method == "POST":
        abort(400)
    return render_template("reports/group.html", view=view, group=group_, errors=errors, form=form,
                           values=submitted_values, shown=report_form.shown, message=_message,
                           status_label=status_label), 422 if errors else 200


@blueprint.get("/<report_id>/next")
@requires(Role.UNIT_REPORTER)
def next_step(report_id: str):
    """After saving a group: the next group, or the check-your-answers page after the last."""
    view = report_form.load(report_id)
    codes = [group_["code"] for group_ in view.form["groups"]]
    after = request.args.get("after")
    if after in codes and codes.index(after) + 1 < len(codes):
        return redirect(url_for("reports.group", report_id=report_id, group_code=codes[codes.index(after) + 1]))
    return redirect(url_for("reports.check", report_id=report_id))


@blueprint.post("/<report_id>/autosave")
@requires(Role.UNIT_REPORTER)
def autosave(report_id: str):
    """One field as the clerk types (fetch with the CSRF header): saved, or its error; the new score, as the API
    gives it and as the page shows it (shown_total: 344,69 on a Vietnamese page)."""
    report = g.api.get("submission", f"/reports/{report_id}")
    view = report_form.ReportView(report, report_form.catalog_form(report), {}, [])
    if not view.editable:
        return jsonify(saved=False, errors={}), 409
    changes, refused = report_form.answers_from(view, [c for g_ in view.form["groups"] for c in g_["criteria"]],
                                                request.form)
    errors = {**refused, **_save_what_is_valid(report_id, changes)}
    preview = g.api.get("submission", f"/reports/{report_id}/preview")
    total = preview.get("total")
    return jsonify(saved=not errors, errors=errors, total=total, shown_total=number(total),
                   criteria={item["code"]: item.get("points") for item in preview.get("criteria", [])},
                   groups={item["code"]: item.get("points") for item in preview.get("groups", [])})


def _save_what_is_valid(report_id: str, changes: dict) -> dict[str, str]:
    """Save the changes; when some are refused, save the others anyway (a draft keeps every good value)
    and answer the refused ones' messages."""
    errors: dict[str, str] = {}
    while changes:
        try:
            g.api.send("PATCH", "submission", f"/reports/{report_id}", {"answers": changes})
            return errors
        except ApiError as failure:
            refused = field_errors(failure)
            if failure.status != 422 or not set(refused) & set(changes):
                return {**errors, **(refused or {"": failure.detail})}
            errors.update(refused)
            changes = {key: value for key, value in changes.items() if key not in refused}
    return errors


@blueprint.post("/<report_id>/evidence")
@requires(Role.UNIT_REPORTER)
def upload_evidence(report_id: str):
    if not EmptyForm().validate_on_submit():
        abort(400)
    criterion = request.form.get("criterion", "")
    files = [item for item in request.files.getlist("files") if item.filename]
    back = request.form.get("back") or url_for("reports.task_list", report_id=report_id)
    if not files:
        flash(_("Choose at least one file."))
    for item in files:
        try:
            g.api.request("POST", "submission", f"/reports/{report_id}/evidence", data={"criterion": criterion},
                          files={"file": (item.filename, item.stream, item.mimetype)})
        except ApiError as failure:
            flash(_("%(file)s was not attached: %(reason)s", file=item.filename, reason=failure.detail))
        else:
            flash(_("%(file)s is attached.", file=item.filename))
    if request.headers.get("X-Requested-With") == "fetch":
        return jsonify(ok=True)
    return redirect(back + f"#criterion-{criterion}")


@blueprint.get("/<report_id>/evidence/<file_id>")
@requires(Role.UNIT_REPORTER, Role.DISTRICT_REVIEWER, Role.DEPARTMENT_REVIEWER)
def evidence_file(report_id: str, file_id: str):
    """The file's bytes through the API, shown in the page (PDF, images) or downloaded."""
    upstream = g.api.raw("submission", f"/reports/{report_id}/evidence/{file_id}")
    content_type = upstream.headers.get("Content-Type", "application/octet-stream")
    inline = content_type.split(";")[0] in ("application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp")
    response = Response(upstream.iter_content(64 * 1024), content_type=content_type)
    disposition = upstream.headers.get("Content-Disposition", "attachment")
    response.headers["Content-Disposition"] = disposition.replace("attachment", "inline") if inline else disposition
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "sandbox"
    return response


@blueprint.get("/<report_id>/check")
@requires(Role.UNIT_REPORTER)
def check(report_id: str):
    view = report_form.load(report_id)
    return render_template("reports/check.html", view=view, form=EmptyForm(), message=_message,
                           status_label=status_label)


@blueprint.post("/<report_id>/submit")
@requires(Role.UNIT_REPORTER)
def submit(report_id: str):
    if not EmptyForm().validate_on_submit():
        abort(400)
    view = report_form.load(report_id)
    try:
        g.api.send("POST", "submission", f"/reports/{report_id}/submit", {"expected_version": view.report["version"]})
    except ApiError as failure:
        return render_template("reports/check.html", view=view, form=EmptyForm(),
                               message=_message, status_label=status_label, submit_errors=field_errors(failure),
                               submit_detail=failure.detail), 422
    flash(_("Your report has been submitted for review."))
    return redirect(url_for("reports.task_list", report_id=report_id))


@blueprint.post("/<report_id>/evidence-reply")
@requires(Role.UNIT_REPORTER)
def evidence_reply(report_id: str):
    if not EmptyForm().validate_on_submit():
        abort(400)
    note = request.form.get("note", "").strip()
    if not note:
        flash(_("Write a note for the reviewer about what you added."))
        return redirect(url_for("reports.task_list", report_id=report_id) + "#reply")
    view = report_form.load(report_id)
    try:
        g.api.send("POST", "submission", f"/reports/{report_id}/evidence-reply",
                   {"note": note, "expected_version": view.report["version"]})
    except ApiError as failure:
        flash(failure.detail)
        return redirect(url_for("reports.task_list", report_id=report_id) + "#reply")
    flash(_("Your answer has been sent to the reviewer."))
    return redirect(url_for("reports.task_list", report_id=report_id))
