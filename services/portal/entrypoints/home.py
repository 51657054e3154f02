"""Home: what the signed-in person has to do next."""
from __future__ import annotations

from flask import Blueprint, g, redirect, render_template, url_for

from services.portal.entrypoints import progress
from services.portal.entrypoints.labels import ROUND_STATUS, status_label
from shared.auth import Role

blueprint = Blueprint("home", __name__)


@blueprint.get("/")
def index():
    role = g.account.role
    if role is Role.UNIT_REPORTER:
        reports = g.api.get_all("submission", "/reports")
        summaries = [progress.summary(report) for report in reports]
        return render_template("home/reporter.html", summaries=summaries, status_label=status_label)
    if role in (Role.DISTRICT_REVIEWER, Role.DEPARTMENT_REVIEWER):
        queue = g.api.get("review", "/queue")
        return render_template("home/reviewer.html", queue=queue, status_label=status_label)
    if role is Role.ADMIN:
        rounds = g.api.get_all("submission", "/rounds")
        return render_template("home/admin.html", rounds=rounds, round_status=ROUND_STATUS)
    # Roles with no pages of their own yet (approver, data provider, auditor) use the APIs; the portal
    # shows them the published results.
    return redirect(url_for("public.index"))
