"""The portal's pages rendered by the portal itself, its APIs answered by a fake as the services answer them."""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections import Counter
from html.parser import HTMLParser

from flask.testing import FlaskClient

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
    """The services' answers by path, as JSON gives them (decimals as strings, numbers as numbers), or their
    failures as the portal's client raises them."""

    def __init__(self):
        form = form_description(load_catalog(CATALOG), "commune")
        self.sent: list[tuple[str, str, dict | None]] = []  # what the pages sent: (method, path, body)
        self.answers = {f"/reports/{REPORT['id']}": REPORT, f"/reports/{REPORT['id']}/preview": PREVIEW,
                        f"/reports/{REPORT['id']}/evidence": [],
                        f"/rounds/{REPORT['round_id']}": {"kind": "annual_evaluation", "year": 2027},
                        f"/catalogs/{CATALOG}/unit-types/commune": form,
                        f"/units/{REPORT['unit_code']}/results": [PUBLISHED],
                        f"/cases/{CASE['report_id']}": {**CASE, "reviewer_inputs": reviewer_inputs(form)},
                        f"/cases/{CASE['report_id']}/versions": {"versions": [{}, {"changes": [
                            {"field": "civil_registers_digitised_pct", "before": "80.25", "after": "87.5"},
                            {"field": "steering_head_level", "before": 1, "after": "2"},
                            {"field": "annual_plan_issued", "before": None, "after": True}]}]},
                        f"/rounds/{PUBLISHED['round_id']}/rankings": [{
                            "scope": "commune:436", "stage": "final", "snapshot_version": 1, "complete": True,
                            "published_at": PUBLISHED["published_at"]}],
                        f"/results/{PUBLISHED['round_id']}": [PUBLISHED]}

    def get(self, service: str, path: str, **params):
        return self._answer(path)

    def get_all(self, service: str, path: str, **params):
        return self._answer(path)

    def _answer(self, path: str):
        """The answer set for the path; one set as an exception (an ApiError, a connection refused) is raised."""
        answer = self.answers[path]
        if isinstance(answer, Exception):
            raise answer
        return answer

    def send(self, method: str, service: str, path: str, json=None, **kwargs):
        self.sent.append((method, path, json))
        return {}


def reviewer_inputs(form: dict) -> list[dict]:
    """The inputs a reviewer supplies, each once with the criteria that use it, as the review API lists them on a
    case: all still owed."""
    owed: dict[str, dict] = {}
    for criterion in (criterion for group in form["groups"] for criterion in group["criteria"]):
        for spec in criterion["inputs"]:
            if spec["supplied_by"]["kind"] == "reviewer":
                owed.setdefault(spec["key"], {**spec, "criteria": [], "value": None, "no_data": None}
                                )["criteria"].append(criterion["code"])
    return list(owed.values())


class _References(HTMLParser):
    """A page's ids, its form fields' ids, and the ids its labels, ARIA attributes and in-page links name."""

    def __init__(self):
        super().__init__()
        self.ids: list[str] = []
        self.fields: set[str] = set()
        self.labelled: list[str] = []  # the ids <label for> names
        self.named: list[tuple[str, str]] = []  # (attribute, the id it names)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.append(attributes["id"])
            if tag in ("input", "select", "textarea"):
                self.fields.add(attributes["id"])
        if tag == "label" and attributes.get("for"):
            self.labelled.append(attributes["for"])
        for aria in ("aria-describedby", "aria-labelledby", "aria-controls"):
            self.named += [(aria, name) for name in (attributes.get(aria) or "").split()]
        if (attributes.get("href") or "").startswith("#") and len(attributes["href"]) > 1:
            self.named.append(("href", attributes["href"][1:]))


def references_kept(html: str) -> None:
    """What every page must hold for a screen reader: no id twice (a label or an error summary's link would reach
    the first), each label for a field of the page, and each id an ARIA attribute or an in-page link names on it."""
    found = _References()
    found.feed(html)
    twice = [id_ for id_, count in Counter(found.ids).items() if count > 1]
    assert not twice, f"ids on the page more than once: {twice}"
    unlabelled = [id_ for id_ in found.labelled if id_ not in found.fields]
    assert not unlabelled, f"labels for no field of the page: {unlabelled}"
    missing = [(attribute, id_) for attribute, id_ in found.named if id_ not in found.ids]
    assert not missing, f"ids named but not on the page: {missing}"


class CheckedClient(FlaskClient):
    """A test client that checks every HTML page it is given (references_kept)."""

    def open(self, *args, **kwargs):
        response = super().open(*args, **kwargs)
        if response.mimetype == "text/html":
            references_kept(response.text)
        return response


def page(client, path: str, lang: str) -> str:
    client.set_cookie("lang", lang)
    response = client.get(path)
    assert response.status_code == 200, response.text
    return re.sub(r"\s+", " ", response.text)
