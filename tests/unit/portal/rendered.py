"""The portal's pages rendered by the portal itself, its APIs answered by a fake as the services answer them."""
from __future__ import annotations

import dataclasses
import datetime as dt
import re

from services.portal.domain.accounts import Account
from shared.auth import Role
from shared.criteria import load_catalog
from shared.criteria.forms import form_description

CATALOG = "hatinh-2021-ref-1"
REPORT = {"id": "r1", "round_id": "2027-annual", "unit_code": "18073", "unit_type": "commune",
          "catalog_version": CATALOG, "status": "draft", "version": 3,
          "answers": {"late_reports_count": 2, "civil_registers_digitised_pct": "87.5",
                      "steering_head_level": "2", "annual_plan_issued": True}}  # an option's code as the form sends it
PREVIEW = {"total": "344.69", "groups": [{"code": "1", "points": "0.00", "max_points": 150}],
           "criteria": [], "before_submission": {"errors": []}}
PUBLISHED = {"round_id": "2027-annual", "unit_code": "18073", "unit_name_vi": "Xã Thạch Sơn", "unit_type": "commune",
             "catalog_version": CATALOG, "ranking_scope": "commune:436", "stage": "final", "snapshot_version": 1,
             "total": "1000.00", "rank": 1, "rank_change": None, "band": {"name_vi": "Tốt", "name_en": "Good"},
             "published_at": "2027-12-01T03:00:00+00:00", "groups": {"1": "135.33"}, "criteria": {"1.1": "22.50"}}
CASE = {"report_id": "r1", "round_id": "2027-annual", "unit_name_vi": "Xã Thạch Sơn", "unit_type": "commune",
        "catalog_version": CATALOG, "status": "submitted", "version": 4, "undecided": ["1.1"], "decisions": {},
        "answers": REPORT["answers"], "reviewed_answers": {}, "evidence": {}, "pending_verification_by": None}
CLERK = Account(id="a1", username="xa.thanhsen", display_name="Lê Thị Hoa", unit_code="18073",
                role=Role.UNIT_REPORTER, password_hash="", created_at=dt.datetime(2027, 1, 1, tzinfo=dt.timezone.utc),
                must_change_password=False)
REVIEWER = dataclasses.replace(CLERK, id="a2", username="huyen.thachha", unit_code="436", role=Role.DISTRICT_REVIEWER)


class FakeApi:
    """The services' answers by path, as JSON gives them (decimals as strings, numbers as numbers)."""

    def __init__(self):
        form = form_description(load_catalog(CATALOG), "commune")
        self.sent: list[tuple[str, str, dict | None]] = []  # what the pages sent: (method, path, body)
        self.answers = {f"/reports/{REPORT['id']}": REPORT, f"/reports/{REPORT['id']}/preview": PREVIEW,
                        f"/reports/{REPORT['id']}/evidence": [],
                        f"/rounds/{REPORT['round_id']}": {"kind": "annual_evaluation", "year": 2027},
                        f"/catalogs/{CATALOG}/unit-types/commune": form,
                        f"/units/{REPORT['unit_code']}/results": [PUBLISHED],
                        f"/cases/{CASE['report_id']}": CASE,
                        f"/cases/{CASE['report_id']}/versions": {"versions": [{}, {"changes": [
                            {"field": "civil_registers_digitised_pct", "before": "80.25", "after": "87.5"},
                            {"field": "steering_head_level", "before": 1, "after": "2"},
                            {"field": "annual_plan_issued", "before": None, "after": True}]}]},
                        f"/rounds/{PUBLISHED['round_id']}/rankings": [{
                            "scope": "commune:436", "stage": "final", "snapshot_version": 1, "complete": True,
                            "published_at": PUBLISHED["published_at"]}],
                        f"/results/{PUBLISHED['round_id']}": [PUBLISHED]}

    def get(self, service: str, path: str, **params):
        return self.answers[path]

    def get_all(self, service: str, path: str, **params):
        return self.answers[path]

    def send(self, method: str, service: str, path: str, json=None, **kwargs):
        self.sent.append((method, path, json))
        return {}


def page(client, path: str, lang: str) -> str:
    client.set_cookie("lang", lang)
    response = client.get(path)
    assert response.status_code == 200, response.text
    return re.sub(r"\s+", " ", response.text)
