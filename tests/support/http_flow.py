"""Small helpers for tests that drive running services over real HTTP."""
from __future__ import annotations

import requests

from shared.auth import MAX_LIFETIME, Role, issue_token
from shared.criteria import load_catalog
from shared.signing import SigningKey
from tests.support.answers import evidence_criteria, reviewer_fill, unit_answers
from tests.support.documents import MINIMAL_PDF
from tests.support.polling import eventually


def auth(key: SigningKey, role: Role, unit: str, user: str = "e2e") -> dict[str, str]:
    # Built once per test module, so it lives as long as the services allow.
    return {"Authorization": f"Bearer {issue_token(key, user, role, unit, ttl=MAX_LIFETIME)}"}


def call(method: str, url: str, headers: dict, expected: int = 200, **kwargs) -> dict | list:
    response = requests.request(method, url, headers=headers, timeout=30, **kwargs)
    assert response.status_code == expected, f"{method} {url}: {response.status_code} {response.text}"
    return response.json()


def submit_in_full(submission: str, report: dict, reporter: dict) -> None:
    """The draft `report` answered in full, a PDF attached to each criterion that asks for evidence, and
    submitted, through the submission service at `submission`."""
    unit_catalog = load_catalog(report["catalog_version"]).unit_type(report["unit_type"])
    call("PATCH", f"{submission}/reports/{report['id']}", reporter, json={"answers": unit_answers(unit_catalog)})
    for criterion in evidence_criteria(unit_catalog):
        call("POST", f"{submission}/reports/{report['id']}/evidence", reporter, 201, data={"criterion": criterion},
             files={"file": (f"minh-chung-{criterion}.pdf", MINIMAL_PDF, "application/pdf")})
    call("POST", f"{submission}/reports/{report['id']}/submit", reporter, json={})


def arrived_case(review: str, report_id: str, reviewer: dict) -> dict:
    """The review case of a submitted report, once the review service at `review` has it."""
    return eventually(lambda: requests.get(f"{review}/cases/{report_id}", headers=reviewer, timeout=10),
                      lambda response: response.status_code == 200).json()


def accept_and_verify(review: str, case: dict, reviewer: dict) -> None:
    """Every undecided criterion of `case` accepted as the unit answered it, then the case verified."""
    unit_catalog = load_catalog(case["catalog_version"]).unit_type(case["unit_type"])
    for criterion in case["undecided"]:
        case = call("POST", f"{review}/cases/{case['report_id']}/decisions", reviewer, json={
            "criterion": criterion, "decision": "accept", "expected_version": case["version"],
            **reviewer_fill(unit_catalog, case, criterion)})
    call("POST", f"{review}/cases/{case['report_id']}/verify", reviewer, json={"expected_version": case["version"]})
