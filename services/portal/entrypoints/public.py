"""Pages anyone may open without signing in: the published results. The publication issue extends
this blueprint (rankings, a unit's result page); everything here reads the public look-up API only."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template, request

from services.portal.adapters.api_client import ApiClient, ApiError

blueprint = Blueprint("public", __name__, url_prefix="/results")


def _anonymous() -> ApiClient:
    return ApiClient(current_app.extensions["portal_settings"].api_urls, token=None)


@blueprint.get("")
def index():
    round_id = request.args.get("round_id", "").strip()
    results, error = None, None
    if round_id:
        try:
            results = _anonymous().get("publication", f"/results/{round_id}")
        except ApiError as failure:
            error = failure.detail if failure.status != 404 else None
            results = [] if failure.status == 404 else None
    return render_template("public/index.html", round_id=round_id, results=results, error=error)
