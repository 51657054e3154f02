"""Pages anyone may open without signing in: the published results. Everything here reads the
publication service's public look-up API (and the public criteria catalog for names), so only
what was published can ever appear: the rankings of a round (sortable, with a bar chart), a
unit's result page (groups and criteria, ranks, band, a radar of its groups and its totals over
the years), the search by name with or without diacritics, and the exports."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from services.portal.adapters.api_client import ApiClient, ApiError
from services.portal.domain.charts import bar_chart, line_chart, radar_chart
from services.portal.entrypoints.names import unit_name

blueprint = Blueprint("public", __name__, url_prefix="/results")

PAGE_SIZE = 100  # the largest page the publication API serves
SORTS = ("rank", "name", "total")
STAGES = {"district": _l("Published by the district"), "provisional": _l("Provisional results"),
          "final": _l("Final results"), "correction": _l("Corrected results")}
SCOPES = {"province_department": _l("Departments"), "central_agency": _l("Central agencies"),
          "district": _l("Districts"), "commune": _l("Communes (province-wide)")}
EXPORT_FORMATS = ("xlsx", "csv", "pdf")
RANKING_MAXIMUM = 1000  # the bar chart's scale: the catalogs' total, the same for every unit type


def _anonymous() -> ApiClient:
    return ApiClient(current_app.extensions["portal_settings"].api_urls, token=None)


def _or_404(call):
    try:
        return call()
    except ApiError as failure:
        if failure.status == 404:
            abort(404)
        raise


@blueprint.app_template_global()
def scope_label(scope: str) -> str:
    if scope.startswith("commune:"):
        return str(_l("Communes of %(district)s", district=unit_name(scope.split(":", 1)[1])))
    return str(SCOPES.get(scope, scope))


@blueprint.app_template_global()
def stage_label(stage: str) -> str:
    return str(STAGES.get(stage, stage))


@blueprint.get("")
def index():
    round_id = request.args.get("round_id", "").strip()
    if round_id:
        return redirect(url_for("public.ranking", round_id=round_id))
    rounds = _anonymous().get("publication", "/published-rounds")
    return render_template("public/index.html", rounds=rounds)


@blueprint.get("/search")
def search():
    query = request.args.get("q", "").strip()
    found = []
    if query:
        found = _anonymous().get("publication", "/search", q=query[:100], page_size=PAGE_SIZE)
    return render_template("public/search.html", query=query, found=found)


@blueprint.get("/rounds/<round_id>")
def ranking(round_id: str):
    client = _anonymous()
    rankings = _or_404(lambda: client.get("publication", f"/rounds/{round_id}/rankings"))
    scopes = [item["scope"] for item in rankings]
    scope = request.args.get("scope") if request.args.get("scope") in scopes else scopes[0]
    chosen = next(item for item in rankings if item["scope"] == scope)
    rows = _all_pages(client, f"/results/{round_id}", scope=scope)
    sort = request.args.get("sort") if request.args.get("sort") in SORTS else "rank"
    descending = request.args.get("order") == "desc"
    rows.sort(key=_sort_key(sort), reverse=descending)
    chart = bar_chart([(row["unit_name_vi"], Decimal(row["total"])) for row in rows], maximum=RANKING_MAXIMUM,
                      title=str(_l("Total points by unit")), locale=str(get_locale()))
    groups = sorted({code for row in rows for code in row["groups"]}, key=_natural)
    return render_template("public/ranking.html", round_id=round_id, rankings=rankings, scope=scope, chosen=chosen,
                           rows=rows, groups=groups, sort=sort, descending=descending, chart=chart,
                           chart_maximum=RANKING_MAXIMUM, scope_label=scope_label, formats=EXPORT_FORMATS)


@blueprint.get("/units/<unit_code>")
def unit(unit_code: str):
    client = _anonymous()
    history = client.get("publication", f"/units/{unit_code}/results")
    if not history:
        abort(404)
    round_ids = sorted({row["round_id"] for row in history}, reverse=True)
    round_id = request.args.get("round_id") if request.args.get("round_id") in round_ids else round_ids[0]
    standings = sorted((row for row in history if row["round_id"] == round_id),
                       key=lambda row: -len(row["ranking_scope"]))  # the narrowest ranking first
    standing = standings[0]
    form = client.get("scoring", f"/catalogs/{standing['catalog_version']}/unit-types/{standing['unit_type']}")
    locale = str(get_locale())
    english = locale == "en"
    groups = [{"code": group["code"], "name": group["name"]["en" if english else "vi"],
               "max_points": group["max_points"], "points": standing["groups"].get(group["code"]),
               "criteria": [{"code": criterion["code"], "name": criterion["name"]["en" if english else "vi"],
                             "max_points": criterion["max_points"], "min_points": criterion.get("min_points", 0),
                             "points": standing["criteria"].get(criterion["code"])}
                            for criterion in group["criteria"]]} for group in form["groups"]]
    radar = radar_chart([(group["code"], group["name"], Decimal(group["points"] or 0), group["max_points"])
                         for group in groups], title=str(_l("Points by group")), locale=locale)
    yearly = {}
    for row in sorted(history, key=lambda row: (row["round_id"], -len(row["ranking_scope"]))):
        yearly.setdefault(row["round_id"], Decimal(row["total"]))
    line = line_chart([(round_key.split("-", 1)[0], total) for round_key, total in sorted(yearly.items())],
                      maximum=form["total_max_points"], title=str(_l("Total points over the years")), locale=locale)
    return render_template("public/unit.html", standing=standing, standings=standings, groups=groups,
                           round_id=round_id, round_ids=round_ids, radar=radar, line=line,
                           total_max=form["total_max_points"], scope_label=scope_label, formats=EXPORT_FORMATS)


@blueprint.get("/rounds/<round_id>/export/<scope>.<file_format>")
def export_ranking(round_id: str, scope: str, file_format: str):
    return _export(f"/rounds/{round_id}/rankings/{scope}/export", file_format)


@blueprint.get("/rounds/<round_id>/units/<unit_code>/export.<file_format>")
def export_unit(round_id: str, unit_code: str, file_format: str):
    return _export(f"/rounds/{round_id}/units/{unit_code}/export", file_format)


def _export(path: str, file_format: str) -> Response:
    if file_format not in EXPORT_FORMATS:
        abort(404)
    upstream = _or_404(lambda: _anonymous().request("GET", "publication", path, params={"format": file_format}))
    headers = {name: upstream.headers[name] for name in ("Content-Type", "Content-Disposition")
               if name in upstream.headers}
    return Response(upstream.content, headers=headers)


def _all_pages(client: ApiClient, path: str, **params) -> list[dict[str, Any]]:
    """Every item of a paged list (the API pages by 100 at most)."""
    rows, page = [], 1
    while True:
        batch = client.get("publication", path, page=page, page_size=PAGE_SIZE, **params)
        rows += batch
        if len(batch) < PAGE_SIZE:
            return rows
        page += 1


def _sort_key(sort: str):
    if sort == "name":
        return lambda row: row["unit_name_vi"]
    if sort == "total":
        return lambda row: Decimal(row["total"])
    return lambda row: (row["rank"] is None, row["rank"] or 0, row["unit_code"])


def _natural(code: str) -> tuple:
    return tuple(int(part) if part.isdigit() else part for part in code.split("."))
